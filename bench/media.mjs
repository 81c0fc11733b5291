// npm run bench -- media   (or: node bench/media.mjs [--steps 200,500,1000,1500,2000,3000,4000,5000,6000]
//                            [--only fanout,latency,ttff,replay] [--servers ours,ours20,nms] [--latency-n 1000] [--no-pin] [--json])
// The media plane (issue 3) beside node-media-server 4.4.3, same machine, same run, same stream: a recorded
// 1280x720 25 fps H.264 (1.5 Mbps CBR, 2 s GOP, yuv420p) + AAC FLV made once with ffmpeg, published with
// `ffmpeg -re -stream_loop -1 -c copy`. Each server runs in its own child process; the viewers (raw HTTP-FLV on
// `net` sockets) run in a separate load process. With taskset and ≥ 2 cores the server is pinned to CPU 0 and the
// load generator + publisher to CPU 1. Servers: ours (batchMs 0, the default), ours20 (batchMs 20), nms. Measures:
//   1. server CPU per HTTP-FLV viewer-second at 200/500/1000 viewers (minus the 0-viewer baseline) and the
//      delivered bitrate per viewer;
//   2. the largest N (ramp) whose average delivered bitrate stays ≥ 95 % of the input with the server < 97 % of
//      its core;
//   3. latency the server adds per FLV tag (p50/p95) at 1000 viewers: a controlled publisher in the load process
//      stamps each tag's send time, the viewers match tags by (type, timestamp);
//   4. time to first frame of a new viewer (p50 of 20);
//   5. replay ready: a 10-minute live (published without -re) into MediaServer with recording on →
//      publishStop → recordingReady (remux + ffprobe), plus bare remuxFlvToMp4.
// Loopback only; kills only the children it started (by PID); about 8–9 minutes on 2 cores. Not a test.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const STEPS = arg('steps', '200,500,1000,1500,2000,3000,4000,5000,6000').split(',').map(Number);
const ONLY = arg('only', 'fanout,latency,ttff,replay').split(',');
const LAT_N = Number(arg('latency-n', '1000'));
const KINDS = arg('servers', 'ours,ours20,nms').split(',');
const PER_VIEWER_STEPS = [200, 500, 1000];
const SERVER_RAMP_BUDGET_MS = 150_000;
const BITRATE_OK = 0.95;
const CPU_SATURATED = 0.97;

const dist = new URL('../packages/media/dist/index.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('bench media: build first (npx tsc -b): packages/media/dist is missing');
  process.exit(2);
}
if (!existsSync(new URL('../node_modules/node-media-server/package.json', import.meta.url))) {
  console.error('bench media: node-media-server is not installed (dev dependency)');
  process.exit(2);
}
const { remuxFlvToMp4 } = await import(dist);

const NCPU = cpus().length;
const PIN = !process.argv.includes('--no-pin') && NCPU >= 2 && spawnSync('taskset', ['-V']).status === 0;
const started = new Set(); // every child process we started (killed by PID on exit)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.error(`[bench media ${((performance.now() - T0) / 1000).toFixed(0).padStart(3)}s] ${m}`);
const T0 = performance.now();

function pin(pid, cpu) {
  if (PIN) spawnSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
}

