import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Sql } from './db.js';
import { parseInt8 } from './db.js';

/** The embedded database: PGlite with its files under `dir` (or in memory when dir is undefined). */
export async function openPglite(dir?: string): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir, { parsers: { [types.INT8]: parseInt8 } });
  // PGlite is one connection: transactions are serialised through a queue so
  // that concurrent callers never interleave statements inside someone else's transaction.
  let chain: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    queued++;
    const run = chain.then(fn, fn).finally(() => queued--);
    chain = run.catch(() => undefined);
    return run;
  };
  const direct: Sql = {
    async query<T>(text: string, params?: unknown[]) {
      const r = await pg.query<T>(text, params as unknown[]);
      return r.rows;
    },
    async exec(text: string) {
      await pg.exec(text);
    },
  };
  return {
    kind: 'pglite',
    query: <T>(text: string, params?: unknown[]) => serial(() => direct.query<T>(text, params)),
    exec: (text: string) => serial(() => direct.exec(text)),
    tx: <T>(fn: (sql: Sql) => Promise<T>) =>
      serial(() =>
        pg.transaction(async (t) => {
          const sql: Sql = {
            async query<R>(text: string, params?: unknown[]) {
              return (await t.query<R>(text, params as unknown[])).rows;
            },
            async exec(text: string) {
              await t.exec(text);
            },
          };
          return fn(sql);
        }),
      ),
    // CHECKPOINT, then the data directory, with no statement in between (the same queue).
    snapshot: () =>
      serial(async () => {
        await pg.exec('CHECKPOINT');
        return Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer());
      }),
    pool: () => ({ total: 1, idle: queued === 0 ? 1 : 0, waiting: Math.max(0, queued - 1) }),
    close: async () => {
      await chain;
      await pg.close();
    },
  };
}
