// zhibo for the latency part of `npm run bench -- whip`: the whole server (createZhibo from packages/server/dist:
// Fastify, embedded PGlite, media with HLS, recording) on 127.0.0.1 port 0, WHIP UDP bound to the host's first
// non-loopback IPv4 address (Chromium gathers no loopback candidates; the traffic stays on this machine), one demo
// room. IPC: { http, pushAddr, whipUrl, key, roomId, host, pid, dataDir } when listening; 'stop' closes and exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZhibo, loadConfig } from '../../packages/server/dist/index.js';
import { ensureDemo } from '../../packages/server/dist/app/demo.js';

const host = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
if (!host) {
  console.error('whip-glass-zhibo: no non-loopback IPv4 address');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-whip-glass-'));
const config = loadConfig({ ZHIBO_WHIP_BIND: host }, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir });
const quiet = {
  debug() {},
  info() {},
  warn: (m) => console.error(`  [zhibo warn] ${m}`),
  error: (m) => console.error(`  [zhibo error] ${m}`),
};
const z = await createZhibo(config, { log: quiet });
const urls = await z.listen();
const demo = await ensureDemo(z.services, Math.floor(Date.now() / 1000));
const key = new URL(demo.pushAddr).searchParams.get('key');
process.send?.({
  http: urls.http,
  pushAddr: demo.pushAddr,
  whipUrl: `${urls.http}/whip/${demo.roomId}`,
  key,
  roomId: demo.roomId,
  host,
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
