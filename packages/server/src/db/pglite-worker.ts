/**
 * The embedded database runs in a worker thread (issue 10). PGlite executes PostgreSQL synchronously in WebAssembly:
 * on the main thread every statement blocks the event loop for its whole duration (a big INSERT … SELECT stalls all
 * live video), and when the disk fills up PostgreSQL can spin forever inside XLogFlush (docs/operations.md "Disk
 * space") — with the event loop blocked nothing answers, not even SIGTERM. In a worker the main thread keeps serving,
 * and close() can end a stuck worker after a deadline.
 *
 * The worker's code is a string run with `eval` (CommonJS), so it works the same from `src` (tests) and `dist`; it
 * loads PGlite's CommonJS build from the path the main thread resolved.
 */

/** main → worker */
export type WorkerRequest =
  | { id: number; op: 'open'; dir: string | undefined }
  | { id: number; op: 'query'; text: string; params: unknown[] | undefined }
  | { id: number; op: 'exec'; text: string }
  | { id: number; op: 'snapshot' }
  | { id: number; op: 'close' };

/** The fields of a PostgreSQL error that cross the thread boundary (SQLSTATE `code` above all). */
export interface WorkerError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  severity?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** worker → main */
export type WorkerReply = { id: number; rows: unknown[] } | { id: number; error: WorkerError };

export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, types } = require(workerData.pglitePath);
let pg;
const FIELDS = ['code', 'detail', 'hint', 'severity', 'table', 'column', 'constraint'];
function errorOf(e) {
  const out = { message: e && e.message ? String(e.message) : String(e) };
  for (const f of FIELDS) if (e && typeof e[f] === 'string') out[f] = e[f];
  return out;
}
async function run(m) {
  switch (m.op) {
    case 'open':
      pg = await PGlite.create(m.dir, { parsers: { [types.INT8]: (v) => Number(v) } });
      return [];
    case 'query':
      return (await pg.query(m.text, m.params)).rows;
    case 'exec':
      await pg.exec(m.text);
      return [];
    case 'snapshot': {
      // CHECKPOINT, then the data directory (a gzipped tar), with no statement in between
      await pg.exec('CHECKPOINT');
      const blob = await pg.dumpDataDir('gzip');
      return [new Uint8Array(await blob.arrayBuffer())];
    }
    case 'close':
      if (pg) await pg.close();
      pg = undefined;
      return [];
  }
  throw new Error('unknown op ' + m.op);
}
parentPort.on('message', (m) => {
  run(m).then((rows) => parentPort.postMessage({ id: m.id, rows }), (e) => parentPort.postMessage({ id: m.id, error: errorOf(e) }));
});
`;
