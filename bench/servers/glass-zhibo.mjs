// zhibo for `npm run bench -- latency`: the whole server (createZhibo from packages/server/dist: Fastify, embedded
// PGlite, media with HLS on, realtime, the room page) on 127.0.0.1 port 0 with the demo room (ensureDemo), data in a
// temp dir removed on stop. Args: [--batch-ms N] (ZHIBO_MEDIA_BATCH_MS; default: the product default)
// [--nagle] (a bench-only variant: Nagle's algorithm left on for every accepted socket, to measure TCP_NODELAY).
// IPC: sends { http, pushAddr, roomId, batchMs, pid, dataDir } when listening; 'stop' closes everything and exits
// (the bench also removes dataDir, in case the child had to be killed).
import { Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZhibo, loadConfig } from '../../packages/server/dist/index.js';
import { ensureDemo } from '../../packages/server/dist/app/demo.js';

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
if (process.argv.includes('--nagle')) {
  const set = Socket.prototype.setNoDelay;
  Socket.prototype.setNoDelay = function setNoDelay() {
    return set.call(this, false);
  };
}
const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-glass-'));
const env = { ZHIBO_HLS: '1' };
if (arg('batch-ms') !== undefined) env.ZHIBO_MEDIA_BATCH_MS = arg('batch-ms');
const config = loadConfig(env, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir });
const quiet = {
  debug() {},
  info() {},
  warn: (m) => console.error(`  [zhibo warn] ${m}`),
  error: (m) => console.error(`  [zhibo error] ${m}`),
};
const z = await createZhibo(config, { log: quiet });
const urls = await z.listen();
const demo = await ensureDemo(z.services, Math.floor(Date.now() / 1000));
process.send?.({
  http: urls.http,
  pushAddr: demo.pushAddr,
  roomId: demo.roomId,
  batchMs: config.mediaBatchMs,
  pid: process.pid,
  dataDir: dir,
});

const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.on('message', async (m) => {
  if (m === 'stop') {
    await z.close().catch(() => {});
    cleanup();
    process.exit(0);
  }
});
process.on('disconnect', () => {
  cleanup();
  process.exit(0);
});
