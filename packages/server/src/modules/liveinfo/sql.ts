/** The liveinfo module's table: api_quota (S-API-4: one daily counter per app, shared by getliveinfo and get_replay). */
import type { Db } from '../../db/index.js';

export class QuotaSql {
  constructor(private readonly db: Db) {}

  /** Count up to `wanted` calls without passing `max`; returns the count before and how many were granted. */
  grant(appid: string, day: string, wanted: number, max: number): Promise<{ before: number; granted: number }> {
    return this.db.tx(async (sql) => {
      await sql.query('INSERT INTO api_quota (appid, day, count) VALUES ($1, $2, 0) ON CONFLICT (appid, day) DO NOTHING', [appid, day]);
      const [row] = await sql.query<{ count: number }>('SELECT count FROM api_quota WHERE appid = $1 AND day = $2 FOR UPDATE', [
        appid,
        day,
      ]);
      const before = row?.count ?? 0;
      const granted = Math.max(0, Math.min(wanted, max - before));
      if (granted) await sql.query('UPDATE api_quota SET count = count + $3 WHERE appid = $1 AND day = $2', [appid, day, granted]);
      return { before, granted };
    });
  }

  async used(appid: string, day: string): Promise<number> {
    const [row] = await this.db.query<{ count: number }>('SELECT count FROM api_quota WHERE appid=$1 AND day=$2', [appid, day]);
    return row?.count ?? 0;
  }
}
