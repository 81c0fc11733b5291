/**
 * S-API-4: one daily counter per app, shared by getliveinfo and get_replay, in the database
 * (it survives restarts and is shared by every server process).
 *
 * Group commit: calls arriving in the same tick are counted with one transaction, and each
 * caller is answered only after its count is committed. A crash never loses a counted call,
 * and a busy app costs one write per tick instead of one per call.
 */
import { Errcode } from '@zhibo/protocol';
import { type Clock, quotaDay } from '@zhibo/core';
import type { Db } from '../db/index.js';
import { WxFail } from './errors.js';

interface Waiter {
  resolve: (count: number) => void;
  reject: (e: unknown) => void;
}

export class QuotaService {
  private pending = new Map<string, { max: number; waiters: Waiter[] }>();
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly defaultQuota: number,
  ) {}

  /** Count one call; rejects with 45009 past the limit (a refused call is not counted). */
  consume(appid: string, limit: number | null): Promise<number> {
    return new Promise((resolve, reject) => {
      let p = this.pending.get(appid);
      if (!p) this.pending.set(appid, (p = { max: limit ?? this.defaultQuota, waiters: [] }));
      p.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const day = quotaDay(this.clock.now());
    for (const [appid, { max, waiters }] of batch) {
      try {
        const { before, granted } = await this.db.tx(async (sql) => {
          await sql.query('INSERT INTO api_quota (appid, day, count) VALUES ($1, $2, 0) ON CONFLICT (appid, day) DO NOTHING', [appid, day]);
          const [row] = await sql.query<{ count: number }>('SELECT count FROM api_quota WHERE appid = $1 AND day = $2 FOR UPDATE', [appid, day]);
          const before = row?.count ?? 0;
          const granted = Math.max(0, Math.min(waiters.length, max - before));
          if (granted) await sql.query('UPDATE api_quota SET count = count + $3 WHERE appid = $1 AND day = $2', [appid, day, granted]);
          return { before, granted };
        });
        waiters.forEach((w, i) => (i < granted ? w.resolve(before + i + 1) : w.reject(new WxFail(Errcode.QuotaExceeded, `reach max api daily quota limit (${max} calls a day; resets 00:00 Asia/Shanghai)`))));
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
  }

  async used(appid: string): Promise<number> {
    const [row] = await this.db.query<{ count: number }>('SELECT count FROM api_quota WHERE appid=$1 AND day=$2', [appid, quotaDay(this.clock.now())]);
    return row?.count ?? 0;
  }
}
