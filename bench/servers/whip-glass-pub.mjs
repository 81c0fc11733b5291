// Clock publisher of the latency part of `npm run bench -- whip` (a child process, so its pacing has its own event
// loop). Raw yuv420p frames, each with its capture wall-clock burned in as a time code (bench/glass/code.mjs, the
// latency bench's), and a tone, paced at the frame rate, go to ONE ffmpeg with the same video encoder for both
// protocols (libx264 veryfast zerolatency, constrained baseline, CBR, fixed GOP, no B-frames):
//   --proto rtmp: AAC, FLV to --url (rtmp://…/live/ROOM?key=…)
//   --proto whip: Opus, RTP to two loopback UDP sockets, sent by a werift peer over a real WHIP session to --url with
//                 Bearer --key; ICE on --host (the address zhibo's WHIP side is bound to).
// Args: --proto --url [--key] [--host] [--size 640x360] [--fps 25] [--gop 2] [--bitrate 800k].
// IPC: { started, ffmpegPid } once publishing (WHIP not connected within 20 s: exit code 3); { exited, code, err } if ffmpeg dies; 'stop' ends it (DELETE for WHIP).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, useNACK, usePLI } from 'werift';
import { paintStamp } from '../glass/code.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const PROTO = arg('proto');
const URL_ = arg('url');
const [W, H] = arg('size', '640x360').split('x').map(Number);
const FPS = Number(arg('fps', '25'));
const GOP = Number(arg('gop', '2'));
const BITRATE = arg('bitrate', '800k');
const RATE = 48000;
if (!['rtmp', 'whip'].includes(PROTO) || !URL_) {
  console.error('whip-glass-pub: need --proto rtmp|whip and --url');
  process.exit(2);
}

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
if (bg.status !== 0) {
  console.error(`whip-glass-pub: background: ${bg.stderr}`);
  process.exit(1);
}

let pc = null;
let location = null;
let outputs;
if (PROTO === 'rtmp') {
  outputs = ['-map', '0:v', '-map', '1:a', ...video(), '-c:a', 'aac', '-b:a', '64k', '-flush_packets', '1', '-f', 'flv', URL_];
} else {
  const host = arg('host', '127.0.0.1');
  pc = new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    iceInterfaceAddresses: { udp4: host },
    iceAdditionalHostAddresses: [host],
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90000,
          rtcpFeedback: [useNACK(), usePLI()],
          parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        }),
      ],
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    },
  });
  const v = new MediaStreamTrack({ kind: 'video' });
  const a = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(v, { direction: 'sendonly' });
  pc.addTransceiver(a, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await new Promise((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r()));
  const res = await fetch(URL_, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${arg('key')}` },
    body: pc.localDescription.sdp,
  });
  if (res.status !== 201) {
    console.error(`whip-glass-pub: POST ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  location = new URL(res.headers.get('location'), URL_).toString();
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  await new Promise((r) => {
    const t = setTimeout(() => {
      console.error(`whip-glass-pub: not connected within 20 s (${pc.connectionState})`);
      fetch(location, { method: 'DELETE', headers: { Authorization: `Bearer ${arg('key')}` } })
        .catch(() => {})
        .finally(() => process.exit(3));
    }, 20_000);
    if (pc.connectionState === 'connected') r(clearTimeout(t));
    else pc.connectionStateChange.subscribe((s) => s === 'connected' && r(clearTimeout(t)));
  });
  const ports = [];
  for (const track of [v, a]) {
    const s = createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    s.on('message', (b) => ((b[1] & 0x7f) >= 72 && (b[1] & 0x7f) <= 76 ? null : track.writeRtp(b)));
    ports.push(s.address().port);
  }
  outputs = [
    '-map',
    '0:v',
    ...video(),
    '-f',
    'rtp',
    '-payload_type',
    '96',
    `rtp://127.0.0.1:${ports[0]}?rtcpport=${ports[0]}&pkt_size=1200`,
    '-map',
    '1:a',
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    '-ac',
    '2',
    '-frame_duration',
    '20',
    '-f',
    'rtp',
    '-payload_type',
    '111',
    `rtp://127.0.0.1:${ports[1]}?rtcpport=${ports[1]}&pkt_size=1200`,
  ];
}

function video() {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-bf',
    '0',
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
  ];
}

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
    ...outputs,
  ],
  { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] },
);
let err = '';
ff.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
for (const s of [ff.stdin, ff.stdio[3]]) s.on('error', () => {});
let stopping = false;
ff.on('exit', (code) => {
  if (stopping) return;
  process.send?.({ exited: true, code, err });
  process.exit(0);
});

const perFrame = Math.round(RATE / FPS);
let phase = 0;
function tone() {
  const b = Buffer.alloc(perFrame * 2);
  for (let i = 0; i < perFrame; i++, phase++) b.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 440 * phase) / RATE)), i * 2);
  return b;
}
const t0 = performance.now();
let n = 0;
function tick() {
  const due = Math.floor((performance.now() - t0) / (1000 / FPS));
  if (due > n + 2) n = due; // late: skip to the current slot, never a burst of stale frames
  const frame = Buffer.from(bg.stdout.subarray((n % bgN) * FRAME, ((n % bgN) + 1) * FRAME));
  paintStamp(frame, W, H, Date.now());
  ff.stdin.write(frame);
  ff.stdio[3].write(tone());
  n++;
  setTimeout(tick, Math.max(0, t0 + n * (1000 / FPS) - performance.now()));
}
tick();
process.send?.({ started: true, ffmpegPid: ff.pid });
process.on('message', async (m) => {
  if (m !== 'stop') return;
  stopping = true;
  ff.kill('SIGKILL');
  if (location) await fetch(location, { method: 'DELETE', headers: { Authorization: `Bearer ${arg('key')}` } }).catch(() => {});
  await pc?.close();
  process.exit(0);
});
process.on('disconnect', () => {
  ff.kill('SIGKILL');
  process.exit(0);
});
