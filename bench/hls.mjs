// npm run bench -- hls   (or: node bench/hls.mjs [--seconds 60] [--no-pin] [--json])
// CPU of HLS packaging per live stream: our in-process LL-HLS packager against the ffmpeg process it replaced.
// The stream is the media bench's: 1280x720 25 fps H.264 (1.5 Mbps CBR, 2 s GOP) + AAC, 20 s encoded once and
// published in a loop with `ffmpeg -re -stream_loop -1 -c copy`. Measures, each for --seconds (default 60):
//   1. ours: the MediaServer child (bench/servers/media-zhibo.mjs) with one publisher, LL-HLS on and then off;
//      the packager's cost is the difference (utime+stime from /proc/PID/stat);
//   2. ffmpeg: the old command (`ffmpeg -f flv -i pipe:0 -c copy -f hls -hls_time 1 …`, TS files on disk) fed the
//      same FLV through a pipe at the same pace; its own CPU;
//   3. the packager alone in this process (FLV → segments/parts/playlist, no I/O), as fast as it goes: CPU ms per
//      second of media — a figure that does not depend on how busy the machine is.
// Loopback only; kills only the children it started (by PID); about 4 minutes. Not a test.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SECONDS = Number(arg('seconds', '60'));
const dist = new URL('../packages/media/dist/', import.meta.url);
if (!existsSync(new URL('index.js', dist))) {
  console.error('bench hls: build first (npx tsc -b): packages/media/dist is missing');
  process.exit(2);
}
const PIN = !process.argv.includes('--no-pin') && cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const started = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const T0 = performance.now();
const log = (m) => console.error(`[bench hls ${((performance.now() - T0) / 1000).toFixed(0).padStart(3)}s] ${m}`);
const pin = (pid, cpu) => PIN && spawnSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
const track = (c) => {
  started.add(c);
  c.once('exit', () => started.delete(c));
  return c;
};
process.on('exit', () => {
  for (const c of started) {
    try {
      if (c.pid) process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** CPU ms (user + system, all threads) a process has used so far. */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICK;
}

async function measure(pid) {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const ms = cpuMs(pid) - c0;
  return { cpuMs: ms, pct: (ms / (performance.now() - t0)) * 100 };
}

function ffmpeg(args, opts = {}) {
  const p = track(
    spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: opts.stdio ?? ['ignore', 'ignore', 'pipe'] }),
  );
  let err = '';
  p.stderr?.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
  const done = new Promise((resolve) => p.once('exit', (code) => resolve({ code, err })));
  return { p, done };
}

const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-hls-'));
const STREAM = join(dir, 'stream-720p.flv');
const results = { seconds: SECONDS, loadavgBefore: loadavg().map((x) => +x.toFixed(2)) };

async function prepare() {
  log('encoding the test stream (20 s, 1280x720 25 fps, 1.5 Mbps CBR H.264 + AAC, 2 s GOP)');
  const r = await ffmpeg([
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
  ]).done;
  if (r.code !== 0) throw new Error(`ffmpeg: ${r.err}`);
}

/** Our server with one publisher: CPU over the window, HLS on or off. */
async function ours(hls) {
  const c = track(
    fork(new URL('./servers/media-zhibo.mjs', import.meta.url), hls ? ['--hls'] : [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const info = await new Promise((resolve, reject) => {
    c.once('message', resolve);
    c.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  pin(info.pid, 0);
  const pub = ffmpeg([
    '-re',
    '-stream_loop',
    '-1',
    '-i',
    STREAM,
    '-c',
    'copy',
    '-f',
    'flv',
    `rtmp://127.0.0.1:${info.rtmpPort}/live/bench`,
  ]);
  pin(pub.p.pid, 1);
  try {
    await sleep(5000);
    if (hls) {
      const r = await fetch(`http://127.0.0.1:${info.httpPort}/live/bench/index.m3u8`);
      if (r.status !== 200) throw new Error(`no playlist: ${r.status}`);
    }
    const w = await measure(info.pid);
    if (hls) {
      const pl = await (await fetch(`http://127.0.0.1:${info.httpPort}/live/bench/index.m3u8`)).text();
      w.segments = (pl.match(/#EXTINF/g) ?? []).length;
      w.parts = (pl.match(/#EXT-X-PART:/g) ?? []).length;
    }
    log(
      `ours, HLS ${hls ? 'on' : 'off'}: server ${w.cpuMs.toFixed(0)} ms CPU in ${SECONDS} s (${w.pct.toFixed(2)} % of a core)${hls ? `; playlist: ${w.segments} segments, ${w.parts} parts listed` : ''}`,
    );
    return w;
  } finally {
    pub.p.kill('SIGKILL');
    c.kill('SIGKILL');
  }
}

/** The replaced packager: ffmpeg -f flv -i pipe:0 -c copy -f hls …, fed the same stream at the same pace. */
async function oldFfmpeg() {
  const out = join(dir, 'hls');
  rmSync(out, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', out]);
  const hlsArgs = [
    '-f',
    'flv',
    '-i',
    'pipe:0',
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_list_size',
    '6',
    '-hls_flags',
    'delete_segments+program_date_time+independent_segments+omit_endlist',
    '-hls_segment_filename',
    join(out, 'seg-%d.ts'),
    join(out, 'index.m3u8'),
  ];
  const hls = ffmpeg(hlsArgs, { stdio: ['pipe', 'ignore', 'pipe'] });
  const feed = ffmpeg(['-re', '-stream_loop', '-1', '-i', STREAM, '-c', 'copy', '-f', 'flv', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  feed.p.stdout.pipe(hls.p.stdin);
  hls.p.stdin.on('error', () => {});
  pin(hls.p.pid, 0);
  pin(feed.p.pid, 1);
  try {
    await sleep(5000);
    const w = await measure(hls.p.pid);
    w.files = readdirSync(out).length;
    log(
      `ffmpeg HLS process: ${w.cpuMs.toFixed(0)} ms CPU in ${SECONDS} s (${w.pct.toFixed(2)} % of a core); ${w.files} files in its directory`,
    );
    return w;
  } finally {
    feed.p.kill('SIGKILL');
    hls.p.kill('SIGKILL');
  }
}

/** The packager alone: the 20 s FLV through FlvTagReader → Segmenter → LlHlsStream, looped to 10 minutes of media. */
async function alone() {
  const { FlvTagReader } = await import(new URL('hls/flv-reader.js', dist));
  const { Segmenter } = await import(new URL('hls/segmenter.js', dist));
  const { LlHlsStream } = await import(new URL('hls/hls-stream.js', dist));
  const flv = readFileSync(STREAM);
  const loops = 30;
  const run = () => {
    const out = new LlHlsStream({ prefix: 'b', firstMsn: 0 });
    const seg = new Segmenter(out);
    let offset = 0;
    let last = 0;
    const reader = new FlvTagReader((type, ts, p) => {
      last = ts;
      const t = ts + offset;
      if (type === 9 && p[1] === 0) seg.setVideoConfig(p.subarray(5));
      else if (type === 9 && p[1] === 1) seg.pushVideo(t, (p.readUIntBE(2, 3) << 8) >> 8, p[0] >> 4 === 1, p.subarray(5));
      else if (type === 8 && p[1] === 0) seg.setAudioConfig(p.subarray(2));
      else if (type === 8 && p[1] === 1) seg.pushAudio(t, p.subarray(2));
    });
    for (let i = 0; i < loops; i++) {
      // the FLV header once, then the file's tags again and again with shifted timestamps, in 64 KiB writes
      for (let o = i === 0 ? 0 : 13; o < flv.length; o += 64 << 10) reader.push(flv.subarray(o, Math.min(flv.length, o + (64 << 10))));
      offset += last + 40;
      void out.request('index.m3u8'); // one playlist render per loop, as a client would cause
    }
    seg.end();
    out.end();
    return out;
  };
  run(); // warm up
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = run();
  const cpu = process.cpuUsage(c0);
  const mediaSec = loops * 20;
  const r = { mediaSec, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, ...out.stats() };
  r.msPerMediaSecond = r.cpuMs / mediaSec;
  log(
    `packager alone: ${mediaSec} s of media in ${r.cpuMs.toFixed(0)} ms CPU = ${r.msPerMediaSecond.toFixed(3)} ms per media second (${(r.msPerMediaSecond / 10).toFixed(3)} % of a core per stream); window ${r.segments} segments, ${(r.bytes / 1e6).toFixed(1)} MB`,
  );
  return r;
}

try {
  log(
    `node ${process.version}; ${cpus().length} cores; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${PIN ? 'server/HLS ffmpeg on CPU 0, publisher on CPU 1' : 'not pinned'}`,
  );
  await prepare();
  results.alone = await alone();
  results.oursOn = await ours(true);
  results.oursOff = await ours(false);
  results.ffmpeg = await oldFfmpeg();
  results.loadavgAfter = loadavg().map((x) => +x.toFixed(2));
  const pct = (w) => `${w.pct.toFixed(2)} %`;
  const diff = results.oursOn.cpuMs - results.oursOff.cpuMs;
  console.log(
    `\nHLS packaging CPU per stream (720p25 1.5 Mbps + AAC 128 kbps, ${SECONDS} s windows; load average before ${results.loadavgBefore.join(' ')}, after ${results.loadavgAfter.join(' ')})\n`,
  );
  console.log(
    table([
      { what: 'ours: server with LL-HLS on (1 publisher)', 'CPU ms': results.oursOn.cpuMs.toFixed(0), '% of a core': pct(results.oursOn) },
      { what: 'ours: same server, HLS off', 'CPU ms': results.oursOff.cpuMs.toFixed(0), '% of a core': pct(results.oursOff) },
      {
        what: 'ours: LL-HLS packager (on − off)',
        'CPU ms': diff.toFixed(0),
        '% of a core': `${((diff / (SECONDS * 1000)) * 100).toFixed(2)} %`,
      },
      {
        what: 'ours: packager alone, no I/O (per media second)',
        'CPU ms': `${(results.alone.msPerMediaSecond * SECONDS).toFixed(0)}`,
        '% of a core': `${(results.alone.msPerMediaSecond / 10).toFixed(3)} %`,
      },
      { what: 'replaced: ffmpeg -c copy -f hls process', 'CPU ms': results.ffmpeg.cpuMs.toFixed(0), '% of a core': pct(results.ffmpeg) },
    ]),
  );
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
