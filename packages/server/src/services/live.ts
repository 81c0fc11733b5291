/**
 * The composition of media and domain (DESIGN.md: media never imports the domain).
 * Media reports publish started/stopped and recordings; this service turns them into
 * lifecycle causes, and carries lifecycle decisions back to media (kick, pause).
 */
import { LiveStatus, TransitionCause, STATUS_NAMES } from '@zhibo/protocol';
import type { Clock, TransitionResult } from '@zhibo/core';
import type { Db } from '../db/index.js';
import { safeEqual } from './crypto.js';
import type { LiveControl } from './index.js';
import type { Log } from './log.js';
import type { DomainEvents, TypedEmitter } from './events.js';
import type { RoomService } from './rooms.js';

/** What the server needs from the media plane. */
export interface MediaPort {
  kick(streamId: string, reason: string): void;
  setPaused(streamId: string, paused: boolean): void;
  hasPublisher(streamId: string): boolean;
}

export type PublishDecision = { ok: true; streamId: string } | { ok: false; reason: string };

const REPLAY_TTL_DAY_MS = 86_400_000;

export class LiveService implements LiveControl {
  private media: MediaPort | undefined;
  /** Media events of one stream are handled in order (a publish stop must not overtake its start). */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly rooms: RoomService,
    private readonly log: Log,
    private readonly replayTtlDays: number,
  ) {}

  /**
   * Carry status changes to the stream, whoever made them (console, API, CLI, timer, or another process on the
   * same PostgreSQL through the change feed): end/ban close the publisher, pause/resume pause delivery.
   */
  attachMedia(media: MediaPort, events: TypedEmitter<DomainEvents>): () => void {
    this.media = media;
    return events.on('status', (c) => {
      const id = String(c.roomId);
      if (c.to === LiveStatus.Ended || c.to === LiveStatus.Banned) media.kick(id, `room ${STATUS_NAMES[c.to]}`);
      else if (c.to === LiveStatus.Paused) media.setPaused(id, true);
      else if (c.from === LiveStatus.Paused && c.to === LiveStatus.Live) media.setPaused(id, false);
    });
  }

  /** Run fn after every earlier event of the same stream; errors are logged, never thrown into media. */
  inOrder(streamId: string, what: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(streamId) ?? Promise.resolve();
    const next = prev.then(fn).catch((e: unknown) => this.log.error(`room ${streamId}: ${what} failed: ${(e as Error).stack ?? String(e)}`));
    this.queues.set(streamId, next);
    void next.then(() => {
      if (this.queues.get(streamId) === next) this.queues.delete(streamId);
    });
    return next;
  }

  /** Resolves when every queued media event has been handled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  /** A cause from the console/API/CLI; its consequence for the stream follows from the status event (attachMedia). */
  apply(roomId: number, cause: TransitionCause, actor: string): Promise<TransitionResult> {
    return this.rooms.apply(roomId, cause, actor);
  }

  /** S-STATUS-2/-7, issue 3: the one gate for publishing — the stream key, the room's status, one publisher per room. */
  async authorizePublish(req: { app: string; streamName: string; query: Record<string, string> }): Promise<PublishDecision> {
    if (req.app !== 'live') return { ok: false, reason: `unknown application "${req.app}" (push to rtmp://HOST:PORT/live/ROOMID?key=…)` };
    if (!/^\d{1,10}$/.test(req.streamName)) return { ok: false, reason: `stream name "${req.streamName.slice(0, 40)}" is not a room id` };
    const room = await this.rooms.getAny(Number(req.streamName));
    if (!room) return { ok: false, reason: `room ${req.streamName} does not exist` };
    if (!req.query.key || !safeEqual(req.query.key, room.stream_key)) return { ok: false, reason: `room ${room.id}: wrong stream key` };
    const status = this.rooms.cachedStatus(room.id)?.status ?? room.live_status;
    if (status === LiveStatus.Ended || status === LiveStatus.Banned || status === LiveStatus.Expired)
      return { ok: false, reason: `room ${room.id} is ${status} (${STATUS_NAMES[status]}) and can not go live` };
    if (this.media?.hasPublisher(String(room.id))) return { ok: false, reason: `room ${room.id} already has a publisher` };
    return { ok: true, streamId: String(room.id) };
  }

  /** S-STATUS-2 / -3: publish → 101 (or back from 106); the session is recorded for its replay. */
  async onPublishStart(streamId: string, sessionId: string): Promise<void> {
    const roomId = Number(streamId);
    await this.db.query(
      `INSERT INTO replays (room_id, session_id, status, file, started_at) VALUES ($1, $2, 'recording', '', $3) ON CONFLICT (session_id) DO NOTHING`,
      [roomId, sessionId, this.clock.now()],
    );
    const r = await this.rooms.apply(roomId, TransitionCause.PublishStarted, 'media');
    if (r.kind === 'unchanged' && r.status === LiveStatus.Paused) this.media?.setPaused(streamId, true);
    if (r.kind === 'refused') this.media?.kick(streamId, r.message);
  }

  /** S-STATUS-3: the stream dropped without the anchor's End → 106 (nothing when the room already ended). */
  async onPublishStop(streamId: string, reason: string): Promise<void> {
    const roomId = Number(streamId);
    const status = this.rooms.cachedStatus(roomId)?.status;
    if (status !== LiveStatus.Live) return; // ended/banned (we kicked it) or paused (stays 105)
    this.log.debug(`room ${roomId}: publisher gone (${reason})`);
    await this.rooms.apply(roomId, TransitionCause.StreamLost, 'media');
  }

  /** S-REPLAY-1: a publish session's recording became an MP4: it is a replay segment for a year. */
  async onRecordingReady(e: { streamId: string; sessionId: string; file: string; startedAt: number; endedAt: number; durationSec: number }): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO replays (room_id, session_id, status, file, started_at, ended_at, duration_sec, create_time, expire_time)
       VALUES ($1, $2, 'ready', $3, $4, $5, $6, $7, $8)
       ON CONFLICT (session_id) DO UPDATE SET status = 'ready', file = EXCLUDED.file, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
         duration_sec = EXCLUDED.duration_sec, create_time = EXCLUDED.create_time, expire_time = EXCLUDED.expire_time`,
      [Number(e.streamId), e.sessionId, e.file, e.startedAt, e.endedAt, e.durationSec, now, now + this.replayTtlDays * REPLAY_TTL_DAY_MS],
    );
    this.log.info(`room ${e.streamId}: replay segment ready (${e.durationSec.toFixed(1)} s, session ${e.sessionId})`);
  }

  async onRecordingFailed(e: { streamId: string; sessionId: string; error: string }): Promise<void> {
    await this.db.query(`UPDATE replays SET status = 'failed' WHERE session_id = $1`, [e.sessionId]);
    this.log.error(`room ${e.streamId}: recording of session ${e.sessionId} failed: ${e.error}`);
  }

  /** Reconcile on boot: nobody publishes after a restart, so a room left 101 lost its stream (→ 106, and its 15-minute timer). */
  async reconcileAfterRestart(): Promise<number> {
    const rows = await this.db.query<{ id: number }>(`SELECT id FROM rooms WHERE live_status = $1 AND deleted_at IS NULL`, [LiveStatus.Live]);
    for (const r of rows) await this.rooms.apply(r.id, TransitionCause.StreamLost, 'boot');
    return rows.length;
  }

  /** Recordings a crash left unfinished (status 'recording'): the caller remuxes them. */
  async unfinishedRecordings(): Promise<Array<{ room_id: number; session_id: string; started_at: number }>> {
    return this.db.query(`SELECT room_id, session_id, started_at FROM replays WHERE status = 'recording' ORDER BY started_at`);
  }

  /** S-REPLAY-1: replays past expire_time are deleted (the caller removes the files). */
  async expiredReplays(): Promise<Array<{ id: number; room_id: number; session_id: string; file: string }>> {
    return this.db.query(`UPDATE replays SET status = 'expired' WHERE status = 'ready' AND expire_time <= $1 RETURNING id, room_id, session_id, file`, [this.clock.now()]);
  }
}
