/**
 * The life of a live's replay: recording starts (replay_lives 'live'), the merchant's events are written down while
 * live, the end (103) and settled segments start a build, the replay's year runs out (files, clips and markers go), a
 * deleted room loses everything on disk at once. A sweep catches what a crash or a race left behind.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LiveStatus } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { DomainBus } from '../../../lib/domain-events.js';
import type { Log } from '../../../lib/log.js';
import type { RoomService } from '../../rooms/service.js';
import type { ReplayService } from '../service.js';
import { type ReplayBuilder, removeClipFiles } from './builder.js';
import type { HighlightsSql } from './sql.js';

export class HighlightLifecycle {
  constructor(
    private readonly sql: HighlightsSql,
    private readonly segments: ReplayService,
    private readonly rooms: RoomService,
    private readonly builder: ReplayBuilder,
    private readonly clock: Clock,
    private readonly log: Log,
    /** DATA/recordings (media's): a deleted room's leftovers there go too */
    private readonly recordDir: string,
  ) {}

  /** Listen to the domain: merchant activity while live, the end of a live, deleted rooms. Returns the unsubscribers. */
  attach(events: DomainBus): Array<() => void> {
    const guard = (what: string, p: Promise<unknown>) =>
      void p.catch((e: unknown) => this.log.error(`replays: ${what}: ${(e as Error).message}`));
    return [
      events.on('roomActivity', (a) => {
        const row =
          a.kind === 'present'
            ? { goods_id: a.goodsId, text: '' }
            : a.kind === 'comments'
              ? { goods_id: null, text: a.closed ? 'closed' : 'open' }
              : { goods_id: null, text: a.text ?? '' };
        guard(`recording a ${a.kind} of room ${a.roomId}`, this.sql.addEvent({ room_id: a.roomId, at: a.at, kind: a.kind, ...row }));
      }),
      events.on('status', (c) => {
        if (c.to === LiveStatus.Ended) guard(`the end of room ${c.roomId}`, this.ended(c.roomId));
      }),
      events.on('roomDeleted', ({ roomId }) => guard(`deleting the replay of room ${roomId}`, this.purge(roomId))),
    ];
  }

  /** A publish session started: the live's replay is on the way. */
  recordingStarted(roomId: number): Promise<void> {
    return this.sql.liveStarted(roomId, this.clock.now());
  }

  /** A segment settled (ready or failed): if the live is over, build. */
  async segmentSettled(roomId: number): Promise<void> {
    if (this.rooms.cachedStatus(roomId)?.status === LiveStatus.Ended) await this.ended(roomId);
  }

  private async ended(roomId: number): Promise<void> {
    await this.sql.markPending(roomId, this.clock.now());
    this.builder.schedule(roomId);
  }

  /** After a start: builds a crash interrupted or never started. */
  async resume(): Promise<number> {
    let n = 0;
    for (const row of await this.sql.unfinished()) {
      if (this.rooms.cachedStatus(row.room_id)?.status !== LiveStatus.Ended) continue;
      if (row.status === 'live') await this.sql.markPending(row.room_id, this.clock.now());
      this.builder.schedule(row.room_id);
      n++;
    }
    return n;
  }

  /** Everything of a deleted room: segments, the one replay, clips, markers, events, and its directories. */
  async purge(roomId: number): Promise<void> {
    const segs = await this.segments.removeRoom(roomId);
    const { live, markers } = await this.sql.deleteRoom(roomId, this.clock.now());
    for (const s of segs) if (s.file) await rm(s.file, { force: true });
    if (live?.owned && live.file) await rm(live.file, { force: true });
    await removeClipFiles(markers);
    await rm(this.builder.roomDir(roomId), { recursive: true, force: true });
    await rm(join(this.recordDir, String(roomId)), { recursive: true, force: true });
    if (segs.length || live || markers.length)
      this.log.info(`room ${roomId}: deleted with its replay (${segs.length} segments, ${markers.length} markers)`);
  }

  /** The replay's year is over: the one replay, its clips and markers go with its segments. Returns how many. */
  async expire(): Promise<number> {
    const gone = await this.sql.expire(this.clock.now());
    for (const live of gone) {
      if (live.owned && live.file) await rm(live.file, { force: true });
      await removeClipFiles(await this.sql.deleteMarkers(live.room_id));
      await rm(this.builder.roomDir(live.room_id), { recursive: true, force: true });
      this.log.info(`room ${live.room_id}: replay expired, its clips and markers deleted`);
    }
    return gone.length;
  }

  /** Hourly: rooms deleted while this process was down (or a race with a running remux), and builds left pending. */
  async sweep(): Promise<void> {
    for (const roomId of await this.sql.deletedRooms()) await this.purge(roomId);
    await this.resume();
  }
}
