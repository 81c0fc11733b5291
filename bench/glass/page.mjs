// The browser side of `npm run bench -- latency`: the meter injected into every page (it attaches to the first
// <video>), and a bare player page (mpegts.js / hls.js from node_modules) served on loopback.
// The meter: at each requestVideoFrameCallback it draws the top band of the presented frame to a canvas, reads the
// time code (code.mjs) and records [display wall-clock, capture wall-clock]; display wall-clock = Date.now() at the
// callback minus (performance.now() − expectedDisplayTime). It also records 'waiting' events, seeks, and every
// 250 ms the buffer ahead of the playhead and the playbackRate.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc16, glassLayout, readStamp } from './code.mjs';

/* global document, window, MutationObserver */
function installGlassMeter() {
  const s = { frames: [], bad: 0, waiting: [], seeks: 0, probes: [], attachedAt: Date.now() };
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const attach = (video) => {
    video.addEventListener('waiting', () => s.waiting.push(Date.now()));
    video.addEventListener('seeking', () => s.seeks++);
    const onFrame = (_now, meta) => {
      const wall = Date.now() - (performance.now() - meta.expectedDisplayTime);
      const w = meta.width;
      const h = meta.height;
      const band = glassLayout(w).bandHeight;
      if (canvas.width !== w || canvas.height !== band) {
        canvas.width = w;
        canvas.height = band;
      }
      ctx.drawImage(video, 0, 0, w, band, 0, 0, w, band);
      const cap = readStamp(ctx.getImageData(0, 0, w, band).data, w, h);
      if (cap === null) s.bad++;
      else s.frames.push([Math.round(wall), cap]);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    setInterval(() => {
      const b = video.buffered;
      const ahead = b.length ? b.end(b.length - 1) - video.currentTime : 0;
      s.probes.push([Date.now(), Math.round(ahead * 1000), video.playbackRate]);
    }, 250);
  };
  const find = () => {
    const v = document.querySelector('video');
    if (!v) return false;
    attach(v);
    return true;
  };
  window.__glass = { state: s };
  const start = () => {
    if (find()) return;
    const mo = new MutationObserver(() => find() && mo.disconnect());
    mo.observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}

/** Source text for page.addInitScript: the decoder and the meter, self-contained. */
export const METER_SCRIPT = `${glassLayout}\n${crc16}\n${readStamp}\n(${installGlassMeter})();`;

const PLAYER_HTML = `<!doctype html><meta charset="utf-8"><title>glass</title>
<style>body{margin:0;background:#000}video{width:640px;height:360px}</style>
<video id="v" muted autoplay playsinline></video>
<script src="/mpegts.js"></script><script src="/hls.js"></script>`;

/** Runs in the player page (page.evaluate): play `url` with mpegts.js or hls.js and `config`. */
export function startPlayer({ kind, url, config }) {
  const v = document.getElementById('v');
  if (kind === 'mpegts') {
    const p = window.mpegts.createPlayer({ type: 'flv', isLive: true, url }, config ?? undefined);
    p.attachMediaElement(v);
    p.load();
    void p.play();
  } else {
    const h = new window.Hls(config ?? undefined);
    h.loadSource(url);
    h.attachMedia(v);
    void v.play();
  }
}

/** A loopback server for the player page and the two player libraries. close() is idempotent. */
export async function servePlayerPage() {
  const require = createRequire(import.meta.url);
  const files = {
    '/': ['text/html; charset=utf-8', PLAYER_HTML],
    '/mpegts.js': ['text/javascript', readFileSync(require.resolve('mpegts.js/dist/mpegts.js'))],
    '/hls.js': ['text/javascript', readFileSync(require.resolve('hls.js/dist/hls.min.js'))],
  };
  const srv = createServer((req, res) => {
    const f = files[(req.url ?? '/').split('?')[0]];
    if (!f) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' }).end(f[1]);
  });
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
