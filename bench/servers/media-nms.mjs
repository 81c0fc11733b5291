// The peer for `npm run bench -- media`: node-media-server 4.4.3 as shipped (express HTTP-FLV at
// GET /live/STREAM.flv on its HTTP port), configured for the benchmark: RTMP and HTTP bound to 127.0.0.1 on free
// ports, no RTMPS/HTTPS, no admin API (no auth.jwt), webadmin off, no auth, no webhook, no auto-recording, its JSON
// store in a temp dir (removed on stop). Its logger is set to 'error' and counted (it logs each play at info, which
// would measure console I/O rather than fan-out). IPC like media-zhibo.mjs: { rtmpPort, httpPort, pid }; 'stats'; 'stop'.
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const NodeMediaServer = require('node-media-server');
const logger = require('node-media-server/src/core/logger.js');
const Context = require('node-media-server/src/core/context.js');
const version = require('node-media-server/package.json').version;

/** A free loopback port (NMS skips a listener whose configured port is 0, so it needs real numbers). */
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-nms-'));
const rtmpPort = await freePort();
const httpPort = await freePort();
const config = {
  bind: '127.0.0.1',
  notify: { url: '' },
  store: { path: join(dir, 'data'), maxHistory: 100 },
  auth: { play: false, publish: false, secret: '' },
  rtmp: { port: rtmpPort },
  http: { port: httpPort },
  webadmin: { enable: false },
  record: { auto: false, path: join(dir, 'record') },
};
let logged = 0;
logger.log = (message, level = 'info') => {
  if (level !== 'error') return;
  if (++logged <= 3) console.error(`  [nms ${level}] ${message}`);
};
const nms = new NodeMediaServer(config, null);
const listening = (srv) => new Promise((r) => (srv.listening ? r() : srv.once('listening', r)));
await nms.run();
await Promise.all([listening(nms.httpServer.httpServer), listening(nms.rtmpServer.tcpServer)]);
process.send?.({ rtmpPort, httpPort, pid: process.pid, version });

process.on('message', async (m) => {
  if (m === 'stats') {
    const streams = [...Context.broadcasts.keys()];
    process.send?.({ stats: { streams, viewers: [...Context.broadcasts.values()].map((b) => b.subscribers.size), logs: { logged } } });
  } else if (m === 'stop') {
    await nms.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.on('disconnect', () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
