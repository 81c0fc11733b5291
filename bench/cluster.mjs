// npm run bench -- cluster   (or: node bench/cluster.mjs [--viewers 6000] [--seconds 10] [--per-sec 20] [--flv 150])
// Cluster mode (issue 13), side by side in one run: a single zhibo process vs three nodes on one Redis and one
// PostgreSQL (all started here, on loopback, deleted afterwards). Prints:
//   - cross-node chat delivery p50/p95/p99 (goal p99 ≤ 250 ms at 20 000 viewers on 3 nodes)
//   - cost of distribution: CPU per delivered comment and per FLV viewer, cluster ÷ single process (goal ≤ 1.3×)
//   - edge first keyframe on a cold edge (goal ≤ 500 ms), added latency per relay hop p95 (goal ≤ 30 ms)
//   - viewers back to video after the anchor republishes on another node (goal ≤ 3 s)
// Not a test. Needs the build (npm run bench builds), ffmpeg, redis-server and PostgreSQL's binaries.
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pushStream } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const VIEWERS = Number(arg('viewers', '6000'));
const SECONDS = Number(arg('seconds', '10'));
const PER_SEC = Number(arg('per-sec', '20'));
const FLV = Number(arg('flv', '150'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t00 = Date.now();
const step = (what) => console.error(`  [${((Date.now() - t00) / 1000).toFixed(0)} s] ${what}`);
const CLK = 100; // clock ticks per second of /proc/PID/stat (Linux default)

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

const cleanups = [];
async function cleanup() {
  for (const f of cleanups.splice(0).reverse()) {
    try {
      await f();
    } catch {
      // going on
    }
  }
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

// ---- PostgreSQL and Redis, throw-away, like scripts/test.sh ----
async function startPostgres() {
  const bin = readdirSync('/usr/lib/postgresql')
    .sort()
    .map((v) => `/usr/lib/postgresql/${v}/bin`)
    .pop();
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-pg-'));
  const port = await freePort();
  const asPg = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asPg.length) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const run = (cmd, args) => execFileSync(asPg[0] ?? cmd, asPg.length ? [...asPg.slice(1), cmd, ...args] : args, { stdio: 'ignore' });
  run(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'zhibo', '--auth=trust', '-E', 'UTF8']);
  run(`${bin}/pg_ctl`, [
    '-D',
    `${dir}/data`,
    '-l',
    `${dir}/log`,
    '-w',
    '-o',
    `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`,
    'start',
  ]);
  cleanups.push(() => {
    try {
      run(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return `postgres://zhibo@127.0.0.1:${port}/postgres`;
}

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-redis-'));
  const port = await freePort();
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  cleanups.push(() => {
    p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `redis://127.0.0.1:${port}`;
  const r = new Redis(url, { lazyConnect: true });
  r.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await r.connect();
      break;
    } catch {
      await sleep(100);
    }
  }
  cleanups.push(() => r.disconnect());
  return { url, pid: p.pid, client: r };
}

function procCpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK;
}

// ---- nodes ----
async function startNode(env) {
  const c = fork(new URL('./servers/cluster-node.mjs', import.meta.url), [], {
    env: { ...process.env, ZHIBO_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise((resolve, reject) => {
    c.once('message', resolve);
    c.once('exit', (code) => reject(new Error(`node exited ${code}`)));
  });
  const ask = (m) =>
    new Promise((resolve) => {
      c.once('message', resolve);
      c.send(m);
    });
  const node = {
    ...info,
    child: c,
    ask,
    cpuMs: async () => {
      const { cpu } = await ask('cpu');
      return (cpu.user + cpu.system) / 1000;
    },
    async stop() {
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.send('stop');
      await new Promise((r) => {
        const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
        c.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    },
    kill() {
      c.kill('SIGKILL');
    },
  };
  cleanups.push(() => node.stop());
  return node;
}

/** The shared test stream (bench/lib.mjs) to a node's room; killed with the run. */
function pushTo(rtmp, room, key) {
  const p = pushStream(`${rtmp}/${room}?key=${key}`);
  cleanups.push(() => p.kill('SIGKILL'));
  return p;
}

/** An HTTP-FLV viewer: arrival time of each video tag by timestamp, keyframe times. */
function flvViewer(url) {
  const v = { keyframes: [], byTs: new Map(), bytes: 0, ended: false, t0: Date.now() };
  let buf = Buffer.alloc(0);
  let header = false;
  const req = request(url, (res) => {
    res.on('data', (chunk) => {
      const now = performance.timeOrigin + performance.now();
      v.bytes += chunk.length;
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let o = 0;
      if (!header) {
        if (buf.length < 13) return;
        header = true;
        o = 13;
      }
      while (buf.length - o >= 11) {
        const size = buf.readUIntBE(o + 1, 3);
        if (buf.length - o < 15 + size) break;
        if ((buf[o] & 0x1f) === 9) {
          const ts = (buf.readUIntBE(o + 4, 3) | (buf[o + 7] << 24)) >>> 0;
          if (!v.byTs.has(ts)) v.byTs.set(ts, now);
          if (buf[o + 11] >> 4 === 1 && buf[o + 12] === 1) v.keyframes.push(now);
        }
        o += 15 + size;
      }
      buf = buf.subarray(o);
    });
    res.on('end', () => (v.ended = true));
    res.on('error', () => (v.ended = true));
  });
  req.on('error', () => (v.ended = true));
  req.end();
  v.close = () => req.destroy();
  return v;
}

async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await sleep(20);
  }
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

async function chatRun(nodes, room, extraCpuPid) {
  const load = fork(new URL('./servers/cluster-chat-load.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
  const ports = nodes.map((n) => Number(new URL(n.http).port));
  const msgs = [];
  const next = () =>
    new Promise((r, j) => {
      if (msgs.length) return r(msgs.shift());
      const gone = (code) => j(new Error(`chat load exited ${code}`));
      load.once('exit', gone);
      load.once('message', (m) => {
        load.off('exit', gone);
        r(m);
      });
    });
  load.send({ ports, room, n: VIEWERS, seconds: SECONDS, perSec: PER_SEC, probes: 50, run: Date.now() });
  const ready = await next();
  step(`  ${ready.connected} viewers connected; idle CPU for 5 s, then comments`);
  const i0 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const ix0 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  await sleep(5000);
  const i1 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const ix1 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  const idlePerMs = (i1.reduce((a, b, i) => a + b - i0[i], 0) + ix1 - ix0) / 5000;
  const cpu0 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const x0 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  const tGo = Date.now();
  load.send('go');
  const r = await next();
  const cpu1 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const x1 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  // marginal CPU of the comments: the idle cost of the same processes (ticks, heartbeats, GC) taken out
  const cpuMs = cpu1.reduce((a, b, i) => a + b - cpu0[i], 0) + (x1 - x0) - idlePerMs * (Date.now() - tGo);
  const delivered = r.local.length + r.cross.length > 0 ? r.sent * ready.connected : 0;
  return { ...r, connected: ready.connected, cpuMs, delivered, usPerComment: (cpuMs * 1000) / delivered };
}

async function flvCost(nodes, url, extraCpuPid) {
  const base0 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const bx0 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  await sleep(5000);
  const base1 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const bx1 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  const idle = (base1.reduce((a, b, i) => a + b - base0[i], 0) + bx1 - bx0) / 5;
  const vs = Array.from({ length: FLV }, (_, i) => flvViewer(url(i)));
  await waitFor(() => vs.every((v) => v.keyframes.length > 0), 30_000, 'every FLV viewer playing');
  const c0 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const x0 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  await sleep(10_000);
  const c1 = await Promise.all(nodes.map((n) => n.cpuMs()));
  const x1 = extraCpuPid ? procCpuMs(extraCpuPid) : 0;
  for (const v of vs) v.close();
  const perSec = (c1.reduce((a, b, i) => a + b - c0[i], 0) + x1 - x0) / 10;
  return { cpuMsPerSecPerViewer: (perSec - idle) / FLV, idle, perSec };
}

async function main() {
  console.log(
    `bench cluster: ${VIEWERS} chat viewers, ${PER_SEC} comments/s for ${SECONDS} s, ${FLV} FLV viewers; machine: ${(await import('node:os')).cpus().length} cores`,
  );
  const pg = await startPostgres();
  const redis = await startRedis();
  const shared = mkdtempSync(join(tmpdir(), 'zhibo-bench-data-'));
  cleanups.push(() => rmSync(shared, { recursive: true, force: true }));

  // ---- single process (PostgreSQL, no Redis) ----
  const single = await startNode({ DATABASE_URL: pg.replace('/postgres', '/postgres'), BENCH_DATA: shared });
  const s1 = await single.ask({ setup: true });
  step('single process: chat');
  const chat1 = await chatRun([single], s1.room);
  step('single process: FLV viewers');
  const pub1 = pushTo(single.rtmp, s1.room, s1.key);
  await sleep(3000);
  const flv1 = await flvCost([single], () => `${single.http}/live/${s1.room}.flv`);
  pub1.kill('SIGKILL');
  await single.stop();

  // ---- three nodes on Redis (fan-out 1: a chain, so relay hops can be measured) ----
  const env = { DATABASE_URL: pg, ZHIBO_REDIS_URL: redis.url, ZHIBO_REDIS_PREFIX: 'bench', ZHIBO_RELAY_FANOUT: '1', BENCH_DATA: shared };
  const nodes = [await startNode(env), await startNode(env), await startNode(env)];
  const c = await nodes[0].ask({ setup: true });
  step('3 nodes: chat');
  await sleep(1500); // the room reaches the other nodes through NOTIFY
  const chat3 = await chatRun(nodes, c.room, redis.pid);
  step('3 nodes: FLV viewers');
  let pub = pushTo(nodes[0].rtmp, c.room, c.key);
  await sleep(3000);
  const flv3 = await flvCost(nodes, (i) => `${nodes[i % 3].http}/live/${c.room}.flv`, redis.pid);
  await sleep(7000); // relays stop 5 s after their last viewer

  // cold edge: first keyframe
  step('cold edges');
  const cold = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const v = flvViewer(`${nodes[1 + (i % 2)].http}/live/${c.room}.flv`);
    await waitFor(() => v.keyframes.length > 0, 10_000, 'cold edge keyframe');
    cold.push(v.keyframes[0] - t0);
    v.close();
    await sleep(6500);
  }

  // relay hops: origin → B → C (fan-out 1)
  step('relay hops');
  const direct = flvViewer(`${nodes[0].http}/live/${c.room}.flv`);
  const hop1 = flvViewer(`${nodes[1].http}/live/${c.room}.flv`);
  await waitFor(() => hop1.keyframes.length > 0, 10_000, 'hop 1');
  const hop2 = flvViewer(`${nodes[2].http}/live/${c.room}.flv`);
  await waitFor(() => hop2.keyframes.length > 0, 10_000, 'hop 2');
  await sleep(10_000);
  const d1 = [];
  const d2 = [];
  for (const [ts, t] of hop2.byTs) {
    const a = direct.byTs.get(ts);
    const b = hop1.byTs.get(ts);
    if (a !== undefined && b !== undefined) {
      d1.push(b - a);
      d2.push(t - b);
    }
  }
  direct.close();
  hop1.close();

  // the anchor's node dies, the anchor republishes on node B: viewers on C get video again on the same connection
  step('origin killed, republish elsewhere');
  const before = hop2.keyframes.length;
  nodes[0].kill();
  pub.kill('SIGKILL');
  const tKill = Date.now();
  const leaseKey = `bench:{s${c.room}}:lease`;
  await waitFor(async () => (await redis.client.get(leaseKey)) === null, 15_000, "the dead node's lease lapsed");
  const tPub = performance.timeOrigin + performance.now();
  pub = pushTo(nodes[1].rtmp, c.room, c.key);
  await waitFor(() => hop2.keyframes.length > before && hop2.keyframes.at(-1) > tPub, 20_000, 'video again after the republish');
  const back = hop2.keyframes.find((k) => k > tPub) - tPub;
  const sinceKill = Date.now() - tKill;
  const sameConnection = !hop2.ended;
  hop2.close();

  const likesOk = true;
  console.log('\n== chat (chat_batch clients; comments sent on node A)');
  console.log(
    `single process: ${chat1.connected}/${VIEWERS} viewers, p50 ${f0(pct(chat1.local, 50))} ms, p95 ${f0(pct(chat1.local, 95))} ms, p99 ${f0(pct(chat1.local, 99))} ms`,
  );
  console.log(
    `3 nodes:        ${chat3.connected}/${VIEWERS} viewers, on node A p99 ${f0(pct(chat3.local, 99))} ms; cross-node (B, C): p50 ${f0(pct(chat3.cross, 50))} ms, p95 ${f0(pct(chat3.cross, 95))} ms, p99 ${f0(pct(chat3.cross, 99))} ms  (goal p99 ≤ 250)`,
  );
  console.log('\n== cost of distribution (CPU of every zhibo process, + Redis in the cluster; idle CPU taken out)');
  console.log(
    `per delivered comment: single ${f2(chat1.usPerComment)} µs, cluster ${f2(chat3.usPerComment)} µs → ${f2(chat3.usPerComment / chat1.usPerComment)}×  (goal ≤ 1.3×)`,
  );
  console.log(
    `per FLV viewer: single ${f2(flv1.cpuMsPerSecPerViewer)} ms/s, cluster ${f2(flv3.cpuMsPerSecPerViewer)} ms/s → ${f2(flv3.cpuMsPerSecPerViewer / flv1.cpuMsPerSecPerViewer)}×  (goal ≤ 1.3×)`,
  );
  console.log('\n== edges');
  console.log(`cold edge first keyframe: ${cold.map(f0).join(', ')} ms (median ${f0(pct(cold, 50))}; goal ≤ 500)`);
  console.log(
    `added latency per relay hop, p95: hop 1 ${f2(pct(d1, 95))} ms, hop 2 ${f2(pct(d2, 95))} ms (p50 ${f2(pct(d1, 50))} / ${f2(pct(d2, 50))}; ${d1.length} tags; goal ≤ 30)`,
  );
  console.log(
    `anchor's node SIGKILLed, lease lapsed, republished on B: video again at the edge ${f0(back)} ms after the new publish (${sameConnection ? 'same connection' : 'RECONNECTED'}; ${f0(sinceKill / 1000)} s after the kill; goal ≤ 3000)`,
  );
  void likesOk;
}

main().then(cleanup, async (e) => {
  console.error(e);
  await cleanup();
  process.exit(1);
});
