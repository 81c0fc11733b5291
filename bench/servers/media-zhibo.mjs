// zhibo's media plane for `npm run bench -- media`: MediaServer (packages/media/dist) on 127.0.0.1 port 0, every
// publish accepted (stream id = stream name), HTTP-FLV at GET /live/STREAM.flv on a plain node:http server with
// createHttpFlvSink — the same sink the product route uses after reply.hijack(). LL-HLS only with --hls (served at
// GET /live/STREAM/FILE through media.hlsRequest); recording only with --record.
// Args: [--batch-ms N] [--record DIR] [--hls]. IPC: sends { rtmpPort, httpPort, pid } when listening; answers 'stats';
// on 'stop' closes everything and exits. With --record it also reports { replay: … } for each recordingReady.
import { createServer } from 'node:http';
import { MediaServer, createHttpFlvSink } from '../../packages/media/dist/index.js';

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const batchMs = Number(arg('batch-ms') ?? 0);
const recordDir = arg('record');

const counts = { warn: 0, error: 0 };
const log = (level) => (msg) => {
  counts[level]++;
  if (counts[level] <= 3) console.error(`  [zhibo media ${level}] ${msg}`);
};
const media = new MediaServer({
  rtmpHost: '127.0.0.1',
  rtmpPort: 0,
  batchMs,
  recordDir,
  hls: process.argv.includes('--hls'),
  authorizePublish: async ({ streamName }) => ({ ok: true, streamId: streamName }),
  logger: { info() {}, warn: log('warn'), error: log('error') },
});

const stops = new Map();
media.on('publishStop', (e) => stops.set(e.sessionId, performance.now()));
media.on('recordingReady', (e) => {
  const stoppedAt = stops.get(e.sessionId);
  process.send?.({
    replay: { file: e.file, durationSec: e.durationSec, endToReadyMs: stoppedAt === undefined ? null : performance.now() - stoppedAt },
  });
});
media.on('recordingFailed', (e) => process.send?.({ replay: { error: e.error } }));

const http = createServer((req, res) => {
  const h = /^\/live\/([A-Za-z0-9_-]{1,64})\/([^/?]+)(?:\?(.*))?$/.exec(req.url ?? '');
  if (req.method === 'GET' && h) {
    void media.hlsRequest(h[1], h[2], new URLSearchParams(h[3] ?? '')).then((r) => res.writeHead(r.status, r.headers).end(r.body));
    return;
  }
  const m = /^\/live\/([A-Za-z0-9_-]{1,64})\.flv(?:\?.*)?$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !m) {
    res.writeHead(404).end();
    return;
  }
  media.attachViewer(m[1], createHttpFlvSink(res));
});
const { port: rtmpPort } = await media.listen();
await new Promise((r) => http.listen(0, '127.0.0.1', r));
process.send?.({ rtmpPort, httpPort: http.address().port, pid: process.pid, batchMs });

process.on('message', async (m) => {
  if (m === 'stats') {
    const streams = media.liveStreams();
    process.send?.({ stats: { streams, viewers: streams.map((s) => media.viewerCount(s)), logs: counts } });
  } else if (m === 'stop') {
    await media.close();
    http.closeAllConnections?.();
    http.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
