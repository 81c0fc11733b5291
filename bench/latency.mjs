// npm run bench -- latency   (or: node bench/latency.mjs [--rounds 2] [--joins 4] [--seconds 8] [--paths a,b,…]
//                              [--variants b0,b40,nagle] [--room-targets 0.3,0.8] [--size 640x360] [--gop 2]
//                              [--bitrate 800k] [--hls-config JSON] [--json])
// Glass to glass: one ffmpeg publisher (bench/glass/publisher.mjs) burns its capture wall-clock into every frame as a
// time code (bench/glass/code.mjs) and publishes one encode to zhibo, node-media-server 4.4.3 and nginx-rtmp at once;
// Debian's Chromium (playwright-core) shows each delivery path in turn and reads the code of every presented frame at
// requestVideoFrameCallback (bench/glass/page.mjs). Latency = display wall-clock − capture wall-clock (same clock).
// Each path is joined --joins times per round, at phases spread evenly over the GOP (0, ½ s, 1 s, 1½ s after a
// keyframe's capture with the defaults: where a viewer lands in the GOP decides what the GOP cache hands it); each join
// is measured for --seconds from its first displayed frame; a round's figures pool its joins. Rounds repeat every path
// in the same order and phases. A raw HTTP-FLV probe per FLV server measures the latency to the socket (no player).
// --variants adds room-page rows on extra zhibo servers (bN = ZHIBO_MEDIA_BATCH_MS N, nagle = Nagle left on);
// --room-targets adds room-page rows with ?latency=SEC. Loopback only; every process it starts is stopped (by PID);
// bounded (≈ 11 min by default, hard limit 30 min). Not a test.
import { fork, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { launchBrowser } from '../packages/testkit/dist/browser.js';
import { startNginxRtmp } from './glass/nginx.mjs';
import { METER_SCRIPT, servePlayerPage, startPlayer } from './glass/page.mjs';
import { pathTable, ratioTable, socketStats } from './glass/report.mjs';
import { pool, summarizeJoin } from './glass/stats.mjs';
import { table } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const list = (s) => (s ? s.split(',').filter(Boolean) : []);
const ROUNDS = Number(arg('rounds', '2'));
const JOINS = Number(arg('joins', '4'));
const SECONDS = Number(arg('seconds', '8'));
const SIZE = arg('size', '640x360');
const FPS = 25;
const GOP = Number(arg('gop', '2'));
const BITRATE = arg('bitrate', '800k');
const HARD_LIMIT_MS = 30 * 60_000;
/** mpegts.js with its latency chasing (seeks when more than 1.5 s behind, to 0.5 s before the buffer's end) */
const CHASE = { enableStashBuffer: false, liveBufferLatencyChasing: true };
/** hls.js as the room page configures it (packages/sdk/src/player.ts); the HLS rows are a URL + this config */
const HLS_CONFIG = JSON.parse(arg('hls-config', '{"lowLatencyMode":true,"maxLiveSyncPlaybackRate":1.5,"backBufferLength":10}'));
const STREAM = 'glass';

const PATHS = {
  room: { label: 'zhibo room page (/room/, HTTP-FLV)', server: 'zhibo', kind: 'room', url: (z) => `${z.http}/room/?room_id=${z.roomId}` },
  'room-ws': {
    label: 'zhibo room page, ?player=wsflv',
    server: 'zhibo',
    kind: 'room',
    url: (z) => `${z.http}/room/?room_id=${z.roomId}&player=wsflv`,
  },
  flv: {
    label: 'zhibo HTTP-FLV, mpegts.js defaults',
    server: 'zhibo',
    kind: 'mpegts',
    url: (z) => `${z.http}/live/${z.roomId}.flv`,
    config: null,
  },
  'flv-chase': {
    label: 'zhibo HTTP-FLV, mpegts.js chasing',
    server: 'zhibo',
    kind: 'mpegts',
    url: (z) => `${z.http}/live/${z.roomId}.flv`,
    config: CHASE,
  },
  wsflv: {
    label: 'zhibo WS-FLV, mpegts.js chasing',
    server: 'zhibo',
    kind: 'mpegts',
    url: (z) => `${z.http.replace(/^http/, 'ws')}/live/${z.roomId}.flv`,
    config: CHASE,
  },
  hls: {
    label: 'zhibo HLS, hls.js',
    server: 'zhibo',
    kind: 'hls',
    url: (z) => `${z.http}/live/${z.roomId}/index.m3u8`,
    config: HLS_CONFIG,
  },
  nms: {
    label: 'NMS 4.4.3 HTTP-FLV, mpegts.js defaults',
    server: 'nms',
    kind: 'mpegts',
    url: (n) => `http://127.0.0.1:${n.httpPort}/live/${STREAM}.flv`,
    config: null,
  },
  'nms-chase': {
    label: 'NMS 4.4.3 HTTP-FLV, mpegts.js chasing',
    server: 'nms',
    kind: 'mpegts',
    url: (n) => `http://127.0.0.1:${n.httpPort}/live/${STREAM}.flv`,
    config: CHASE,
  },
  'nginx-hls': {
    label: 'nginx-rtmp HLS (1 s fragments), hls.js',
    server: 'nginx',
    kind: 'hls',
    url: (g) => g.hlsUrl(STREAM),
    config: HLS_CONFIG,
  },
};
const RATIOS = [
  ['room', 'nms-chase'],
  ['room-ws', 'nms-chase'],
  ['flv', 'nms'],
  ['flv-chase', 'nms-chase'],
  ['wsflv', 'nms-chase'],
  ['hls', 'nginx-hls'],
];
const VARIANT_ARGS = { nagle: ['--nagle'] };
const variantArgs = (v) =>
  v.split('+').flatMap(
    (p) =>
      VARIANT_ARGS[p] ??
      (/^b\d+$/.test(p)
        ? ['--batch-ms', p.slice(1)]
        : (() => {
            throw new Error(`unknown variant ${p} (bN, nagle, bN+nagle)`);
          })()),
  );

const paths = list(arg('paths', 'room,flv,flv-chase,wsflv,hls,nms,nms-chase,nginx-hls'));
for (const p of paths) if (!PATHS[p]) throw new Error(`unknown path ${p}; one of ${Object.keys(PATHS).join(', ')}`);
const variants = list(arg('variants', ''));
const targets = list(arg('room-targets', '')).map(Number);
// Rows: [id, path, zhibo instance key, extra query]
const rows = paths.map((p) => ({ id: p, path: PATHS[p], inst: PATHS[p].server === 'zhibo' ? 'zhibo' : PATHS[p].server }));
for (const v of variants) rows.push({ id: `room [${v}]`, path: PATHS.room, inst: `zhibo:${v}` });
for (const t of targets) rows.push({ id: `room [latency=${t}]`, path: PATHS.room, inst: 'zhibo', query: `&latency=${t}` });

const T0 = performance.now();
const log = (m) => console.error(`[bench latency ${((performance.now() - T0) / 1000).toFixed(0).padStart(3)}s] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const started = new Set();
const track = (c) => {
  started.add(c);
  c.once('exit', () => started.delete(c));
  return c;
};
const killAll = () => {
  for (const c of started) {
    try {
      if (c.pid && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
};
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
const hardLimit = setTimeout(() => {
  log(`hard limit of ${HARD_LIMIT_MS / 60_000} min reached: stopping`);
  process.exit(3);
}, HARD_LIMIT_MS);
hardLimit.unref();

/** Fork a child; resolves with its first IPC message. stop() sends 'stop' and SIGKILLs after `killAfterMs`. */
async function child(script, args = [], killAfterMs = 5000) {
  const c = track(fork(new URL(script, import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const info = await new Promise((resolve, reject) => {
    c.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
    c.once('message', resolve);
  });
  const stop = async () => {
    if (c.exitCode !== null || c.signalCode) return;
    const exited = new Promise((r) => c.once('exit', r));
    try {
      c.send('stop');
    } catch {
      /* channel gone */
    }
    const t = setTimeout(() => c.pid && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), killAfterMs);
    await exited;
    clearTimeout(t);
  };
  return { c, info, stop };
}

async function waitFor(what, fn, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${ms / 1000} s`);
    await sleep(250);
  }
}
const fetchOk = async (url) => (await fetch(url)).ok;

