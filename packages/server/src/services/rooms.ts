/** Rooms: WeChat's broadcast/room API, the status lifecycle with its audit log and timers (S-ROOM, S-STATUS). */
import { Errcode, LiveStatus, type CreateRoomRequest, type TransitionCause, STATUS_NAMES } from '@zhibo/protocol';
import { type Clock, type TransitionResult, type TimerPolicy, checkAnchorName, checkRoomName, checkRoomTimes, timersAfter, transition } from '@zhibo/core';
import type { Db, Sql } from '../db/index.js';
import { randomToken } from './crypto.js';
import { WxFail } from './errors.js';
import type { DomainEvents, StatusChange, TypedEmitter } from './events.js';
import type { ImageService } from './images.js';
import type { Log } from './log.js';

export interface RoomRow {
  id: number;
  appid: string;
  name: string;
  cover_img: string;
  share_img: string;
  feeds_img: string;
  start_time: number;
  end_time: number;
  anchor_name: string;
  anchor_img: string;
  anchor_wechat: string;
  type: number;
  screen_type: number;
  close_like: number;
  close_goods: number;
  close_comment: number;
  close_replay: number;
  close_share: number;
  close_kf: number;
  is_feeds_public: number;
  live_status: LiveStatus;
  stream_key: string;
  created_at: number;
  updated_at: number;
}

/** Runs inside the transaction of a status change (e.g. the reminder outbox, issue 6). */
export type TransitionHook = (sql: Sql, change: StatusChange) => Promise<void>;

const ROOM_COLUMNS = `id, appid, name, cover_img, share_img, feeds_img, start_time, end_time, anchor_name, anchor_img, anchor_wechat,
  type, screen_type, close_like, close_goods, close_comment, close_replay, close_share, close_kf, is_feeds_public,
  live_status, stream_key, created_at, updated_at`;

const flag = (v: unknown, field: string): number => {
  if (v === undefined || v === null) return 0;
  if (v === 0 || v === 1) return v;
  throw new WxFail(Errcode.BadParameter, `${field} must be 0 or 1`, field);
};

export class RoomService {
  /** Hot reads (S-API-PLUGIN-1) come from here, kept fresh by every transition — not a query per request. */
  private readonly statusCache = new Map<number, { appid: string; status: LiveStatus }>();
  readonly hooks: TransitionHook[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly images: ImageService,
    private readonly events: TypedEmitter<DomainEvents>,
    private readonly log: Log,
    private readonly timerPolicy: TimerPolicy,
  ) {}

  async loadStatusCache(): Promise<void> {
    const rows = await this.db.query<{ id: number; appid: string; live_status: LiveStatus }>('SELECT id, appid, live_status FROM rooms WHERE deleted_at IS NULL');
    this.statusCache.clear();
    for (const r of rows) this.statusCache.set(r.id, { appid: r.appid, status: r.live_status });
  }

  /** The cached status of a room (undefined: no such room). */
  cachedStatus(roomId: number): { appid: string; status: LiveStatus } | undefined {
    return this.statusCache.get(roomId);
  }

