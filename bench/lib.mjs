// Shared helpers for the benchmarks: child servers, autocannon runs, tables.
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

/** Fork a server script; resolves with its first IPC message (its address) and the child. */
export function startChild(script, args = []) {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

export async function load(opts) {
  const r = await autocannon({ connections: 50, duration: 8, pipelining: 1, ...opts });
  if (r.non2xx || r.errors) console.warn(`  (${opts.url}: ${r.non2xx} non-2xx, ${r.errors} errors)`);
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50 };
}

export function table(rows) {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(w[i])).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n');
}
