/**
 * Samples viewers and likes of rooms that are live (101/105/106) into room_samples, for the numbers chart.
 * One multi-row INSERT per interval, whatever the number of rooms; nothing at info level.
 */
import { LiveStatus } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { Services } from '../services/index.js';

const LIVE: readonly number[] = [LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal];

export class RoomSampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly s: Services,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.sample(), this.intervalMs).unref();
  }

  /** Take one sample of every live room now (tests call it directly). */
  async sample(): Promise<number> {
    if (this.running) await this.running;
    const ids: number[] = [];
    const viewers: number[] = [];
    const likes: number[] = [];
    const seen = new Set<number>();
    const add = (id: number, v: number, l: number) => {
      if (seen.has(id) || !LIVE.includes(this.s.rooms.cachedStatus(id)?.status ?? 0)) return;
      seen.add(id);
      ids.push(id);
      viewers.push(v);
      likes.push(l);
    };
    for (const ch of this.s.realtime.channels.all()) add(ch.roomId, ch.viewers, ch.likes + ch.likesDelta);
    for (const [id, v] of this.s.realtime.channels.mediaViewers) add(id, v, 0);
    if (!ids.length) return 0;
    const at = this.clock.now();
    const p = this.s.db.query(
      `INSERT INTO room_samples (room_id, at, viewers, likes)
       SELECT t.room_id, $4, t.viewers, t.likes FROM unnest($1::int[], $2::int[], $3::int8[]) AS t(room_id, viewers, likes)
       JOIN rooms r ON r.id = t.room_id
       ON CONFLICT (room_id, at) DO UPDATE SET viewers = GREATEST(room_samples.viewers, EXCLUDED.viewers), likes = GREATEST(room_samples.likes, EXCLUDED.likes)`,
      [ids, viewers, likes, at]).then(() => undefined, (e: unknown) => this.s.log.warn(`console: sampling ${ids.length} rooms failed: ${(e as Error).message}`));
    this.running = p;
    await p;
    this.running = undefined;
    return ids.length;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.running) await this.running;
  }
}
