// The Chromium WHIP publisher of the latency part of `npm run bench -- whip`: a page that paints the time code of the
// latency bench (bench/glass/code.mjs: its stampBits and layout, injected as source) on a canvas with the wall-clock
// of each paint — the capture time — over a moving background, 25 times a second; captureStream(25) + a 440 Hz tone
// go out through a send-only RTCPeerConnection (H.264 preferred, like the anchor page) to a WHIP endpoint.
import { createServer } from 'node:http';
import { crc16, glassLayout, stampBits } from '../glass/code.mjs';

/* global document, window, AudioContext, RTCPeerConnection, RTCRtpSender */
function publisherPage() {
  const c = document.getElementById('c');
  const g = c.getContext('2d');
  const L = glassLayout(c.width);
  let n = 0;
  const paint = () => {
    n++;
    g.fillStyle = `hsl(${(n * 3) % 360} 55% 35%)`;
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#eee';
    g.fillRect((n * 8) % c.width, c.height / 2, 96, 96);
    g.fillStyle = 'rgb(128,128,128)';
    g.fillRect(0, 0, c.width, L.bandHeight);
    const bits = stampBits(Date.now());
    for (let i = 0; i < bits.length; i++) {
      g.fillStyle = bits[i] ? 'rgb(235,235,235)' : 'rgb(16,16,16)';
      g.fillRect(L.x0 + (i % L.cols) * L.b, L.y0 + Math.floor(i / L.cols) * L.b, L.b, L.b);
    }
  };
  setInterval(paint, 40);
  paint();
  window.publish = async (endpoint, token, maxBitrate) => {
    const stream = c.captureStream(25);
    const ac = new AudioContext();
    const osc = ac.createOscillator();
    const dest = ac.createMediaStreamDestination();
    osc.frequency.value = 440;
    osc.connect(dest);
    osc.start();
    stream.addTrack(dest.stream.getAudioTracks()[0]);
    const pc = new RTCPeerConnection({ iceServers: [] });
    for (const track of stream.getTracks()) {
      const t = pc.addTransceiver(track, { direction: 'sendonly', ...(track.kind === 'video' ? { sendEncodings: [{ maxBitrate }] } : {}) });
      if (track.kind === 'video') {
        const codecs = RTCRtpSender.getCapabilities('video').codecs;
        t.setCodecPreferences([
          ...codecs.filter((x) => /h264/i.test(x.mimeType)),
          ...codecs.filter((x) => /rtx|red|ulpfec/i.test(x.mimeType)),
        ]);
      }
    }
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => {
      if (pc.iceGatheringState === 'complete') r();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
      setTimeout(r, 3000);
    });
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
      body: pc.localDescription.sdp,
    });
    if (res.status !== 201) throw new Error(`WHIP POST ${res.status}: ${await res.text()}`);
    const location = new URL(res.headers.get('Location'), endpoint).toString();
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    window.pub = { pc, location, token };
  };
  window.unpublish = async () => {
    await fetch(window.pub.location, { method: 'DELETE', headers: { Authorization: `Bearer ${window.pub.token}` } });
    window.pub.pc.close();
  };
}

const HTML = `<!doctype html><meta charset="utf-8"><title>WHIP clock publisher</title><canvas id="c" width="640" height="360"></canvas>
<script>${glassLayout}\n${crc16}\n${stampBits}\n(${publisherPage})();</script>`;

/** A loopback server for the publisher page. close() is idempotent. */
export async function servePublisherPage() {
  const srv = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(HTML),
  );
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  let closed;
  return {
    url: `http://127.0.0.1:${srv.address().port}/`,
    close: () =>
      (closed ??= new Promise((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      })),
  };
}
