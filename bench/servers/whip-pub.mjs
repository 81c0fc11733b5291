// Publisher child of `npm run bench -- whip`: one werift WHIP client that sends a pre-encoded H.264 + Opus MPEG-TS
// (ffmpeg -re -stream_loop -1 -c copy -f rtp, so the same bits every run) to ENDPOINT. Args: ENDPOINT FILE.
// Replies { ok } once connected (exits with code 3 when it does not connect within 20 s); 'stop' sends DELETE and exits.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, useNACK, usePLI } from 'werift';

const [endpoint, file] = process.argv.slice(2);
const pc = new RTCPeerConnection({
  iceServers: [],
  iceUseIpv6: false,
  bundlePolicy: 'max-bundle',
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
  iceAdditionalHostAddresses: ['127.0.0.1'],
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
const res = await fetch(endpoint, {
  method: 'POST',
  headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer secret' },
  body: pc.localDescription.sdp,
});
if (res.status !== 201) throw new Error(`POST ${res.status} ${await res.text()}`);
const location = new URL(res.headers.get('location'), endpoint).toString();
await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
await new Promise((r) => {
  // not connected within 20 s (ICE failed on a loaded machine): say so and exit, the bench tries again
  const t = setTimeout(() => {
    console.error(`whip-pub: ${endpoint}: not connected within 20 s (${pc.connectionState})`);
    fetch(location, { method: 'DELETE' })
      .catch(() => {})
      .finally(() => process.exit(3));
  }, 20_000);
  if (pc.connectionState === 'connected') r(clearTimeout(t));
  else pc.connectionStateChange.subscribe((s) => s === 'connected' && r(clearTimeout(t)));
});
const socks = [];
for (const track of [v, a]) {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  s.on('message', (b) => ((b[1] & 0x7f) >= 72 && (b[1] & 0x7f) <= 76 ? null : track.writeRtp(b)));
  socks.push(s);
}
const [vp, ap] = socks.map((s) => s.address().port);
const ff = spawn(
  'ffmpeg',
  [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-re',
    '-stream_loop',
    '-1',
    '-i',
    file,
    '-map',
    '0:v',
    '-c',
    'copy',
    '-f',
    'rtp',
    `rtp://127.0.0.1:${vp}?rtcpport=${vp}&pkt_size=1200`,
    '-map',
    '0:a',
    '-c',
    'copy',
    '-f',
    'rtp',
    `rtp://127.0.0.1:${ap}?rtcpport=${ap}&pkt_size=1200`,
  ],
  { stdio: 'ignore' },
);
process.send({ ok: true, ffmpegPid: ff.pid });
process.on('message', async (m) => {
  if (m !== 'stop') return;
  ff.kill('SIGKILL');
  await fetch(location, { method: 'DELETE' }).catch(() => {});
  await pc.close();
  process.exit(0);
});
