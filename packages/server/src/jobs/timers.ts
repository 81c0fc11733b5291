/**
 * S-STATUS-8: timed transitions that survive restarts. Due timers live in the `timers`
 * table; each is claimed with FOR UPDATE SKIP LOCKED (several servers may share one
 * PostgreSQL), applied, and deleted in one transaction. runDue() at boot settles what fell
 * due while the server was down.
 */
import { TIMER_CAUSE, type Clock, type TimerKind } from '@zhibo/core';
import type { Db } from '../db/index.js';
import type { Log } from '../services/log.js';
import type { RoomService } from '../services/rooms.js';
import type { StatusChange } from '../services/events.js';

export class TimerJob {
  private handle: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly rooms: RoomService,
    private readonly log: Log,
  ) {}

  /** Fire every timer due at the clock's now; returns how many fired. Never runs twice at once. */
  runDue(): Promise<number> {
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.clock.now();
      const out = await this.db.tx(async (sql) => {
        const [t] = await sql.query<{ room_id: number; kind: TimerKind }>(
          'SELECT room_id, kind FROM timers WHERE due_at <= $1 ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED',
          [now],
        );
        if (!t) return null;
        await sql.query('DELETE FROM timers WHERE room_id = $1 AND kind = $2', [t.room_id, t.kind]);
        const cause = TIMER_CAUSE[t.kind];
        if (!cause) return { change: undefined };
        const { change } = await this.rooms.applyIn(sql, t.room_id, cause, 'timer');
        return { change };
      });
      if (out === null) return fired;
      if (out.change) this.rooms.committed(out.change as StatusChange);
      fired++;
    }
  }

  start(everyMs: number): void {
    const tick = () => {
      this.runDue()
        .catch((e: unknown) => this.log.error(`timers: ${(e as Error).message}`))
        .finally(() => {
          if (this.handle) this.handle = setTimeout(tick, everyMs);
        });
    };
    this.handle = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    await this.running;
  }
}
