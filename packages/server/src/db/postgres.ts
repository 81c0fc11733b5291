import pg from 'pg';
import type { Db, Sql } from './db.js';
import { INT8_OID, parseInt8 } from './db.js';

/** A PostgreSQL server through DATABASE_URL. Several zhibo processes may share it. */
export async function openPostgres(
  url: string,
  max = 10,
  onIdleError: (e: Error) => void = (e) =>
    process.stderr.write(`zhibo: PostgreSQL connection lost while idle (${e.message}); it will be replaced\n`),
): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: {
      getTypeParser: (oid: number, format?: string): ((v: string) => unknown) =>
        oid === INT8_OID ? parseInt8 : (pg.types.getTypeParser(oid, format as 'text') as (v: string) => unknown),
    },
  });
  // An idle client can be terminated by the server (restart, failover, admin command): the pool drops it and
  // opens a new one; without this listener the error would crash the process.
  pool.on('error', onIdleError);
  // Fail fast with a clear message when the server is unreachable.
  const c = await pool.connect();
  c.release();
  return {
    kind: 'postgres',
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async tx<T>(fn: (sql: Sql) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const sql: Sql = {
          query: async <R>(t: string, p?: unknown[]) => (await client.query(t, p)).rows as R[],
          exec: async (t: string) => {
            await client.query(t);
          },
        };
        const out = await fn(sql);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}
