/**
 * The composition of media and domain (docs/architecture.md: media never imports the domain). Media reports publish
 * started/stopped and recordings; this service turns them into lifecycle causes and replay segments, and carries
 * lifecycle decisions back to media (kick, pause) — whoever made them (console, API, CLI, timer, another process).
 */
import { LiveStatus, STATUS_NAMES, TransitionCause } from '@zhibo/protocol';
import type { StreamStats } from '@zhibo/media';
import { safeEqual } from '../../lib/crypto.js';
import { healthWarnings, RefusalLog, type StreamHealth } from './health.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { ReplayService } from '../replays/service.js';
import type { RoomService } from '../rooms/service.js';
import type { PublishLease } from './lease.js';

/** What the domain needs from the media plane. */
export interface MediaPort {
  kick(streamId: string, reason: string): boolean;
  setPaused(streamId: string, paused: boolean): void;
  hasPublisher(streamId: string): boolean;
  streamStats?(streamId: string): StreamStats | undefined;
}

/** A refusal's kind: WHIP answers it as 401 / 403 / 404 / 409; RTMP as NetStream.Publish.Unauthorized or BadName. */
export type PublishDecision =
  { ok: true; streamId: string } | { ok: false; reason: string; kind: 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' };

export class LiveService {
  private media: MediaPort | undefined;
  /** Media events of one stream are handled in order (a publish stop must not overtake its start). */
  private readonly queues = new Map<string, Promise<void>>();
  /** cluster mode: the one-publisher rule across nodes */
  lease: PublishLease | undefined;
  /** Which key the stream's current publisher was let in with: the room's own or the sub-anchor's. */
  private readonly keyUsed = new Map<string, 'main' | 'sub'>();
  /** refused pushes per room (the go-live page shows them) */
  readonly refused = new RefusalLog();

  /** Stream health of a room: the media plane's measurements, warnings, refused pushes (docs/console.md). */
  health(roomId: number): StreamHealth {
    const stream = this.media?.streamStats?.(String(roomId)) ?? null;
    return { stream, warnings: stream ? healthWarnings(stream) : [], refused: this.refused.of(roomId) };
  }

  constructor(
    private readonly rooms: RoomService,
    private readonly replays: ReplayService,
    private readonly log: Log,
  ) {}

  /** Carry status changes and stream-key changes to the stream: end/ban and a new key kick, pause/resume pause delivery. */
  attachMedia(media: MediaPort, events: DomainBus): Array<() => void> {
    this.media = media;
    return [
      events.on('status', (c) => {
        const id = String(c.roomId);
        if (c.to === LiveStatus.Ended || c.to === LiveStatus.Banned) media.kick(id, `room ${STATUS_NAMES[c.to]}`);
        else if (c.to === LiveStatus.Paused) media.setPaused(id, true);
        else if (c.from === LiveStatus.Paused && c.to === LiveStatus.Live) media.setPaused(id, false);
      }),
      events.on('streamKeyChanged', ({ roomId, which = 'main' }) => {
        const id = String(roomId);
        // Only a publisher let in with the replaced key is kicked (the anchor keeps pushing when the sub-anchor changes).
        if (!media.hasPublisher(id) || (this.keyUsed.get(id) ?? 'main') !== which) return;
        const what = which === 'sub' ? "sub-anchor's key" : 'stream key';
        if (media.kick(id, `${what} replaced`))
          this.log.info(`room ${roomId}: ${what} replaced or revoked, publisher with the old key kicked`);
      }),
    ];
  }

  /** Run fn after every earlier event of the same stream; errors are logged, never thrown into media. */
  inOrder(streamId: string, what: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(streamId) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((e: unknown) => this.log.error(`room ${streamId}: ${what} failed: ${(e as Error).stack ?? String(e)}`));
    this.queues.set(streamId, next);
    // not awaited: bookkeeping once the step is done; `next` never rejects (the catch above logs)
    void next.then(() => {
      if (this.queues.get(streamId) === next) this.queues.delete(streamId);
    });
    return next;
  }

  /** Resolves when every queued media event has been handled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  /** S-STATUS-2/-7: the one gate for publishing — the stream key, the room's status, one publisher per room. */
  async authorizePublish(req: { app: string; streamName: string; query: Record<string, string> }): Promise<PublishDecision> {
    if (req.app !== 'live')
      return {
        ok: false,
        kind: 'not_found',
        reason: `unknown application "${req.app.slice(0, 40)}" (push to rtmp://HOST:PORT/live/ROOMID?key=…)`,
      };
    if (!/^\d{1,10}$/.test(req.streamName))
      return { ok: false, kind: 'not_found', reason: `stream name "${req.streamName.slice(0, 40)}" is not a room id` };
    const room = await this.rooms.getAny(Number(req.streamName));
    if (!room) return { ok: false, kind: 'not_found', reason: `room ${req.streamName} does not exist` };
    // The room's key, or its sub-anchor's (room/addsubanchor): either may push, one publisher at a time.
    const key = req.query.key ?? '';
    const which =
      key && safeEqual(key, room.stream_key)
        ? 'main'
        : key && room.sub_stream_key && safeEqual(key, room.sub_stream_key)
          ? 'sub'
          : undefined;
    if (!which) return { ok: false, kind: 'unauthorized', reason: `room ${room.id}: wrong stream key` };
    const status = this.rooms.cachedStatus(room.id)?.status ?? room.live_status;
    if (status === LiveStatus.Ended || status === LiveStatus.Banned || status === LiveStatus.Expired)
      return { ok: false, kind: 'forbidden', reason: `room ${room.id} is ${status} (${STATUS_NAMES[status]}) and can not go live` };
    if (this.media?.hasPublisher(String(room.id)))
      return { ok: false, kind: 'conflict', reason: `room ${room.id} already has a publisher` };
    const holder = await this.lease?.take(String(room.id));
    // The encoder is told which node (its id), never the node's internal address.
    if (holder)
      return { ok: false, kind: 'conflict', reason: `room ${room.id} is already being published on another node (${holder.node})` };
    this.keyUsed.set(String(room.id), which);
    return { ok: true, streamId: String(room.id) };
  }

  /** S-STATUS-2 / -3: publish → 101 (or back from 106); the session is recorded for its replay. */
  async onPublishStart(streamId: string, sessionId: string): Promise<void> {
    const roomId = Number(streamId);
    await this.replays.recordingStarted(roomId, sessionId);
    const r = await this.rooms.apply(roomId, TransitionCause.PublishStarted, 'media');
    if (r.kind === 'unchanged' && r.status === LiveStatus.Paused) this.media?.setPaused(streamId, true);
    if (r.kind === 'refused') this.media?.kick(streamId, r.message);
  }

  /** S-STATUS-3: the stream dropped without the anchor's End → 106 (nothing when the room already ended). */
  async onPublishStop(streamId: string, reason: string): Promise<void> {
    const roomId = Number(streamId);
    if (this.rooms.cachedStatus(roomId)?.status !== LiveStatus.Live) return; // ended/banned (we kicked it) or paused (stays 105)
    this.log.debug(`room ${roomId}: publisher gone (${reason})`);
    await this.rooms.apply(roomId, TransitionCause.StreamLost, 'media');
  }

  /** Reconcile on boot: nobody publishes after a restart, so a room left 101 lost its stream (→ 106, and its 15-minute timer). */
  async reconcileAfterRestart(): Promise<number> {
    const ids = await this.rooms.liveRoomIds();
    for (const id of ids) await this.rooms.apply(id, TransitionCause.StreamLost, 'boot');
    return ids.length;
  }
}
