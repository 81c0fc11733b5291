/** Rooms: WeChat's broadcast/room fields, the status lifecycle with its audit log and timers (S-ROOM, S-STATUS). */
import { type CreateRoomRequest, LiveStatus, Reason, STATUS_NAMES, type TransitionCause } from '@zhibo/protocol';
import type { Clock, TimerPolicy, TransitionResult } from '@zhibo/core';
import { randomToken } from '../../lib/crypto.js';
import type { DomainBus, StatusChange } from '../../lib/domain-events.js';
import { DomainError } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import type { ImageService } from '../images/service.js';
import { roomFields } from './fields.js';
import type { AuditRow, RoomRow, RoomsSql, TransitionHook } from './sql.js';

/** With role checks on, the anchor (or sub-anchor) must hold the anchor role (roles module). */
export type AnchorCheck = (appid: string, username: string, sub?: boolean) => Promise<void>;

const PUSHING: readonly number[] = [LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal];

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
    private readonly anchorCheck: AnchorCheck = async () => {},
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

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** Role checks (when the app has them on): the anchor and the sub-anchor the fields name. */
  private async checkAnchors(appid: string, v: Record<string, unknown>): Promise<void> {
    if (typeof v.anchor_wechat === 'string') await this.anchorCheck(appid, v.anchor_wechat);
    if (typeof v.sub_anchor_wechat === 'string') await this.anchorCheck(appid, v.sub_anchor_wechat, true);
  }

  /** POST /wxaapi/broadcast/room/create — S-STATUS-1: new rooms are 102. */
  async create(appid: string, req: Partial<CreateRoomRequest>): Promise<number> {
    const v = await roomFields(this.images, appid, req, this.nowSec());
    await this.checkAnchors(appid, v);
    if (v.sub_anchor_wechat) v.sub_stream_key = randomToken(18);
    const id = await this.sql.insert(appid, v, randomToken(18), this.clock.now());
    this.statusCache.set(id, { appid, status: LiveStatus.NotStarted });
    this.events.emit('roomChanged', { roomId: id, appid });
    this.log.info(`room ${id}: created by ${appid} (102)`);
    return id;
  }

  /**
   * POST /wxaapi/broadcast/room/editroom — only before the live starts: 300042 while it is pushing (live, paused,
   * abnormal), 300001 once it is over. Changes only the fields given; the others keep their values.
   */
  async edit(appid: string, id: unknown, req: Partial<CreateRoomRequest>): Promise<void> {
    if (id === undefined || id === null || id === '') throw new DomainError(Reason.ParamMissing, 'parameter id must no be null', 'id');
    const room = await this.get(appid, id);
    const status = this.cachedStatus(room.id)?.status ?? room.live_status;
    if (PUSHING.includes(status))
      throw new DomainError(
        Reason.EditWhilePushing,
        `room ${room.id} is ${status} (${STATUS_NAMES[status]}): a room that is pushing can not be edited`,
      );
    if (status !== LiveStatus.NotStarted)
      throw new DomainError(
        Reason.EditForbidden,
        `room ${room.id} is ${status} (${STATUS_NAMES[status]}); only a room that has not started (102) can be edited`,
      );
    const v = await roomFields(this.images, appid, req, this.nowSec(), room);
    await this.checkAnchors(appid, v);
    if (typeof v.sub_anchor_wechat === 'string' && v.sub_anchor_wechat !== room.sub_anchor_wechat)
      v.sub_stream_key = v.sub_anchor_wechat ? randomToken(18) : '';
    if (Object.keys(v).length) await this.sql.update(room.id, v, this.clock.now());
    this.events.emit('roomChanged', { roomId: room.id, appid });
    if (v.sub_stream_key !== undefined && room.sub_stream_key)
      this.events.emit('streamKeyChanged', { roomId: room.id, appid, which: 'sub' });
  }

  /** room/updatefeedpublic, updatereplay, updatekf: one of the room's switches (any status). */
  async setSwitch(appid: string, id: unknown, column: 'is_feeds_public' | 'close_replay' | 'close_kf', value: 0 | 1): Promise<RoomRow> {
    const room = await this.get(appid, id);
    await this.sql.update(room.id, { [column]: value }, this.clock.now());
    this.events.emit('roomChanged', { roomId: room.id, appid });
    return room;
  }

  /**
   * The sub-anchor (room/addsubanchor, modifysubanchor, deletesubanchor): a second anchor who may push the room with a
   * key of its own. A new sub-anchor gets a new key; replacing or removing one kicks a publisher using the old key.
   */
  async setSubAnchor(appid: string, room: RoomRow, username: string): Promise<void> {
    if (username) await this.anchorCheck(appid, username, true);
    await this.sql.update(room.id, { sub_anchor_wechat: username, sub_stream_key: username ? randomToken(18) : '' }, this.clock.now());
    this.events.emit('roomChanged', { roomId: room.id, appid });
    if (room.sub_stream_key) this.events.emit('streamKeyChanged', { roomId: room.id, appid, which: 'sub' });
  }

  /** POST /wxaapi/broadcast/room/deleteroom — not while the room is live, paused or abnormal. */
  async delete(appid: string, id: unknown): Promise<void> {
    const room = await this.get(appid, id);
    if (([LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal] as number[]).includes(room.live_status))
      throw new DomainError(
        Reason.RoomStateForbids,
        `room ${room.id} is ${room.live_status} (${STATUS_NAMES[room.live_status]}); end it before deleting`,
      );
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

  /** The public feed (/feeds/): live rooms with isFeedsPublic 1 of the apps that opted in. */
  publicFeed(appids: string[], limit = 200): Promise<RoomRow[]> {
    return this.sql.feed(appids, limit);
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