function track(child) {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

function killAll() {
  for (const c of started) {
    try {
      if (c.pid) process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Fork a bench child; resolves with its first IPC message. `ask` sends a message and awaits the next reply. */
async function child(script, args = [], cpu = null) {
  const c = track(
    fork(new URL(script, import.meta.url), args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--max-old-space-size=4096'],
    }),
  );
  const next = () =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${script} exited ${code}`));
      c.once('exit', onExit);
      c.once('message', (m) => {
        c.off('exit', onExit);
        resolve(m);
      });
    });
  const info = await next();
  if (cpu !== null) pin(c.pid, cpu);
  const ask = async (msg) => {
    const p = next();
    c.send(msg);
    const r = await p;
    if (r && r.ok === false) throw new Error(`${script}: ${r.error}`);
    return r && 'r' in r ? r.r : r;
  };
  const stop = async () => {
    if (c.exitCode !== null || c.signalCode) return;
    const exited = new Promise((r) => c.once('exit', r));
    try {
      c.send('stop');
    } catch {
      /* channel gone */
    }
    const t = setTimeout(() => c.pid && process.kill(c.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return { c, info, ask, stop };
}

function ffmpeg(args, cpu = null) {
  const p = track(spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  p.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
  const done = new Promise((resolve) => p.once('exit', (code) => resolve({ code, err })));
  if (cpu !== null && p.pid) pin(p.pid, cpu);
  return { p, done, kill: () => p.exitCode === null && p.pid && process.kill(p.pid, 'SIGKILL') };
}

function ffprobe(file, entries) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'default=noprint_wrappers=1:nokey=1', file], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : null;
}

const SERVERS = {
  ours: { script: './servers/media-zhibo.mjs', args: ['--batch-ms', '0'], ttff: true },
  ours20: { script: './servers/media-zhibo.mjs', args: ['--batch-ms', '20'], ttff: false },
  nms: { script: './servers/media-nms.mjs', args: [], ttff: true },
};
const PATH = '/live/bench.flv';

const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-media-'));
const STREAM = join(dir, 'stream-720p.flv');
const LONG = join(dir, 'long-10min.flv');
const results = { env: {}, ours: {}, ours20: {}, nms: {} };

async function prepare() {
  log('encoding the test stream (20 s, 1280x720 25 fps, 1.5 Mbps CBR H.264 + AAC, 2 s GOP) and a 10-minute FLV');
  const a = ffmpeg([
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-t',
    '20',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '50',
    '-keyint_min',
    '50',
    '-sc_threshold',
    '0',
    '-b:v',
    '1500k',
    '-minrate',
    '1500k',
    '-maxrate',
    '1500k',
    '-bufsize',
    '1500k',
    '-x264-params',
    'nal-hrd=cbr',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ac',
    '2',
    '-f',
    'flv',
    STREAM,
  ]);
  const b = ONLY.includes('replay')
    ? ffmpeg([
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=640x360:rate=25',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:sample_rate=44100',
        '-t',
        '600',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-g',
        '50',
        '-b:v',
        '1500k',
        '-minrate',
        '1500k',
        '-maxrate',
        '1500k',
        '-bufsize',
        '1500k',
        '-x264-params',
        'nal-hrd=cbr',
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        '-f',
        'flv',
        LONG,
      ])
    : null;
  for (const x of [a, b]) {
    if (!x) continue;
    const r = await x.done;
    if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.err}`);
  }
  const dur = Number(ffprobe(STREAM, 'format=duration'));
  results.env.inputBps = ((statSync(STREAM).size - 13) * 8) / dur;
  log(`test stream: ${(results.env.inputBps / 1e6).toFixed(3)} Mbps of FLV over ${dur.toFixed(2)} s`);
}

/** Parts 1, 2 and 4 for one server: ramp N viewers on an ffmpeg-published stream, then time-to-first-frame. */
async function fanout(kind) {
  const S = SERVERS[kind];
  const r = results[kind];
  const srv = await child(S.script, S.args, 0);
  r.version = srv.info.version;
  const load = await child('./servers/media-load.mjs', [], 1);
  const pub = ffmpeg(
    ['-re', '-stream_loop', '-1', '-i', STREAM, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${srv.info.rtmpPort}/live/bench`],
    1,
  );
  try {
    const deadline = performance.now() + 15_000;
    for (;;) {
      const st = (await srv.ask('stats')).stats;
      if (st.streams.length > 0) break;
      if (pub.p.exitCode !== null) throw new Error(`${kind}: publisher exited: ${(await pub.done).err}`);
      if (performance.now() > deadline) throw new Error(`${kind}: stream never went live`);
      await sleep(200);
    }
    await sleep(2500); // a full GOP in the cache
    if (ONLY.includes('fanout')) {
      const base = await load.ask({ op: 'window', seconds: 8, serverPid: srv.info.pid });
      r.baselineCpuPct = (base.serverCpuMs / (base.seconds * 1000)) * 100;
      log(`${kind}: 0 viewers: server CPU ${r.baselineCpuPct.toFixed(1)} %`);
      r.steps = [];
      const t0 = performance.now();
      let have = 0;
      for (const n of STEPS) {
        const c = await load.ask({ op: 'connect', port: srv.info.httpPort, path: PATH, n: n - have });
        have = n;
        await sleep(3000);
        const seconds = n <= 1000 ? 8 : 6;
        const w = await load.ask({ op: 'window', seconds, serverPid: srv.info.pid });
        const cpuPct = (w.serverCpuMs / (w.seconds * 1000)) * 100;
        const perViewer = (w.serverCpuMs - (r.baselineCpuPct / 100) * w.seconds * 1000) / (n * w.seconds);
        const ratio = w.avgBps / results.env.inputBps;
        const loadPct = (w.loadCpuMs / (w.seconds * 1000)) * 100;
        const ok = ratio >= BITRATE_OK && cpuPct < CPU_SATURATED * 100;
        r.steps.push({
          n,
          seconds: w.seconds,
          cpuPct,
          serverWaitMs: w.serverWaitMs,
          perViewer,
          avgBps: w.avgBps,
          minBps: w.minBps,
          p5Bps: w.p5Bps,
          alive: w.alive,
          loadPct,
          loadLagP99Ms: w.loadLagP99Ms,
          ok,
          connectFailed: c.failed,
          connectMs: c.ms,
        });
        log(
          `${kind}: ${n} viewers (${c.failed} failed to connect, ${w.alive} alive): server CPU ${cpuPct.toFixed(0)} %, ${perViewer.toFixed(3)} ms/viewer-s; ` +
            `delivered avg ${(w.avgBps / 1e6).toFixed(3)} Mbps (${(ratio * 100).toFixed(1)} %), p5 ${(w.p5Bps / 1e6).toFixed(3)}; server waited for a CPU ${w.serverWaitMs.toFixed(0)} ms; load gen CPU ${loadPct.toFixed(0)} %, lag p99 ${w.loadLagP99Ms.toFixed(0)} ms${ok ? '' : '  ← over the limit'}`,
        );
        if (!ok && n >= 1000) break;
        if (performance.now() - t0 > SERVER_RAMP_BUDGET_MS) {
          log(`${kind}: ramp time budget used up`);
          break;
        }
      }
      await load.ask({ op: 'closeAll' });
      await sleep(1500);
    }
    if (ONLY.includes('ttff') && S.ttff) {
      r.ttff = await load.ask({ op: 'ttff', port: srv.info.httpPort, path: PATH, tries: 20 });
      log(
        `${kind}: time to first frame: first byte p50 ${r.ttff.firstByteP50.toFixed(1)} ms, keyframe p50 ${r.ttff.keyframeP50.toFixed(1)} ms (max ${r.ttff.keyframeMax.toFixed(1)}; ${r.ttff.ok}/${r.ttff.tries})`,
      );
    }
  } finally {
    pub.kill();
    await pub.done;
    await load.stop();
    await srv.stop();
  }
}

/** Part 3: latency at LAT_N viewers, publisher and viewers in the load process. */
async function latency(kind) {
  const S = SERVERS[kind];
  const srv = await child(S.script, S.args, 0);
  const load = await child('./servers/media-load.mjs', [], 1);
  try {
    const r = await load.ask({
      op: 'latency',
      rtmpPort: srv.info.rtmpPort,
      httpPort: srv.info.httpPort,
      stream: 'lat',
      n: LAT_N,
      file: STREAM,
      warmSec: 3,
      seconds: 10,
      serverPid: srv.info.pid,
    });
    log(
      `${kind}: latency at ${r.connected} viewers (${r.alive} alive): p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)}, p99 ${r.p99.toFixed(1)}, max ${r.max.toFixed(1)}; ` +
        `${r.samples} of ${r.expected} tags matched; server CPU ${r.serverCpuPct.toFixed(0)} %, waited for a CPU ${r.serverWaitMs.toFixed(0)} ms in ${r.seconds} s; load gen lag p99 ${r.loadLagP99Ms.toFixed(0)} ms, waited ${r.loadWaitMs.toFixed(0)} ms`,
    );
    return r;
  } finally {
    await load.stop();
    await srv.stop();
  }
}

/** Part 5: a 10-minute live into MediaServer with recording on; End (publishStop) → recordingReady (playable MP4). */
async function replay() {
  const rec = join(dir, 'rec');
  const srv = await child('./servers/media-zhibo.mjs', ['--record', rec], 0);
  try {
    const got = new Promise((resolve) => srv.c.on('message', (m) => m.replay && resolve(m.replay)));
    const pub = ffmpeg(['-i', LONG, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${srv.info.rtmpPort}/live/replay`]);
    const t0 = performance.now();
    const pr = await pub.done;
    if (pr.code !== 0) throw new Error(`publishing the 10-minute FLV failed: ${pr.err}`);
    const pushSec = (performance.now() - t0) / 1000;
    const e = await Promise.race([got, sleep(120_000).then(() => ({ error: 'no recordingReady within 120 s' }))]);
    if (e.error) throw new Error(e.error);
    const probeT = performance.now();
    const streams = ffprobe(e.file, 'stream=codec_name');
    const probeMs = performance.now() - probeT;
    const r = {
      endToReadyMs: e.endToReadyMs,
      durationSec: e.durationSec,
      streams: streams?.split('\n').join('+') ?? 'unreadable',
      probeMs,
      pushSec,
      mp4Bytes: statSync(e.file).size,
    };
    // bare remux of the same FLV (what MediaServer runs at End), for comparison
    const t1 = performance.now();
    const bare = await remuxFlvToMp4(LONG, { keepFlv: true });
    r.bareRemuxMs = performance.now() - t1;
    r.flvBytes = statSync(LONG).size;
    r.bareDurationSec = bare.durationSec;
    log(
      `replay: 10-minute live (${(r.flvBytes / 1e6).toFixed(0)} MB FLV, pushed in ${pushSec.toFixed(1)} s): End → playable MP4 ${(r.endToReadyMs / 1000).toFixed(2)} s ` +
        `(MP4 ${(r.mp4Bytes / 1e6).toFixed(0)} MB, duration ${r.durationSec.toFixed(1)} s, ${r.streams}); bare remuxFlvToMp4 ${(r.bareRemuxMs / 1000).toFixed(2)} s; ffprobe of the result ${probeMs.toFixed(0)} ms`,
    );
    return r;
  } finally {
    await srv.stop();
  }
}

