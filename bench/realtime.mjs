// npm run bench -- realtime   (or: node bench/realtime.mjs [--steps 500,…,16000] [--seconds 6] [--only zhibo,ws,ws-merged,sio] [--idle 4000])
// One room, N WebSocket viewers on loopback, 5 chat msgs/s and 200 likes/s coming in. For each server the largest N
// whose chat p95 delivery latency stays < 500 ms (≥ 99 % delivered to the probe viewers, nobody dropped):
// (a) zhibo's gateway, (b) a plain `ws` broadcast server, (c) socket.io — same run, same machine; plus memory per
// idle viewer connection (zhibo vs plain ws). Targets: ≥ 1.0× plain ws, ≥ 2× socket.io, memory ≤ 1.2× plain ws.
// Not a test: nothing in CI runs it. Needs the build (npx tsc -b) for packages/server/dist.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const STEPS = arg('steps', '500,1000,2000,4000,8000,16000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '6'));
const ONLY = arg('only', 'zhibo,ws,ws-merged,sio').split(',');
const IDLE_N = Number(arg('idle', '4000'));
const PROBES = 100;

if (!existsSync(new URL('../packages/server/dist/modules/realtime/gateway.js', import.meta.url))) {
  console.error('bench realtime: build first (npx tsc -b): packages/server/dist/modules/realtime is missing');
  process.exit(2);
}

const SERVERS = {
  zhibo: { label: 'zhibo gateway', script: './servers/realtime-zhibo.mjs', likes: 'merged per 200 ms tick' },
  ws: { label: 'plain ws broadcast', script: './servers/realtime-ws.mjs', likes: 'one message per like' },
  'ws-merged': { label: 'plain ws, likes merged', script: './servers/realtime-ws.mjs', args: ['--merge'], likes: 'merged per 200 ms tick' },
  sio: { label: 'socket.io', script: './servers/realtime-sio.mjs', likes: 'one message per like' },
};

