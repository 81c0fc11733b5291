/**
 * Puts a live's replay together once it has ended (103) and every segment is settled: the one replay (the segment
 * itself when there is one, else the segments joined with `ffmpeg -c copy`), the markers from the presents, and an
 * explanation clip per marker (cut on a keyframe, no re-encode). One build at a time (it is disk-bound; the machine's
 * cores are for live media). Several processes on one database: a build is claimed in the database, and only a
 * process that holds every segment file claims it.
 */
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LiveStatus } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { cutMp4, type EditOptions, joinMp4 } from '@zhibo/media';
import { randomToken } from '../../../lib/crypto.js';
import type { Log } from '../../../lib/log.js';
import type { RoomService } from '../../rooms/service.js';
import type { ReplayService } from '../service.js';
import type { HighlightsSql, MarkerRow } from './sql.js';
import { markersFrom, round3, timelineOf, totalSec } from './timeline.js';

export interface BuilderDeps {
  sql: HighlightsSql;
  segments: ReplayService;
  rooms: RoomService;
  clock: Clock;
  log: Log;
  /** DATA/replays: one directory per room */
  dir: string;
  edit?: EditOptions;
  /** a build claimed longer ago than this was abandoned (a crash) and may be claimed again */
  staleMs?: number;
  /** after the end, how long a segment still "recording" holds the build back (its remux is lost) */
  settleMs?: number;
}

export const newKey = (): string => randomToken(12);
const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

export class ReplayBuilder {
  private readonly queue = new Set<number>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly d: BuilderDeps) {}

  roomDir(roomId: number): string {
    return join(this.d.dir, String(roomId));
  }

  /** Build (or cut pending clips of) a room soon; repeated calls while queued are one. */
  schedule(roomId: number): void {
    if (this.stopped) return;
    this.queue.add(roomId);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clear();
    await this.idle();
  }

  private async drain(): Promise<void> {
    while (this.queue.size && !this.stopped) {
      const roomId = this.queue.values().next().value as number;
      this.queue.delete(roomId);
      try {
        await this.build(roomId);
        await this.cutPending(roomId);
      } catch (e) {
        this.d.log.error(`room ${roomId}: replay build failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  private async build(roomId: number): Promise<void> {
    const { sql, clock, log } = this.d;
    if (this.d.rooms.cachedStatus(roomId)?.status !== LiveStatus.Ended) return;
    const segs = await this.d.segments.notExpired(roomId);
    const recording = segs.filter((s) => s.status === 'recording');
    if (recording.length && !(await this.settledLongAgo(roomId))) return; // recordingReady schedules again
    const ready = segs.filter((s) => s.status === 'ready' && s.file);
    for (const s of ready) if (!(await exists(s.file))) return; // another process holds the files
    const claimed = await sql.claim(roomId, clock.now(), this.d.staleMs ?? 30 * 60_000);
    if (!claimed) return;
    const now = () => clock.now();
    if (!ready.length) {
      await sql.built({
        roomId,
        status: 'empty',
        fileKey: '',
        file: '',
        owned: false,
        durationSec: null,
        segments: [],
        expireTime: null,
        error: '',
        now: now(),
      });
      return;
    }
    const tl = timelineOf(ready);
    let file = ready[0]!.file;
    let owned = false;
    let durationSec = totalSec(tl);
    const key = newKey();
    if (ready.length > 1) {
      try {
        const out = join(this.roomDir(roomId), `replay-${key}.mp4`);
        await mkdir(this.roomDir(roomId), { recursive: true, mode: 0o700 });
        const j = await joinMp4(
          ready.map((s) => s.file),
          out,
          this.d.edit,
        );
        file = j.file;
        owned = true;
        durationSec = j.durationSec;
      } catch (e) {
        log.error(`room ${roomId}: joining ${ready.length} replay segments failed (the segment list still plays): ${(e as Error).message}`);
        await sql.built({
          roomId,
          status: 'failed',
          fileKey: '',
          file: '',
          owned: false,
          durationSec: null,
          segments: tl,
          expireTime: null,
          error: (e as Error).message.slice(0, 500),
          now: now(),
        });
        return;
      }
    }
    const presents = (await sql.events(roomId)).filter((e) => e.kind === 'present').map((e) => ({ at: e.at, goodsId: e.goods_id }));
    const removed = await sql.replaceLiveMarkers(roomId, markersFrom(presents, tl), now());
    await removeClipFiles(removed);
    const expireTime = Math.min(...ready.map((s) => s.expire_time ?? Number.MAX_SAFE_INTEGER));
    const ok = await sql.built({
      roomId,
      status: 'ready',
      fileKey: key,
      file,
      owned,
      durationSec: round3(durationSec),
      segments: tl,
      expireTime,
      error: '',
      now: now(),
    });
    if (!ok) {
      if (owned) await rm(file, { force: true });
      return;
    }
    if (claimed.owned && claimed.file && claimed.file !== file) await rm(claimed.file, { force: true });
    log.info(
      `room ${roomId}: replay ready (${durationSec.toFixed(1)} s from ${ready.length} segment${ready.length > 1 ? 's' : ''}, ${presents.length} presents)`,
    );
  }

  /** True when the room ended long enough ago that a segment still "recording" will not settle any more. */
  private async settledLongAgo(roomId: number): Promise<boolean> {
    const log = await this.d.rooms.auditLog(roomId);
    const ended = [...log].reverse().find((e) => e.to_status === LiveStatus.Ended);
    return !!ended && this.d.clock.now() - ended.at > (this.d.settleMs ?? 10 * 60_000);
  }

  /** Cut the clips still to be cut (after a build, or after the merchant moved a marker). */
  async cutPending(roomId: number): Promise<void> {
    const { sql, log } = this.d;
    const live = await sql.live(roomId);
    if (live?.status !== 'ready' || !live.file) return;
    for (const m of await sql.pendingClips(roomId)) {
      if (this.stopped) return;
      const key = newKey();
      const out = join(this.roomDir(roomId), `clip-${m.id}-${key}.mp4`);
      try {
        await mkdir(this.roomDir(roomId), { recursive: true, mode: 0o700 });
        const end = Math.min(m.end_sec, live.duration_sec ?? m.end_sec);
        const c = await cutMp4(live.file, m.start_sec, end, out, this.d.edit);
        const fresh = await sql.clipDone(m.id, m.updated_at, {
          status: 'ready',
          key,
          file: out,
          startSec: round3(c.startSec),
          durationSec: round3(c.durationSec),
          error: '',
        });
        if (!fresh) await rm(out, { force: true });
      } catch (e) {
        log.warn(`room ${roomId}: explanation clip of marker ${m.id} (goods ${m.goods_id}) failed: ${(e as Error).message}`);
        await rm(out, { force: true });
        await sql.clipDone(m.id, m.updated_at, {
          status: 'failed',
          key: '',
          file: '',
          startSec: null,
          durationSec: null,
          error: (e as Error).message.slice(0, 500),
        });
      }
    }
  }
}

export async function removeClipFiles(markers: readonly MarkerRow[]): Promise<void> {
  for (const m of markers) if (m.clip_file) await rm(m.clip_file, { force: true });
}
