/**
 * Samples viewers and likes of rooms that are live (101/105/106) into room_samples, for the numbers chart.
 * One multi-row INSERT per interval, whatever the number of rooms; nothing at info level.
 */
import { LiveStatus } from '@zhibo/protocol';
import type { Component } from '../module.js';
import type { ConsoleDeps } from './deps.js';
import type { ConsoleSql } from './sql.js';

const LIVE: readonly number[] = [LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal];

export class RoomSampler implements Component {
  readonly name = 'room sampler';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly d: Pick<ConsoleDeps, 'rooms' | 'interaction' | 'clock' | 'log'>,
    private readonly sql: ConsoleSql,
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
    for (const x of this.d.interaction.samples()) {
      if (!LIVE.includes(this.d.rooms.cachedStatus(x.roomId)?.status ?? 0)) continue;
      ids.push(x.roomId);
      viewers.push(x.viewers);
      likes.push(x.likes);
    }
    if (!ids.length) return 0;
    const p = this.sql
      .insertSamples(ids, viewers, likes, this.d.clock.now())
      .catch((e: unknown) => this.d.log.warn(`console: sampling ${ids.length} rooms failed: ${(e as Error).message}`));
    this.running = p;
    await p;
    this.running = undefined;
    return ids.length;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.running) await this.running;
  }
}