function child(script, execArgv = [], args = []) {
  const c = fork(new URL(script, import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const ask = (msg) =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${script} exited ${code}`));
      c.once('exit', onExit);
      c.once('message', (m) => {
        c.off('exit', onExit);
        resolve(m);
      });
      if (msg !== undefined) c.send(msg);
    });
  return { c, ask };
}

async function step(kind, server, n, run) {
  const load = child('./servers/realtime-load.mjs', ['--max-old-space-size=4096']);
  const r = await load.ask({
    kind,
    port: server.port,
    roomId: server.roomId,
    n,
    seconds: SECONDS,
    chatPerSec: 5,
    likesPerSec: 200,
    probes: PROBES,
    run,
  });
  await new Promise((res) => (load.c.exitCode !== null ? res() : load.c.once('exit', res)));
  return r;
}

/** Memory per idle connection: the growth between WARM and WARM + IDLE_N hello'd viewers (one-time costs cancel out). */
async function idleMemory(kind, srv, server) {
  const WARM = 500;
  const connect = async (n, run) => {
    const load = child('./servers/realtime-load.mjs');
    const r = await load.ask({ kind, port: server.port, roomId: server.roomId, n, idle: true, probes: 0, run });
    if (!r.ok) throw new Error(`idle connect failed: ${r.reason}`);
    return load;
  };
  const warm = await connect(WARM, 'warm');
  await new Promise((res) => setTimeout(res, 1000));
  const before = await srv.ask('mem');
  const idle = await connect(IDLE_N, 'idle');
  await new Promise((res) => setTimeout(res, 1000));
  const after = await srv.ask('mem');
  for (const l of [warm, idle]) {
    l.c.send('release');
    await new Promise((res) => l.c.once('exit', res));
  }
  const per = (k) => (after.mem[k] - before.mem[k]) / IDLE_N;
  if (process.env.BENCH_VERBOSE)
    console.error(
      `  ${kind} memory per idle connection: heapUsed ${per('heapUsed').toFixed(0)}, external ${per('external').toFixed(0)}, arrayBuffers ${per('arrayBuffers').toFixed(0)}, rss ${per('rss').toFixed(0)} bytes`,
    );
  return { heap: per('heapUsed'), external: per('external'), rss: per('rss'), conns: after.conns };
}

const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const table = (rows) => {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(w[i])).join('  ');
  return [line(cols), line(w.map((x) => '-'.repeat(x))), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n');
};

const results = {};
const detail = [];
for (const kind of ONLY) {
  const def = SERVERS[kind];
  const srv = child(def.script, ['--expose-gc', '--max-old-space-size=4096'], def.args);
  const server = await srv.ask();
  // memory first, on the fresh process (before any load has grown its heap)
  const mem = kind === 'zhibo' || kind === 'ws' ? await idleMemory(kind, srv, server) : undefined;
  let best = 0;
  for (const n of STEPS) {
    const t0 = Date.now();
    const r = await step(kind, server, n, `${kind}${n}`);
    detail.push({
      server: def.label,
      viewers: n,
      'p50 ms': fmt(r.p50, 1),
      'p95 ms': fmt(r.p95, 1),
      'p99 ms': fmt(r.p99, 1),
      delivered: r.delivered === undefined ? '-' : `${fmt(r.delivered * 100, 1)} %`,
      'connect s': fmt(r.connectMs / 1000, 1),
      result: r.ok ? 'ok' : `FAIL (${r.reason})`,
    });
    console.error(
      `  ${def.label}: ${n} viewers → ${r.ok ? 'ok' : `fail: ${r.reason}`} p95 ${fmt(r.p95, 1)} ms (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
    if (!r.ok) break;
    best = n;
  }
  results[kind] = { best, mem };
  srv.c.send('stop');
  await new Promise((res) => srv.c.once('exit', res));
}

console.log(
  `\nnpm run bench -- realtime  (one room; 5 chat/s + 200 likes/s in; ${SECONDS} s per step; ${PROBES} probe viewers measure chat delivery; loopback; ${cpus().length} cores shared by server and load generator)\n`,
);
console.log(table(detail));
const z = results.zhibo;
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');
/** zhibo's max N over another's; open-ended when zhibo passed every step or the other failed the first. */
const ratioText = (zb, ob) => {
  if (!zb) return ob ? '0×' : '-';
  const capped = zb === STEPS.at(-1);
  if (!ob) return `> ${(zb / STEPS[0]).toFixed(2)}×`;
  return `${capped ? '≥ ' : ''}${(zb / ob).toFixed(2)}×`;
};
const summary = [];
for (const kind of ONLY) {
  const r = results[kind];
  summary.push({
    server: SERVERS[kind].label,
    likes: SERVERS[kind].likes,
    'max N (p95 < 500 ms)': r.best || `< ${STEPS[0]}`,
    'zhibo ratio': kind === 'zhibo' ? '-' : `${ratioText(z?.best ?? 0, r.best)}  (target ${kind === 'sio' ? '≥ 2.0' : '≥ 1.0'})`,
    'B/idle conn: JS heap': r.mem ? fmt(r.mem.heap) : '-',
    external: r.mem ? fmt(r.mem.external) : '-',
    'rss (noisy)': r.mem ? fmt(r.mem.rss) : '-',
  });
}
console.log(`\n${table(summary)}`);
if (z?.mem && results.ws?.mem)
  console.log(
    `\nmemory per idle connection (${IDLE_N} hello'd viewers added to 500), zhibo / plain ws: JS heap ${ratio(z.mem.heap, results.ws.mem.heap)}×, ` +
      `heap + external ${ratio(z.mem.heap + z.mem.external, results.ws.mem.heap + results.ws.mem.external)}× (target ≤ 1.2×; zhibo's external is the embedded PGlite growing with the entry rows)`,
  );
if (STEPS.includes(z?.best) && z.best === STEPS[STEPS.length - 1]) console.log(`(zhibo passed every step: its limit is above ${z.best})`);
