/**
 * S-STATUS-8: timed transitions that survive restarts. Due timers live in the `timers` table; each is claimed,
 * applied and deleted in one transaction (rooms/sql.ts). runDue() at boot settles what fell due while the server
 * was down; then it runs every `pollMs`.
 */
import type { Log } from '../../lib/log.js';
import type { Component } from '../module.js';
import type { RoomService } from './service.js';

export class TimerJob implements Component {
  readonly name = 'room timers';
  private handle: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly rooms: RoomService,
    private readonly log: Log,
    private readonly pollMs: number,
    private readonly autoStart: boolean,
  ) {}

  /** Fire every timer due at the clock's now; returns how many fired. Never runs twice at once. */
  runDue(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let fired = 0;
    while (await this.rooms.fireNextDueTimer()) fired++;
    return fired;
  }

  /** Settle what fell due while down, then keep ticking (unless the caller drives it, as tests with a fake clock do). */
  async start(): Promise<void> {
    await this.runDue();
    if (!this.autoStart) return;
    const tick = () => {
      this.runDue()
        .catch((e: unknown) => this.log.error(`timers: ${(e as Error).message}`))
        .finally(() => {
          if (this.handle) this.handle = setTimeout(tick, this.pollMs);
        });
    };
    this.handle = setTimeout(tick, this.pollMs);
  }

  async stop(): Promise<void> {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    await this.running;
  }
}
