/** Rooms: WeChat's broadcast/room fields, the status lifecycle with its audit log and timers (S-ROOM, S-STATUS). */
import { type CreateRoomRequest, LiveStatus, Reason, STATUS_NAMES, type TransitionCause } from '@zhibo/protocol';
import { type Clock, type TimerPolicy, type TransitionResult, checkAnchorName, checkRoomName, checkRoomTimes } from '@zhibo/core';
import { randomToken } from '../../lib/crypto.js';
import type { DomainBus, StatusChange } from '../../lib/domain-events.js';
import { DomainError, assertCheck } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import type { ImageService } from '../images/service.js';
import type { AuditRow, RoomRow, RoomsSql, TransitionHook } from './sql.js';

const flag = (v: unknown, field: string): number => {
  if (v === undefined || v === null) return 0;
  if (v === 0 || v === 1) return v;
  if (v === '0' || v === '1') return Number(v);
  throw new DomainError(Reason.BadParameter, `${field} must be 0 or 1`, field);
};

const intOf = (v: unknown): unknown => (typeof v === 'string' && /^-?\d{1,12}$/.test(v) ? Number(v) : v);

export class RoomService {
  /** Hot reads (S-API-PLUGIN-1) come from here, kept fresh by every transition — not a query per request. */
  private readonly statusCache = new Map<number, { appid: string; status: LiveStatus }>();
  /** Run inside every status transaction (other modules register theirs: the reminder outbox). */
  readonly hooks: TransitionHook[] = [];

  constructor(
    private readonly sql: RoomsSql,
    private readonly clock: Clock,
    private readonly images: ImageService,
    private readonly events: DomainBus,
    private readonly log: Log,
    private readonly timerPolicy: TimerPolicy,
  ) {}

  async loadStatusCache(): Promise<void> {
    this.statusCache.clear();
    for (const r of await this.sql.statuses()) this.statusCache.set(r.id, { appid: r.appid, status: r.live_status });
  }

  /** Rooms by status, from the cache (metrics). */
  statusCounts(): Map<LiveStatus, number> {
    const out = new Map<LiveStatus, number>();
    for (const { status } of this.statusCache.values()) out.set(status, (out.get(status) ?? 0) + 1);
    return out;
  }

  /** The cached status of a room (undefined: no such room). */
  cachedStatus(roomId: number): { appid: string; status: LiveStatus } | undefined {
    return this.statusCache.get(roomId);
  }

  private async validated(appid: string, req: Partial<CreateRoomRequest>): Promise<Record<string, unknown>> {
    if (typeof req.name !== 'string') throw new DomainError(Reason.NameLength, 'name is required', 'name');
    assertCheck(checkRoomName(req.name));
    if (typeof req.anchorName !== 'string') throw new DomainError(Reason.AnchorNameLength, 'anchorName is required', 'anchorName');
    assertCheck(checkAnchorName(req.anchorName));
    const startTime = intOf(req.startTime);
    const endTime = intOf(req.endTime);
    if (typeof startTime !== 'number' || typeof endTime !== 'number')
      throw new DomainError(Reason.RoomTimes, 'parameter startTime or endTime is invalid: both are required unix seconds', 'startTime');
    assertCheck(checkRoomTimes({ startTime, endTime }, Math.floor(this.clock.now() / 1000)));
    const type = intOf(req.type ?? 1);
    if (type !== 0 && type !== 1) throw new DomainError(Reason.BadParameter, 'type must be 0 (phone) or 1 (push stream)', 'type');
    const screenType = intOf(req.screenType ?? 0);
    if (screenType !== 0 && screenType !== 1) throw new DomainError(Reason.BadParameter, 'screenType must be 0 (portrait) or 1 (landscape)', 'screenType');
    const str = (v: unknown, field: string, max = 64): string => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string' || v.length > max) throw new DomainError(Reason.BadParameter, `${field} must be a string of at most ${max} characters`, field);
      return v;
    };
    return {
      name: req.name,
      cover_img: await this.images.resolve(appid, req.coverImg, 'coverImg', 2 * 1024 * 1024, Reason.CoverImageInvalid),
      share_img: await this.images.resolve(appid, req.shareImg, 'shareImg', 1024 * 1024, Reason.ShareImageInvalid),
      feeds_img: req.feedsImg ? await this.images.resolve(appid, req.feedsImg, 'feedsImg', 100 * 1024, Reason.ImageInvalid) : '',
      anchor_img: req.anchorImg ? await this.images.resolve(appid, req.anchorImg, 'anchorImg', 1024 * 1024, Reason.ImageInvalid) : '',
      start_time: startTime,
      end_time: endTime,
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
    const id = await this.sql.insert(appid, v, randomToken(18), this.clock.now());
    this.statusCache.set(id, { appid, status: LiveStatus.NotStarted });
    this.events.emit('roomChanged', { roomId: id, appid });
    this.log.info(`room ${id}: created by ${appid} (102)`);
    return id;
  }