const fmt = (v, d = 1) => (v === undefined || v === null || !Number.isFinite(v) ? '-' : v.toFixed(d));
const ratio = (a, b, d = 2) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(d)}×` : '-');

function maxViewers(r) {
  if (!r.steps?.length) return { n: NaN, text: '-' };
  let best = 0;
  for (const s of r.steps) {
    if (!s.ok) break;
    best = s.n;
  }
  const all = r.steps.every((s) => s.ok);
  const last = r.steps.at(-1);
  const loadBound = r.steps.find((s) => !s.ok)?.loadPct >= 95;
  return {
    n: best,
    text: `${all && last.n === STEPS.at(-1) ? '≥ ' : ''}${best || `< ${r.steps[0].n}`}${loadBound ? ' (load gen saturated)' : ''}`,
  };
}

function report() {
  const o = results.ours;
  const o20 = results.ours20;
  const p = results.nms;
  const step = (r, n) => r.steps?.find((s) => s.n === n);
  const rows = [];
  const row = (metric, ours, peer, r, target) => rows.push({ metric, ours, peer, ratio: r, target });
  for (const n of PER_VIEWER_STEPS) {
    const a = step(o, n);
    const b = step(p, n);
    row(
      `fan-out CPU, ms per viewer-second @ ${n}`,
      fmt(a?.perViewer, 3),
      fmt(b?.perViewer, 3),
      ratio(a?.perViewer, b?.perViewer),
      '≤ 0.5×',
    );
  }
  const c20 = step(o20, 1000);
  const b1 = step(p, 1000);
  row('  same @ 1000, ours with batchMs 20', fmt(c20?.perViewer, 3), fmt(b1?.perViewer, 3), ratio(c20?.perViewer, b1?.perViewer), '≤ 0.5×');
  for (const n of PER_VIEWER_STEPS) {
    const a = step(o, n);
    const b = step(p, n);
    row(`server CPU @ ${n} viewers, % of one core`, fmt(a?.cpuPct, 0), fmt(b?.cpuPct, 0), ratio(a?.cpuPct, b?.cpuPct), '-');
  }
  const a1 = step(o, 1000);
  const mbps = (x) => (x ? `${fmt(x.avgBps / 1e6, 2)} / ${fmt(x.p5Bps / 1e6, 2)}` : '-');
  row('delivered Mbps per viewer @ 1000 (avg / p5)', mbps(a1), mbps(b1), '-', `≈ ${(results.env.inputBps / 1e6).toFixed(2)} (input)`);
  const mo = maxViewers(o);
  const m20 = maxViewers(o20);
  const mp = maxViewers(p);
  row('viewers on one core, bitrate ≥ 95 % (batchMs 0)', mo.text, mp.text, ratio(mo.n, mp.n, 1), 'ours ≥ 5000');
  row('  same, ours with batchMs 20', m20.text, mp.text, ratio(m20.n, mp.n, 1), 'ours ≥ 5000');
  const lo = o.latency;
  const l20 = o20.latency;
  const lp = p.latency;
  row(`added latency p50, ms @ ${lo?.connected ?? LAT_N} viewers (batchMs 0)`, fmt(lo?.p50), fmt(lp?.p50), ratio(lo?.p50, lp?.p50), '-');
  row(
    `added latency p95, ms @ ${lo?.connected ?? LAT_N} viewers (batchMs 0)`,
    fmt(lo?.p95),
    fmt(lp?.p95),
    ratio(lo?.p95, lp?.p95),
    '≤ 50 ms',
  );
  row('  p50 / p95 with batchMs 20', l20 ? `${fmt(l20.p50)} / ${fmt(l20.p95)}` : '-', '-', '-', '≤ 70 ms (p95)');
  row(
    'new viewer: first byte, p50 ms (20 tries)',
    fmt(o.ttff?.firstByteP50),
    fmt(p.ttff?.firstByteP50),
    ratio(o.ttff?.firstByteP50, p.ttff?.firstByteP50),
    '-',
  );
  row(
    'new viewer: first keyframe tag, p50 ms',
    fmt(o.ttff?.keyframeP50),
    fmt(p.ttff?.keyframeP50),
    ratio(o.ttff?.keyframeP50, p.ttff?.keyframeP50),
    '< 300 ms',
  );
  const rp = o.replay;
  row('replay ready: 10-min live, End → playable MP4, s', fmt(rp ? rp.endToReadyMs / 1000 : NaN, 2), '-', '-', '≤ 5 s');
  row('  bare remuxFlvToMp4 (ffmpeg -c copy + ffprobe), s', fmt(rp ? rp.bareRemuxMs / 1000 : NaN, 2), '-', '-', '-');
  return rows;
}

/** Average time the server waited for a CPU (run queue) per second of measurement: how contended the machine was. */
function contention(r) {
  const ws = (r.steps ?? []).filter((s) => Number.isFinite(s.serverWaitMs));
  const lat = r.latency && Number.isFinite(r.latency.serverWaitMs) ? r.latency.serverWaitMs / r.latency.seconds : NaN;
  const fan = ws.length ? ws.reduce((a, s) => a + s.serverWaitMs / s.seconds, 0) / ws.length : NaN;
  return `fan-out ${fmt(fan, 0)} ms/s, latency run ${fmt(lat, 0)} ms/s`;
}

const env = () =>
  `${NCPU} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
