/**
 * Storage: PostgreSQL SQL only. Two adapters behind one small interface:
 * PGlite (embedded, data in --data) and a PostgreSQL server (DATABASE_URL).
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

/** How the database is doing (the embedded one: how long its running statement has taken). */
export interface DbHealth {
  /** ms the oldest statement in flight has been running (0: idle) */
  busyMs: number;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** the embedded database's state (/healthz); absent for PostgreSQL */
  health?(): DbHealth;
  /** Run fn in one transaction; rolled back if it throws. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Connections: open, idle, and callers waiting for one (metrics). PGlite is one connection with a queue. */
  pool(): { total: number; idle: number; waiting: number };
  /** The embedded database's files as a gzipped tar, taken between two statements (PGlite only; zhibo backup). */
  snapshot?(): Promise<Buffer>;
}

/** int8 columns (ms epoch times, counters) come back as JS numbers: all our values are < 2^53. */
export const INT8_OID = 20;
export const parseInt8 = (v: string): number => Number(v);