  /** POST /wxaapi/broadcast/room/editroom — only before the live starts (WeChat: 300001 otherwise). */
  async edit(appid: string, id: unknown, req: Partial<CreateRoomRequest>): Promise<void> {
    const room = await this.get(appid, id);
    if (room.live_status !== LiveStatus.NotStarted)
      throw new DomainError(Reason.EditForbidden, `room ${room.id} is ${room.live_status}; only a room that has not started (102) can be edited`);
    const v = await this.validated(appid, req);
    await this.sql.update(room.id, v, this.clock.now());
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  /** POST /wxaapi/broadcast/room/deleteroom — not while the room is live, paused or abnormal. */
  async delete(appid: string, id: unknown): Promise<void> {
    const room = await this.get(appid, id);
    if (([LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal] as number[]).includes(room.live_status))
      throw new DomainError(Reason.RoomStateForbids, `room ${room.id} is ${room.live_status} (${STATUS_NAMES[room.live_status]}); end it before deleting`);
    await this.sql.softDelete(room.id, this.clock.now());
    this.statusCache.delete(room.id);
    this.events.emit('roomDeleted', { roomId: room.id, appid });
    this.log.info(`room ${room.id}: deleted by ${appid}`);
  }

  /** A room of this app; another app's room is as unknown as a missing one (300022). */
  async get(appid: string, id: unknown): Promise<RoomRow> {
    const roomId = positiveId(id);
    if (roomId === undefined) throw new DomainError(Reason.RoomNotFound, 'room id must be a positive integer', 'roomId');
    const row = await this.sql.get(appid, roomId);
    if (!row) throw new DomainError(Reason.RoomNotFound, `room ${roomId} does not exist`, 'roomId');
    return row;
  }

  /** Any room by id (plugin API, media, console after its ownership check): undefined when unknown or deleted. */
  getAny(roomId: number): Promise<RoomRow | undefined> {
    return this.sql.getAny(roomId);
  }

  page(appid: string, start: number, limit: number): Promise<{ rooms: RoomRow[]; total: number }> {
    return this.sql.page(appid, start, limit);
  }

  /** A new stream key; whoever publishes with the old one is kicked (streamKeyChanged → live module). */
  async regenerateStreamKey(appid: string, id: unknown): Promise<RoomRow> {
    const room = await this.get(appid, id);
    await this.sql.setStreamKey(room.id, randomToken(18), this.clock.now());
    this.events.emit('streamKeyChanged', { roomId: room.id, appid });
    return this.get(appid, room.id);
  }

  /** room/updatecomment: the room-wide comment switch (the realtime module tells viewers; getliveinfo shows close_comment). */
  async setCommentsClosed(appid: string, roomId: number, closed: boolean): Promise<void> {
    await this.sql.setCloseComment(roomId, closed, this.clock.now());
    this.events.emit('roomChanged', { roomId, appid });
  }

  /** The audit log of a room (S-STATUS-8). */
  auditLog(roomId: number): Promise<AuditRow[]> {
    return this.sql.auditLog(roomId);
  }

  /** Rooms left 101 by a crash (reconcile on boot). */
  liveRoomIds(): Promise<number[]> {
    return this.sql.idsWithStatus(LiveStatus.Live);
  }

  /**
   * Apply a cause to a room: the one state setter. In one transaction: lock the room, run the pure transition,
   * store status + audit row + timers (+ hooks, e.g. the reminder outbox). Does nothing when unchanged; logs one
   * line and emits one event when changed.
   */
  async apply(roomId: number, cause: TransitionCause, actor: string): Promise<TransitionResult> {
    const { r, change } = await this.sql.apply(roomId, cause, actor, this.clock.now(), this.timerPolicy, this.hooks);
    if (change) this.committed(change);
    else if (r.kind === 'refused') this.log.warn(`room ${roomId}: ${r.message}`);
    return r;
  }

  /** Fire one due timer (TimerJob); false when none was due. */
  async fireNextDueTimer(): Promise<boolean> {
    const now = this.clock.now();
    const out = await this.sql.fireNextDueTimer(now, this.timerPolicy, this.hooks);
    if (out === null) return false;
    this.events.emit('timerFired', { kind: out.kind, lagMs: Math.max(0, now - out.dueAt) });
    if (out.change) this.committed(out.change);
    return true;
  }

  /** After commit: cache, one log line, one event (listeners are isolated: a throwing one can not fail the caller). */
  private committed(c: StatusChange): void {
    this.statusCache.set(c.roomId, { appid: c.appid, status: c.to });
    this.log.info(`room ${c.roomId}: ${c.from} -> ${c.to} (${c.cause.replace(/_/g, ' ')}) by ${c.actor}`);
    this.events.emit('status', c);
  }

  /** A status change committed by another process on the same database (app/change-feed.ts): cache and event, no log line. */
  remoteCommitted(c: StatusChange): void {
    this.statusCache.set(c.roomId, { appid: c.appid, status: c.to });
    this.events.emit('status', c);
  }

  /** Re-read one room's status into the cache (another process created, edited or deleted it). */
  async refreshCached(roomId: number): Promise<void> {
    const row = await this.sql.status(roomId);
    if (row) this.statusCache.set(roomId, { appid: row.appid, status: row.live_status });
    else this.statusCache.delete(roomId);
  }
}
