// One zhibo node for `npm run bench -- cluster`: a real server process (cluster mode when ZHIBO_REDIS_URL is set,
// else a single process on the same PostgreSQL). IPC: {setup} makes an app + a live-able room and answers its ids;
// 'cpu' answers process.cpuUsage(); 'stop' closes. Real clock, logs silent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZhibo, loadConfig } from '../../packages/server/dist/index.js';
import { solidPng } from '../../packages/server/dist/app/demo.js';
import { silentLog } from '../../packages/server/dist/lib/log.js';

const dir = process.env.BENCH_DATA ?? mkdtempSync(join(tmpdir(), 'zhibo-bench-node-'));
const config = loadConfig({ ZHIBO_HLS: '0', ...process.env }, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir });
const z = await createZhibo(config, { log: silentLog });
const urls = await z.listen();
const s = z.services;
s.realtime.configure({ chatBurst: 1000, framesPerWindow: 100_000 });
process.send?.({ http: urls.http, rtmp: urls.rtmp, pid: process.pid });
process.on('message', async (m) => {
  if (m?.setup) {
    const { appid, appsecret } = await s.apps.create('bench');
    const img = await s.images.upload(appid, solidPng(32, 32, [1, 2, 3]));
    const now = Math.floor(Date.now() / 1000);
    const room = await s.rooms.create(appid, {
      name: '压测直播间',
      coverImg: img.media_id,
      shareImg: img.media_id,
      startTime: now + 600,
      endTime: now + 7200,
      anchorName: '主播',
      type: 1,
      screenType: 0,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 0,
    });
    const row = await s.rooms.getAny(room);
    process.send?.({ room, key: row.stream_key, appid, appsecret });
  } else if (m === 'cpu') {
    process.send?.({ cpu: process.cpuUsage() });
  } else if (m === 'stop') {
    await z.close();
    if (!process.env.BENCH_DATA) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