const version = (cmd, args, re) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.match(re)?.[1] ?? '?';
};
const machine = () =>
  `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
const nmsVersion = createRequire(import.meta.url)('node-media-server/package.json').version;

const servers = {};
const stops = [];
let browser;
let playerPage;
let publisher;
try {
  const env = {
    before: machine(),
    node: process.version,
    chromium: version('/usr/bin/chromium', ['--version'], /Chromium ([\d.]+)/),
    ffmpeg: version('ffmpeg', ['-version'], /ffmpeg version (\S+)/),
    nginx: version('/usr/sbin/nginx', ['-v'], /nginx\/([\d.]+)/),
    nms: nmsVersion,
  };
  log(`node ${env.node}, Chromium ${env.chromium}, ffmpeg ${env.ffmpeg}, nginx ${env.nginx}, NMS ${env.nms}; ${env.before}`);
  const insts = [...new Set(rows.map((r) => r.inst))];
  const push = [];
  for (const inst of insts) {
    if (inst.startsWith('zhibo')) {
      const v = inst.split(':')[1];
      const z = await child('./servers/glass-zhibo.mjs', v ? variantArgs(v) : [], 15_000);
      stops.push(async () => {
        await z.stop();
        rmSync(z.info.dataDir, { recursive: true, force: true }); // also when the child had to be killed
      });
      servers[inst] = z.info;
      push.push(z.info.pushAddr);
      log(`zhibo${v ? ` [${v}]` : ''}: ${z.info.http} (batch ${z.info.batchMs} ms), room ${z.info.roomId}`);
    } else if (inst === 'nms') {
      const n = await child('./servers/media-nms.mjs');
      stops.push(n.stop);
      servers.nms = n.info;
      push.push(`rtmp://127.0.0.1:${n.info.rtmpPort}/live/${STREAM}`);
    } else if (inst === 'nginx') {
      const g = await startNginxRtmp(track);
      stops.push(g.stop);
      servers.nginx = g;
      push.push(g.rtmpUrl(STREAM));
    }
  }
  publisher = await child('./glass/publisher.mjs', [
    '--size',
    SIZE,
    '--fps',
    String(FPS),
    '--gop',
    String(GOP),
    '--bitrate',
    BITRATE,
    ...push.flatMap((u) => ['--url', u]),
  ]);
  publisher.c.on('message', (m) => m.exited && log(`publisher exited ${m.code}: ${m.err}`));
  stops.unshift(publisher.stop);
  const t0Wall = publisher.info.t0Wall;
  log(`publishing ${SIZE} ${FPS} fps, GOP ${GOP} s, ${BITRATE} to ${push.length} servers`);
  for (const inst of insts) {
    const s = servers[inst];
    if (inst.startsWith('zhibo')) await waitFor(`${inst} HLS`, () => fetchOk(`${s.http}/live/${s.roomId}/index.m3u8`));
    if (inst === 'nginx') await waitFor('nginx-rtmp HLS', () => fetchOk(s.hlsUrl(STREAM)));
  }
  const flvUrls = Object.fromEntries(
    insts
      .filter((k) => k.startsWith('zhibo') || k === 'nms')
      .map((k) => [k, k === 'nms' ? PATHS.nms.url(servers.nms) : PATHS.flv.url(servers[k])]),
  );
  const probe = await child('./glass/flv-probe.mjs', Object.values(flvUrls));
  stops.unshift(probe.stop);
  browser = await launchBrowser();
  const context = await browser.browser.newContext({ viewport: { width: 800, height: 600 } });
  await context.addInitScript({ content: METER_SCRIPT });
  playerPage = await servePlayerPage();

  async function join(row, phaseMs) {
    const gopMs = GOP * 1000;
    const wait = (((phaseMs - (Date.now() - t0Wall)) % gopMs) + gopMs) % gopMs;
    await sleep(wait);
    const page = await context.newPage();
    let state;
    try {
      const url = row.path.url(servers[row.inst]) + (row.query ?? '');
      if (row.path.kind === 'room') await page.goto(url);
      else {
        await page.goto(playerPage.url);
        await page.evaluate(startPlayer, { kind: row.path.kind, url, config: row.path.config });
      }
      await page.waitForFunction(() => globalThis.__glass?.state.frames.length > 0, undefined, { timeout: 30_000 });
      await sleep(SECONDS * 1000 + 300);
      state = await page.evaluate(() => globalThis.__glass.state);
    } catch (e) {
      log(`${row.id}: join failed: ${e.message.split('\n')[0]}`);
      state = { frames: [], bad: 0, waiting: [], probes: [], seeks: 0 };
    } finally {
      await page.close().catch(() => {});
    }
    return summarizeJoin(state, SECONDS * 1000, 1000 / FPS);
  }

  const results = rows.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, row] of rows.entries()) {
      const joins = [];
      for (let j = 0; j < JOINS; j++) {
        const phase = Math.round((j / JOINS) * GOP * 1000); // the same phases every round: rounds are repeats
        const s = await join(row, phase);
        joins.push(s);
        log(
          `round ${r + 1} ${row.id} join at GOP+${phase} ms: ${s.ok ? `median ${s.median} ms, p95 ${s.p95}, first ${s.first}, settled after ${s.settleMs} ms, ttff ${s.ttffMs} ms, waiting ${s.waiting}, freezes ${s.freezes} (${s.frozenMs} ms), skipped ${s.skipped}, ahead ${s.aheadMs} ms, rate>1 ${s.fasterPct.toFixed(0)} %` : 'no frames'}${s.bad ? `, ${s.bad} unreadable` : ''}`,
        );
      }
      results[i].push(pool(joins));
    }
  }
  env.after = machine();
  const ask = (c, msg, key) =>
    new Promise((res) => {
      const on = (m) => m[key] && (c.c.off('message', on), res(m[key]));
      c.c.on('message', on);
      c.c.send(msg);
    });
  const pub = await ask(publisher, 'stats', 'stats');
  const rep = await ask(probe, 'report', 'report');
  const sockets = Object.entries(flvUrls).map(([inst, url]) => {
    const st = socketStats(rep[url]?.tags, pub.captures, 1000 / FPS);
    const server =
      inst === 'nms' ? `NMS ${env.nms}` : inst === 'zhibo' ? `zhibo (batch ${servers.zhibo.batchMs} ms)` : `zhibo [${inst.slice(6)}]`;
    return {
      server,
      'video frames': st?.n ?? 0,
      'median ms': st?.median ?? '-',
      'p95 ms': st?.p95 ?? '-',
      'max ms': st?.max ?? '-',
      error: rep[url]?.error ?? '',
    };
  });

  console.log(`\nnpm run bench -- latency   (glass to glass; ${ROUNDS} rounds × ${JOINS} joins × ${SECONDS} s per path; loopback)`);
  console.log(
    `stream: ${SIZE} ${FPS} fps, libx264 veryfast zerolatency ${BITRATE} CBR, GOP ${GOP} s, AAC 64k; one encode teed to every server; ${pub.frames} frames, ${pub.late} slots skipped by a late publisher`,
  );
  console.log(
    `software: node ${env.node}, Chromium ${env.chromium} (headless, software compositing), ffmpeg ${env.ffmpeg}, nginx ${env.nginx} + nginx-rtmp, NMS ${env.nms}`,
  );
  console.log(`machine: ${env.before} → ${env.after}`);
  console.log(
    "latency = display wall-clock − capture wall-clock of every presented frame in the window; first frame: per join; settle: first frame → first frame within 150 ms of the join's median;",
  );
  console.log(
    'freezes: a frame held ≥ 200 ms; waiting: media element waiting events; skipped: frames never shown (jumps, drops); buffer: median buffered ahead of the playhead; rate>1: share of time sped up\n',
  );
  console.log(table(pathTable(rows, results)));
  const ratios = ratioTable(rows, results, RATIOS);
  if (ratios.length) console.log(`\n${table(ratios)}`);
  console.log(
    '\nto a raw HTTP-FLV socket (no player; whole run, first 3 s of the connection left out): arrival of a video tag − capture of its frame',
  );
  console.log(table(sockets));
  if (process.argv.includes('--json'))
    console.log(`\n${JSON.stringify({ env, sockets, rows: rows.map((r, i) => ({ id: r.id, results: results[i] })) }, null, 1)}`);
} finally {
  await browser?.close().catch(() => {});
  await playerPage?.close();
  for (const stop of stops) await stop().catch(() => {});
  killAll();
}
