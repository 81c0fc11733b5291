// zhibo's realtime gateway for `npm run bench -- realtime`: one room, in-memory PGlite, the real clock. The viewers all
// come from a few loopback addresses, so the per-address caps (realtime connections, chat) are off here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZhibo, loadConfig } from '../../packages/server/dist/index.js';
import { solidPng } from '../../packages/server/dist/app/demo.js';
import { silentLog } from '../../packages/server/dist/lib/log.js';

const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-rt-'));
const config = loadConfig(
  { ZHIBO_HLS: '0', ZHIBO_REALTIME_CONNECTIONS_PER_IP: '0', ZHIBO_CHAT_PER_IP: '0' },
  { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir },
);
const z = await createZhibo(config, { log: silentLog, memoryDb: true });
const urls = await z.listen();
const s = z.services;
const { appid } = await s.apps.create('bench');
const img = await s.images.upload(appid, solidPng(32, 32, [1, 2, 3]));
const now = Math.floor(Date.now() / 1000);
const roomId = await s.rooms.create(appid, {
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
const goods = [];
for (let g = 0; g < 10; g++)
  goods.push(
    (
      await s.goods.add(appid, {
        coverImgUrl: img.media_id,
        name: `商品${g}`,
        priceType: 1,
        price: `${g + 1}.99`,
        url: `pages/goods?id=${g}`,
      })
    ).goodsId,
  );
await s.goods.addToRoom(appid, roomId, goods);
await s.rooms.apply(roomId, 'publish_started', 'bench');
process.send?.({ port: new URL(urls.http).port, roomId });
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
};
process.on('message', async (m) => {
  if (m === 'mem') {
    await settle();
    process.send?.({ mem: process.memoryUsage(), conns: s.realtime.counts().connections });
  } else if (m === 'stop') {
    await z.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