  private async validated(appid: string, req: Partial<CreateRoomRequest>): Promise<Record<string, unknown>> {
    if (typeof req.name !== 'string') throw new WxFail(Errcode.NameLengthInvalid, 'name is required', 'name');
    const n = checkRoomName(req.name);
    if (!n.ok) throw new WxFail(n.errcode, n.message, n.field);
    if (typeof req.anchorName !== 'string') throw new WxFail(Errcode.AnchorNameLengthInvalid, 'anchorName is required', 'anchorName');
    const a = checkAnchorName(req.anchorName);
    if (!a.ok) throw new WxFail(a.errcode, a.message, a.field);
    if (typeof req.startTime !== 'number' || typeof req.endTime !== 'number')
      throw new WxFail(Errcode.BadParameter, 'parameter startTime or endTime is invalid: both are required unix seconds', 'startTime');
    const t = checkRoomTimes({ startTime: req.startTime, endTime: req.endTime }, Math.floor(this.clock.now() / 1000));
    if (!t.ok) throw new WxFail(t.errcode, t.message, t.field);
    const type = req.type ?? 1;
    if (type !== 0 && type !== 1) throw new WxFail(Errcode.BadParameter, 'type must be 0 (phone) or 1 (push stream)', 'type');
    const screenType = req.screenType ?? 0;
    if (screenType !== 0 && screenType !== 1) throw new WxFail(Errcode.BadParameter, 'screenType must be 0 (portrait) or 1 (landscape)', 'screenType');
    const str = (v: unknown, field: string, max = 64): string => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string' || v.length > max) throw new WxFail(Errcode.BadParameter, `${field} must be a string of at most ${max} characters`, field);
      return v;
    };
    return {
      name: req.name,
      cover_img: await this.images.resolve(appid, req.coverImg, 'coverImg', 2 * 1024 * 1024, Errcode.CoverImageInvalid),
      share_img: await this.images.resolve(appid, req.shareImg, 'shareImg', 1024 * 1024, Errcode.ShareImageInvalid),
      feeds_img: req.feedsImg ? await this.images.resolve(appid, req.feedsImg, 'feedsImg', 100 * 1024, Errcode.ImageUploadFailed) : '',
      anchor_img: req.anchorImg ? await this.images.resolve(appid, req.anchorImg, 'anchorImg', 1024 * 1024, Errcode.ImageUploadFailed) : '',
      start_time: req.startTime,
      end_time: req.endTime,
      anchor_name: req.anchorName,
      anchor_wechat: str(req.anchorWechat, 'anchorWechat'),
      sub_anchor_wechat: str(req.subAnchorWechat, 'subAnchorWechat'),
      creater_wechat: str(req.createrWechat, 'createrWechat'),
      type,
      screen_type: screenType,
      close_like: flag(req.closeLike, 'closeLike'),
      close_goods: flag(req.closeGoods, 'closeGoods'),
      close_comment: flag(req.closeComment, 'closeComment'),
      close_replay: flag(req.closeReplay, 'closeReplay'),
      close_share: flag(req.closeShare, 'closeShare'),
      close_kf: flag(req.closeKf, 'closeKf'),
      is_feeds_public: flag(req.isFeedsPublic, 'isFeedsPublic'),
    };
  }

  /** POST /wxaapi/broadcast/room/create — S-STATUS-1: new rooms are 102. */
  async create(appid: string, req: Partial<CreateRoomRequest>): Promise<number> {
    const v = await this.validated(appid, req);
    const now = this.clock.now();
    const cols = Object.keys(v);
    const id = await this.db.tx(async (sql) => {
      const [row] = await sql.query<{ id: number }>(
        `INSERT INTO rooms (appid, ${cols.join(', ')}, live_status, stream_key, created_at, updated_at)
         VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')}, ${LiveStatus.NotStarted}, $${cols.length + 2}, $${cols.length + 3}, $${cols.length + 3}) RETURNING id`,
        [appid, ...cols.map((c) => v[c]), randomToken(18), now],
      );
      const roomId = row!.id;
      await sql.query('INSERT INTO room_events (room_id, from_status, to_status, cause, actor, at) VALUES ($1, NULL, $2, $3, $4, $5)', [roomId, LiveStatus.NotStarted, 'created', 'api', now]);
      await sql.query('INSERT INTO timers (room_id, kind, due_at) VALUES ($1, $2, $3)', [roomId, 'plan_expiry', (v.end_time as number) * 1000]);
      return roomId;
    });
    this.statusCache.set(id, { appid, status: LiveStatus.NotStarted });
    this.events.emit('roomChanged', { roomId: id, appid });
    this.log.info(`room ${id}: created by ${appid} (102)`);
    return id;
  }

  /** POST /wxaapi/broadcast/room/editroom — only before the live starts (WeChat: 300001 otherwise). */
  async edit(appid: string, id: unknown, req: Partial<CreateRoomRequest>): Promise<void> {
    const room = await this.get(appid, id);
    if (room.live_status !== LiveStatus.NotStarted) throw new WxFail(Errcode.EditForbidden, `room ${room.id} is ${room.live_status}; only a room that has not started (102) can be edited`);
    const v = await this.validated(appid, req);
    const cols = Object.keys(v);
    await this.db.tx(async (sql) => {
      await sql.query(`UPDATE rooms SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = $${cols.length + 2} WHERE id = $1`, [room.id, ...cols.map((c) => v[c]), this.clock.now()]);
      await sql.query(`UPDATE timers SET due_at = $2 WHERE room_id = $1 AND kind = 'plan_expiry'`, [room.id, (v.end_time as number) * 1000]);
    });
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  /** POST /wxaapi/broadcast/room/deleteroom — not while the room is live, paused or abnormal. */
  async delete(appid: string, id: unknown): Promise<void> {
    const room = await this.get(appid, id);
    if ([LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal].includes(room.live_status as 101))
      throw new WxFail(Errcode.RoomStateForbids, `room ${room.id} is ${room.live_status} (${STATUS_NAMES[room.live_status]}); end it before deleting`);
    await this.db.tx(async (sql) => {
      await sql.query('UPDATE rooms SET deleted_at = $2 WHERE id = $1', [room.id, this.clock.now()]);
      await sql.query('DELETE FROM timers WHERE room_id = $1', [room.id]);
    });
    this.statusCache.delete(room.id);
    this.events.emit('roomDeleted', { roomId: room.id, appid });
    this.log.info(`room ${room.id}: deleted by ${appid}`);
  }

  /** A room of this app; another app's room is as unknown as a missing one (300022). */
  async get(appid: string, id: unknown): Promise<RoomRow> {
    const roomId = typeof id === 'string' && /^\d{1,9}$/.test(id) ? Number(id) : id;
    if (typeof roomId !== 'number' || !Number.isInteger(roomId) || roomId <= 0 || roomId > 2_147_483_647)
      throw new WxFail(Errcode.RoomNotFound, 'room id must be a positive integer', 'roomId');
    const [row] = await this.db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1 AND appid = $2 AND deleted_at IS NULL`, [roomId, appid]);
    if (!row) throw new WxFail(Errcode.RoomNotFound, `room ${roomId} does not exist`);
    return row;
  }

  /** Any room by id (plugin API, media): undefined when unknown or deleted. */
  async getAny(roomId: number): Promise<RoomRow | undefined> {
    const [row] = await this.db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1 AND deleted_at IS NULL`, [roomId]);
    return row;
  }

  async page(appid: string, start: number, limit: number): Promise<{ rooms: RoomRow[]; total: number }> {
    const rooms = await this.db.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM rooms WHERE appid = $1 AND deleted_at IS NULL ORDER BY start_time DESC, id DESC OFFSET $2 LIMIT $3`,
      [appid, start, limit],
    );
    const [c] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rooms WHERE appid = $1 AND deleted_at IS NULL', [appid]);
    return { rooms, total: c?.n ?? 0 };
  }

  async regenerateStreamKey(appid: string, id: unknown): Promise<void> {
    const room = await this.get(appid, id);
    await this.db.query('UPDATE rooms SET stream_key = $2, updated_at = $3 WHERE id = $1', [room.id, randomToken(18), this.clock.now()]);
  }

  /** The audit log of a room (S-STATUS-8). */
  async auditLog(roomId: number): Promise<Array<{ from_status: number | null; to_status: number; cause: string; actor: string; at: number }>> {
    return this.db.query('SELECT from_status, to_status, cause, actor, at FROM room_events WHERE room_id = $1 ORDER BY id', [roomId]);
  }

  /**
   * Apply a cause to a room: the one state setter. In one transaction: lock the room,
   * run the pure transition, store status + audit row + timers (+ hooks, e.g. the reminder outbox).
   * Does nothing when unchanged; logs one line and emits one event when changed.
   */
  async apply(roomId: number, cause: TransitionCause, actor: string): Promise<TransitionResult> {
    const { r, change } = await this.db.tx((sql) => this.applyIn(sql, roomId, cause, actor));
    if (change) this.committed(change);
    else if (r.kind === 'refused') this.log.warn(`room ${roomId}: ${r.message}`);
    return r;
  }

  /** The transactional half of apply(): the caller commits, then calls committed(change). */
  async applyIn(sql: Sql, roomId: number, cause: TransitionCause, actor: string): Promise<{ r: TransitionResult; change: StatusChange | undefined }> {
    const now = this.clock.now();
    {
      const [room] = await sql.query<{ live_status: LiveStatus; end_time: number; appid: string }>(
        'SELECT live_status, end_time, appid FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
        [roomId],
      );
      if (!room) throw new WxFail(Errcode.RoomNotFound, `room ${roomId} does not exist`);
      const r = transition(room.live_status, cause);
      if (r.kind !== 'changed') return { r, change: undefined };
      await sql.query('UPDATE rooms SET live_status = $2, updated_at = $3 WHERE id = $1', [roomId, r.to, now]);
      await sql.query('INSERT INTO room_events (room_id, from_status, to_status, cause, actor, at) VALUES ($1, $2, $3, $4, $5, $6)', [roomId, r.from, r.to, cause, actor, now]);
      const t = timersAfter(r.to, now, room.end_time * 1000, this.timerPolicy);
      if (t.cancel.length) await sql.query('DELETE FROM timers WHERE room_id = $1 AND kind = ANY($2::text[])', [roomId, t.cancel]);
      for (const s of t.schedule)
        await sql.query('INSERT INTO timers (room_id, kind, due_at) VALUES ($1, $2, $3) ON CONFLICT (room_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at', [roomId, s.kind, s.dueAt]);
      const change: StatusChange = { roomId, appid: room.appid, from: r.from, to: r.to, cause, actor, at: now };
      for (const hook of this.hooks) await hook(sql, change);
      return { r, change };
    }
  }

  /** After commit: cache, one log line, one event. */
  committed(c: StatusChange): void {
    this.statusCache.set(c.roomId, { appid: c.appid, status: c.to });
    this.log.info(`room ${c.roomId}: ${c.from} -> ${c.to} (${c.cause.replace(/_/g, ' ')}) by ${c.actor}`);
    this.events.emit('status', c);
  }

  /** A status change committed by another process on the same database (services/change-feed.ts): cache and event, no log line. */
  remoteCommitted(c: StatusChange): void {
    this.statusCache.set(c.roomId, { appid: c.appid, status: c.to });
    this.events.emit('status', c);
  }

  /** Re-read one room's status into the cache (another process created, edited or deleted it). */
  async refreshCached(roomId: number): Promise<void> {
    const [row] = await this.db.query<{ appid: string; live_status: LiveStatus }>('SELECT appid, live_status FROM rooms WHERE id = $1 AND deleted_at IS NULL', [roomId]);
    if (row) this.statusCache.set(roomId, { appid: row.appid, status: row.live_status });
    else this.statusCache.delete(roomId);
  }
}
