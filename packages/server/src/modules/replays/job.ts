/**
 * S-REPLAY-1: replays are kept a year (ZHIBO_REPLAY_TTL_DAYS); past expire_time the files are deleted, with a log line.
 * The one replay of a live, its clips and markers follow (highlights/lifecycle.ts), and the same hourly pass sweeps
 * up rooms deleted while their files could not go.
 */
import { rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Log } from '../../lib/log.js';
import type { Component } from '../module.js';
import type { HighlightLifecycle } from './highlights/lifecycle.js';
import type { ReplayService } from './service.js';

export class ReplayExpiryJob implements Component {
  readonly name = 'replay expiry';
  private handle: NodeJS.Timeout | undefined;

  constructor(
    private readonly replays: ReplayService,
    private readonly log: Log,
    private readonly everyMs = 3_600_000,
    private readonly highlights?: HighlightLifecycle,
  ) {}

  async runOnce(): Promise<number> {
    const expired = await this.replays.expire();
    for (const r of expired) {
      await rm(r.file, { force: true });
      if (r.file) await rmdir(dirname(r.file)).catch(() => undefined); // the room's recording directory, once empty
      this.log.info(`room ${r.room_id}: replay segment ${r.session_id} expired, file deleted`);
    }
    if (this.highlights) {
      await this.highlights.expire();
      await this.highlights.sweep();
    }
    return expired.length;
  }

  start(): void {
    const tick = () => {
      this.runOnce().catch((e: unknown) => this.log.error(`replay expiry: ${(e as Error).message}`));
    };
    tick();
    this.handle = setInterval(tick, this.everyMs);
    this.handle.unref();
  }

  stop(): void {
    if (this.handle) clearInterval(this.handle);
    this.handle = undefined;
  }
}