try {
  results.env.before = env();
  log(
    `node ${process.version}; ${results.env.before}; ${PIN ? 'server pinned to CPU 0, load generator + publisher to CPU 1 (taskset)' : 'no pinning'}`,
  );
  await prepare();
  if (ONLY.includes('fanout') || ONLY.includes('ttff')) {
    for (const kind of KINDS) await fanout(kind);
  }
  if (ONLY.includes('latency')) {
    for (const kind of KINDS) results[kind].latency = await latency(kind);
  }
  if (ONLY.includes('replay')) results.ours.replay = await replay();
  results.env.after = env();
  const rows = report();
  console.log(
    `\nnpm run bench -- media   (zhibo MediaServer vs node-media-server ${results.nms.version ?? '4.4.3'}; loopback; node ${process.version})`,
  );
  console.log(
    `stream: 1280x720 25 fps H.264 1.5 Mbps CBR + AAC 128 kbps, 2 s GOP → ${(results.env.inputBps / 1e6).toFixed(3)} Mbps of FLV; ffmpeg -re -stream_loop -1 -c copy`,
  );
  console.log(`machine: ${results.env.before} → ${results.env.after}`);
  console.log(
    PIN
      ? 'server pinned to CPU 0; load generator and publisher to CPU 1 (other processes on the machine are not pinned away)'
      : `no pinning: the load generator competes with the server for ${NCPU} core(s)`,
  );
  console.log(
    `limits: bitrate ≥ ${BITRATE_OK * 100} % of input and server CPU < ${CPU_SATURATED * 100} % of one core; CPU per viewer-second = (window CPU − 0-viewer baseline) / (N × window)\n`,
  );
  console.log(table(rows));
  const over = (name, r) => {
    const f = r.steps?.find((x) => !x.ok);
    return `${name} ${f ? `${f.n} (CPU ${fmt(f.cpuPct, 0)} %, bitrate ${fmt((f.avgBps / results.env.inputBps) * 100, 1)} %, load gen CPU ${fmt(f.loadPct, 0)} %)` : 'none'}`;
  };
  console.log(
    `\nfirst ramp step over the limit: ${over('ours', results.ours)}; ${over('ours batchMs 20', results.ours20)}; ${over('peer', results.nms)}`,
  );
  console.log(
    `server waited for a CPU (run queue, /proc/PID/task/*/schedstat): ours ${contention(results.ours)}; ours batchMs 20 ${contention(results.ours20)}; peer ${contention(results.nms)}`,
  );
  if (process.argv.includes('--json')) console.log(`\n${JSON.stringify(results, null, 1)}`);
} finally {
  killAll();
  rmSync(dir, { recursive: true, force: true });
}
