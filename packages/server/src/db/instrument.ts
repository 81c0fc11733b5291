/** A Db that times every statement and transaction for /metrics (app/metrics.ts); behaviour is unchanged. */
import type { Db, Sql } from './db.js';

export type DbObserver = (op: 'query' | 'exec' | 'tx', seconds: number, ok: boolean) => void;

export function instrumentDb(db: Db, observe: DbObserver): Db {
  const timed = async <T>(op: 'query' | 'exec' | 'tx', fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    let ok = false;
    try {
      const out = await fn();
      ok = true;
      return out;
    } finally {
      observe(op, (performance.now() - t0) / 1000, ok);
    }
  };
  return {
    kind: db.kind,
    query: <T>(text: string, params?: unknown[]) => timed('query', () => db.query<T>(text, params)),
    exec: (text: string) => timed('exec', () => db.exec(text)),
    tx: <T>(fn: (sql: Sql) => Promise<T>) => timed('tx', () => db.tx(fn)),
    close: () => db.close(),
    pool: () => db.pool(),
    ...(db.snapshot ? { snapshot: () => db.snapshot!() } : {}),
  };
}
