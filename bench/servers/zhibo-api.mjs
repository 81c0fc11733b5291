// zhibo for `npm run bench -- api`: 100 rooms × 20 goods, a quota that does not get in the way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZhibo, loadConfig } from '../../packages/server/dist/index.js';
import { solidPng } from '../../packages/server/dist/app/demo.js';
import { silentLog } from '../../packages/server/dist/lib/log.js';

const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-'));
const config = loadConfig({ ZHIBO_DAILY_QUOTA: '1000000000', ZHIBO_HLS: '0' }, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir });
const z = await createZhibo(config, { log: silentLog });
const urls = await z.listen();
const s = z.services;
const { appid, appsecret } = await s.apps.create('bench');
const img = await s.images.upload(appid, solidPng(32, 32, [1, 2, 3]));
const now = Math.floor(Date.now() / 1000);
const goods = [];
for (let g = 0; g < 20; g++)
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
let roomId = 0;
for (let r = 0; r < 100; r++) {
  roomId = await s.rooms.create(appid, {
    name: `压测直播间${r}`,
    coverImg: img.media_id,
    shareImg: img.media_id,
    startTime: now + 600 + r * 60,
    endTime: now + 600 + r * 60 + 3600,
    anchorName: '主播',
    type: 1,
    screenType: 0,
    closeLike: 0,
    closeGoods: 0,
    closeComment: 0,
  });
  await s.goods.addToRoom(appid, roomId, goods);
}
const { access_token } = await s.apps.issueToken('client_credential', appid, appsecret);
process.send?.({ url: urls.http, token: access_token, roomId });
process.on('message', async (m) => {
  if (m === 'stop') {
    await z.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
