/**
 * The embedded database: PGlite with its files under `dir` (or in memory), run in a worker thread (pglite-worker.ts
 * says why). Statements are serialised: PGlite is one connection, so a transaction (BEGIN … COMMIT sent one statement
 * at a time) never interleaves with someone else's statements.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db, DbHealth, Sql } from './db.js';
import { WORKER_SOURCE, type WorkerError, type WorkerReply, type WorkerRequest } from './pglite-worker.js';

/** An error the database reported, with its SQLSTATE `code` (and detail, constraint …) like PGlite's own. */
export class PgliteError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  constructor(e: WorkerError) {
    super(e.message);
    this.name = 'PgliteError';
    Object.assign(this, e);
  }
}

type Pending = { resolve(rows: unknown[]): void; reject(e: Error): void; at: number };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The worker and its in-flight calls. */
class PgliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private dead: Error | undefined;

  constructor() {
    const pglitePath = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pglitePath } });
    this.worker.unref();
    this.worker.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in m) p.reject(new PgliteError(m.error));
      else p.resolve(m.rows);
    });
    const fail = (e: Error) => {
      this.dead ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`the database worker failed: ${e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`the database worker exited (${code})`)));
  }

  call(req: Request): Promise<unknown[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref(); // keep the process alive while the database works for us
      this.pending.set(id, { resolve, reject, at: Date.now() });
      this.worker.postMessage({ ...req, id });
    });
  }

  /** How long the oldest call has been running (0: none). */
  busyMs(): number {
    let oldest = Infinity;
    for (const p of this.pending.values()) oldest = Math.min(oldest, p.at);
    return oldest === Infinity ? 0 : Date.now() - oldest;
  }

  terminate(): Promise<number> {
    this.dead ??= new Error('the database is closed');
    return this.worker.terminate();
  }
}

export interface PgliteOptions {
  /** close(): how long to wait for the running statement and PGlite's own close before the worker is ended */
  closeTimeoutMs?: number;
}

export async function openPglite(dir?: string, opts: PgliteOptions = {}): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const thread = new PgliteThread();
  try {
    await thread.call({ op: 'open', dir });
  } catch (e) {
    await thread.terminate();
    throw e;
  }
  let chain: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    queued++;
    const run = chain.then(fn, fn).finally(() => queued--);
    chain = run.catch(() => undefined);
    return run;
  };
  const direct: Sql = {
    query: async <T>(text: string, params?: unknown[]) => (await thread.call({ op: 'query', text, params })) as T[],
    exec: async (text: string) => void (await thread.call({ op: 'exec', text })),
  };
  let closing: Promise<void> | undefined;
  const health = (): DbHealth => ({ busyMs: thread.busyMs() });
  return {
    kind: 'pglite',
    query: <T>(text: string, params?: unknown[]) => serial(() => direct.query<T>(text, params)),
    exec: (text: string) => serial(() => direct.exec(text)),
    tx: <T>(fn: (sql: Sql) => Promise<T>) =>
      serial(async () => {
        await direct.exec('BEGIN');
        try {
          const out = await fn(direct);
          await direct.exec('COMMIT');
          return out;
        } catch (e) {
          await direct.exec('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }),
    health,
    // CHECKPOINT, then the data directory, with no statement in between (the same queue).
    snapshot: () => serial(async () => Buffer.from((await thread.call({ op: 'snapshot' }))[0] as Uint8Array)),
    pool: () => ({ total: 1, idle: queued === 0 ? 1 : 0, waiting: Math.max(0, queued - 1) }),
    close: () =>
      (closing ??= (async () => {
        // A statement stuck for seconds (a full disk can make PostgreSQL spin) is not waited for: the worker is ended,
        // which loses nothing committed (the WAL makes it crash-safe, like a kill).
        const limit = opts.closeTimeoutMs ?? 15_000;
        const stuck = thread.busyMs() > 2000;
        const closed = stuck ? Promise.reject(new Error('stuck')) : serial(() => thread.call({ op: 'close' }));
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), limit)));
        try {
          await Promise.race([closed, timeout]);
        } catch {
          process.stderr.write(
            `zhibo: the embedded database ${stuck ? 'is stuck' : `did not close within ${limit} ms`} (a statement running ${thread.busyMs()} ms); ending it\n`,
          );
        } finally {
          clearTimeout(timer);
          await thread.terminate();
        }
      })()),
  };
}
