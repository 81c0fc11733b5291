// npm run bench -- whip   (or: node bench/whip.mjs [--part cpu|latency|both] [--publishers 3] [--seconds 20] [--no-pin]
//                          [--rounds 2] [--joins 3] [--join-seconds 8] [--bitrate 800k])
// Two parts. LATENCY (bench/whip-glass/latency.mjs): glass to glass WHIP → HTTP-FLV vs RTMP → HTTP-FLV in Chromium,
// with the latency bench's time code (bench/glass) burned into every frame at capture.
// CPU: a WHIP publisher vs an RTMP publisher of the same bitrate, in one MediaServer (its own child process,
// pinned to CPU 0 when taskset and ≥ 2 cores are there; publishers on CPU 1). The same pictures for both: one
// 1280x720 25 fps H.264 (constrained baseline, 1.5 Mbps CBR, 2 s GOP, no B-frames) encoded once, with Opus
// 64 kb/s (WHIP, MPEG-TS sent as RTP by ffmpeg -c copy through a werift peer) or AAC 128 kb/s (RTMP, FLV
// published by ffmpeg -re -c copy). For each protocol: N publishers, a warm-up, then a window in which the
// server's CPU (/proc/PID/stat) and that of its Opus→AAC ffmpeg children are sampled; minus the idle baseline,
// divided by N. No viewers (their cost is the same for both). Loopback only; kills only what it started. Not a test.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const PART = arg('part', 'both');
const N = Number(arg('publishers', '3'));
const WINDOW = Number(arg('seconds', '20'));
const WARM = 6;
const CLK_TCK = 100;
const PIN = !process.argv.includes('--no-pin') && cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
if (!existsSync(new URL('../packages/media/dist/index.js', import.meta.url))) {
  console.error('bench whip: build first (npx tsc -b)');
  process.exit(2);
}
const started = new Set();
const track = (c) => (started.add(c), c.once('exit', () => started.delete(c)), c);
process.on('exit', () => {
  for (const c of started)
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.error(`[bench whip] ${m}`);
const pin = (pid, cpu) => PIN && spawnSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });

function ticks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}
function children(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}
/** CPU (percent of one core) of the server and of its children over `seconds`. */
async function window(serverPid, seconds) {
  const kids = children(serverPid);
  const t0 = [ticks(serverPid), kids.map(ticks)];
  await sleep(seconds * 1000);
  const t1 = [ticks(serverPid), kids.map(ticks)];
  const pct = (a, b) => ((b - a) / CLK_TCK / seconds) * 100;
  return { server: pct(t0[0], t1[0]), children: kids.reduce((s, _k, i) => s + pct(t0[1][i], t1[1][i]), 0), nChildren: kids.length };
}
function ffmpeg(args) {
  const p = track(spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  return { p, done: new Promise((r) => p.once('exit', (code) => r({ code, err }))) };
}
async function fork1(script, args) {
  const c = track(fork(new URL(script, import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const info = await new Promise((resolve, reject) => {
    c.once('message', resolve);
    c.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return { c, info, stop: () => new Promise((r) => (c.exitCode !== null ? r() : (c.once('exit', r), c.send('stop')))) };
}

if (PART === 'latency' || PART === 'both') {
  if (
    !existsSync(new URL('../packages/server/dist/index.js', import.meta.url)) ||
    !existsSync(new URL('./glass/code.mjs', import.meta.url))
  ) {
    console.error("bench whip: the latency part needs the server build (npx tsc -b) and the latency bench's bench/glass");
    process.exit(2);
  }
  const { latencyPart } = await import('./whip-glass/latency.mjs');
  await latencyPart({
    rounds: Number(arg('rounds', '2')),
    joins: Number(arg('joins', '3')),
    seconds: Number(arg('join-seconds', '8')),
    bitrate: arg('bitrate', '800k'),
    log: (m) => log(`latency: ${m}`),
    track,
  });
}
if (PART === 'cpu' || PART === 'both') await cpuPart();

async function cpuPart() {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-whip-'));
  try {
    log('encoding the source once (30 s, 720p25 1.5 Mbps CBR + Opus / AAC)');
    const v = [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      '30',
      '-c:v',
      'libx264',
      '-profile:v',
      'baseline',
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'veryfast',
      '-g',
      '50',
      '-bf',
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
    ];
    const ts = join(dir, 'src.ts');
    const flv = join(dir, 'src.flv');
    for (const [out, audio] of [
      [ts, ['-c:a', 'libopus', '-b:a', '64k', '-ac', '2']],
      [flv, ['-c:a', 'aac', '-b:a', '128k']],
    ]) {
      const r = await ffmpeg([...v, ...audio, out]).done;
      if (r.code !== 0) throw new Error(`ffmpeg: ${r.err}`);
    }
    const server = await fork1('./servers/whip-zhibo.mjs', []);
    const { rtmpPort, httpPort, pid } = server.info;
    pin(pid, 0);
    await sleep(2000);
    const idle = await window(pid, 10);
    log(`idle server: ${idle.server.toFixed(1)} % of a core`);
    const rows = [];
    const results = {};
    for (const proto of ['rtmp', 'whip']) {
      const pubs = [];
      for (let i = 0; i < N; i++) {
        const stream = `${proto}${i}`;
        if (proto === 'rtmp') {
          const f = ffmpeg([
            '-re',
            '-stream_loop',
            '-1',
            '-i',
            flv,
            '-c',
            'copy',
            '-f',
            'flv',
            `rtmp://127.0.0.1:${rtmpPort}/live/${stream}?key=secret`,
          ]);
          pin(f.p.pid, 1);
          pubs.push({
            stop: async () => {
              f.p.kill('SIGKILL');
              await f.done;
            },
          });
        } else {
          let c;
          for (let attempt = 1; !c; attempt++) {
            try {
              c = await fork1('./servers/whip-pub.mjs', [`http://127.0.0.1:${httpPort}/whip/${stream}`, ts]);
            } catch (e) {
              if (attempt === 3) throw e;
              log(`${stream}: ${e.message}; trying again`);
              await sleep(2000);
            }
          }
          pin(c.c.pid, 1);
          pin(c.info.ffmpegPid, 1);
          pubs.push(c);
        }
      }
      await sleep(WARM * 1000);
      const w = await window(pid, WINDOW);
      for (const p of pubs) await p.stop();
      await sleep(3000);
      const node = (w.server - idle.server) / N;
      const trans = w.children / N;
      results[proto] = node + trans;
      rows.push({
        protocol: proto,
        publishers: N,
        'server node % (all)': w.server.toFixed(1),
        'Opus→AAC ffmpeg % (all)': w.children.toFixed(1),
        'node % per publisher': node.toFixed(2),
        'ffmpeg % per publisher': trans.toFixed(2),
        'total % per publisher': (node + trans).toFixed(2),
      });
      log(`${proto}: done`);
    }
    await server.stop();
    console.log(
      `\nCPU per publisher (percent of one core; ${WINDOW} s window after ${WARM} s warm-up; idle server ${idle.server.toFixed(1)} % subtracted; pinned: ${PIN})\n`,
    );
    console.log(table(rows));
    console.log(`\nWHIP / RTMP per publisher: ${(results.whip / results.rtmp).toFixed(1)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
