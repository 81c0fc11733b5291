/** S-REPLAY-1: replays are kept a year (ZHIBO_REPLAY_TTL_DAYS); past expire_time the files are deleted, with a log line. */
import { rm } from 'node:fs/promises';
import type { Log } from '../services/log.js';
import type { LiveService } from '../services/live.js';

export class ReplayJob {
  private handle: NodeJS.Timeout | undefined;

  constructor(
    private readonly live: LiveService,
    private readonly log: Log,
    private readonly everyMs = 3_600_000,
  ) {}

  async runOnce(): Promise<number> {
    const expired = await this.live.expiredReplays();
    for (const r of expired) {
      await rm(r.file, { force: true });
      this.log.info(`room ${r.room_id}: replay segment ${r.session_id} expired, file deleted`);
    }
    return expired.length;
  }

  start(): void {
    const tick = () => void this.runOnce().catch((e: unknown) => this.log.error(`replay expiry: ${(e as Error).message}`));
    tick();
    this.handle = setInterval(tick, this.everyMs);
    this.handle.unref();
  }

  stop(): void {
    if (this.handle) clearInterval(this.handle);
    this.handle = undefined;
  }
}
