/**
 * S-API-4: one daily counter per app, shared by getliveinfo and get_replay, in the database (it survives restarts
 * and is shared by every server process).
 *
 * Group commit: calls arriving in the same tick are counted with one transaction, and each caller is answered only
 * after its count is committed. A crash never loses a counted call, and a busy app costs one write per tick.
 */
import { Reason } from '@zhibo/protocol';
import { type Clock, quotaDay } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import type { QuotaSql } from './sql.js';

interface Waiter {
  resolve: (count: number) => void;
  reject: (e: unknown) => void;
}

export class QuotaService {
  private pending = new Map<string, { max: number; waiters: Waiter[] }>();
  private scheduled = false;
  private flushing = false;
  /** app → the day's count and limit as last granted by this process (metrics) */
  private readonly lastSeen = new Map<string, { day: string; used: number; limit: number }>();

  constructor(
    private readonly sql: QuotaSql,
    private readonly clock: Clock,
    private readonly defaultQuota: number,
  ) {}

  /** Count one call; rejects with quota_exceeded (45009) past the limit (a refused call is not counted). */
  consume(appid: string, limit: number | null): Promise<number> {
    return new Promise((resolve, reject) => {
      let p = this.pending.get(appid);
      if (!p) this.pending.set(appid, (p = { max: limit ?? this.defaultQuota, waiters: [] }));
      p.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // not awaited: the callers wait on their own promises; flush() settles every one of them (it never rejects)
        setImmediate(() => void this.flush());
      }
    });
  }

  /**
   * One counting transaction at a time: calls that arrive while one commits are counted together by the next. (With
   * the embedded database in a worker thread the event loop stays free during a commit, so without this each tick
   * would commit its own one or two calls and the database, not the server, would set the pace.)
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.size) await this.flushOnce();
    } finally {
      this.flushing = false;
      this.scheduled = false;
    }
  }

  private async flushOnce(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const day = quotaDay(this.clock.now());
    for (const [appid, { max, waiters }] of batch) {
      try {
        const { before, granted } = await this.sql.grant(appid, day, waiters.length, max);
        this.lastSeen.set(appid, { day, used: before + granted, limit: max });
        waiters.forEach((w, i) =>
          i < granted
            ? w.resolve(before + i + 1)
            : w.reject(
                new DomainError(Reason.QuotaExceeded, `reach max api daily quota limit (${max} calls a day; resets 00:00 Asia/Shanghai)`),
              ),
        );
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
  }

  /** Today's count per app that called since this process started (metrics). */
  snapshot(): Array<{ appid: string; used: number; limit: number }> {
    const day = quotaDay(this.clock.now());
    return [...this.lastSeen].filter(([, v]) => v.day === day).map(([appid, v]) => ({ appid, used: v.used, limit: v.limit }));
  }

  used(appid: string): Promise<number> {
    return this.sql.used(appid, quotaDay(this.clock.now()));
  }
}
