// The clock publisher of `npm run bench -- latency` (a child process: its pacing does not share an event loop with
// the browser driver). It feeds ffmpeg raw yuv420p frames on stdin and PCM on fd 3, both paced here at the frame
// rate; each frame carries its capture wall-clock (Date.now() when handed to the encoder) as a time code
// (code.mjs). ffmpeg encodes like an anchor's encoder (libx264 veryfast zerolatency, CBR, fixed GOP; AAC) and
// publishes one encode to every RTMP URL through the tee muxer (a failing URL does not stop the others).
// Args: --size 640x360 --fps 25 --gop 2 --bitrate 800k --url rtmp://… (repeatable). IPC: { started, pid, t0Wall }
// once ffmpeg runs, { exited, code, err } if it dies; 'stats' → { stats: { frames, late, captures } } (captures[i]: the
// capture wall-clock of the i-th frame ffmpeg got, i.e. of the frame with pts i/fps); 'stop' ends it.
import { spawn, spawnSync } from 'node:child_process';
import { paintStamp } from './code.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const urls = args.flatMap((a, i) => (a === '--url' ? [args[i + 1]] : []));
const [W, H] = arg('size', '640x360').split('x').map(Number);
const FPS = Number(arg('fps', '25'));
const GOP = Number(arg('gop', '2'));
const BITRATE = arg('bitrate', '800k');
const RATE = 44100;
if (!urls.length || !(W > 0 && H > 0 && FPS > 0 && GOP > 0)) {
  console.error('publisher: need --url and a valid --size/--fps/--gop');
  process.exit(2);
}

// Background: two seconds of testsrc2 (moving, colourful: a realistic load for the encoder), looped.
const FRAME = (W * H * 3) / 2;
const bgN = FPS * 2;
const bg = spawnSync(
  'ffmpeg',
  [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${W}x${H}:rate=${FPS}`,
    '-frames:v',
    String(bgN),
    '-pix_fmt',
    'yuv420p',
    '-f',
    'rawvideo',
    'pipe:1',
  ],
  { maxBuffer: FRAME * bgN + 1 },
);
if (bg.status !== 0 || bg.stdout.length !== FRAME * bgN) {
  console.error(`publisher: could not make the background: ${bg.stderr}`);
  process.exit(1);
}

const tee = urls.map((u) => `[f=flv:onfail=ignore]${u}`).join('|');
const ff = spawn(
  'ffmpeg',
  [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-s',
    `${W}x${H}`,
    '-framerate',
    String(FPS),
    '-thread_queue_size',
    '64',
    '-i',
    'pipe:0',
    '-f',
    's16le',
    '-ar',
    String(RATE),
    '-ac',
    '1',
    '-thread_queue_size',
    '64',
    '-i',
    'pipe:3',
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(FPS * GOP),
    '-keyint_min',
    String(FPS * GOP),
    '-sc_threshold',
    '0',
    '-b:v',
    BITRATE,
    '-maxrate',
    BITRATE,
    '-bufsize',
    BITRATE,
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-flags',
    '+global_header',
    '-flush_packets',
    '1',
    '-f',
    'tee',
    tee,
  ],
  { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] },
);
let err = '';
ff.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
const video = ff.stdin;
const audio = ff.stdio[3];
for (const s of [video, audio]) s.on('error', () => {}); // EPIPE when ffmpeg dies: reported by 'exit'
ff.on('exit', (code) => {
  process.send?.({ exited: true, code, err });
  process.exit(0);
});

// A 440 Hz tone, one frame's worth of samples per video frame (exact at 25 fps: 1764).
const perFrame = Math.round(RATE / FPS);
let phase = 0;
function tone() {
  const b = Buffer.alloc(perFrame * 2);
  for (let i = 0; i < perFrame; i++, phase++) b.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 440 * phase) / RATE)), i * 2);
  return b;
}

const t0 = performance.now();
let n = 0;
let late = 0;
const captures = [];
function tick() {
  // Catch up if the loop was late, but never send a burst of stale frames: skip to the current slot.
  const due = Math.floor((performance.now() - t0) / (1000 / FPS));
  if (due > n + 2) {
    late += due - n;
    n = due;
  }
  const frame = Buffer.from(bg.stdout.subarray((n % bgN) * FRAME, ((n % bgN) + 1) * FRAME));
  const now = Date.now();
  paintStamp(frame, W, H, now);
  captures.push(now);
  video.write(frame);
  audio.write(tone());
  n++;
  setTimeout(tick, Math.max(0, t0 + (n * 1000) / FPS - performance.now()));
}
tick();
process.send?.({ started: true, pid: ff.pid, t0Wall: Date.now() - (performance.now() - t0) });
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ stats: { frames: captures.length, late, captures } });
  if (m === 'stop') {
    video.end();
    audio.end();
    setTimeout(() => ff.exitCode === null && ff.kill('SIGKILL'), 2000).unref();
  }
});
process.on('disconnect', () => ff.exitCode === null && ff.kill('SIGKILL'));
