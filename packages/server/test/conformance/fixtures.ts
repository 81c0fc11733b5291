/** Conformance fixtures made through a test server's own WeChat API (rooms, goods, media), for run.ts. */
import { merchant, png, type TestServer } from '../helpers.js';
import type { Fixtures } from './run.js';

export async function serverFixtures(t: TestServer): Promise<Fixtures> {
  const m = await merchant(t);
  // Review on, as on WeChat: goods wait in review; the operator (here the service, as the console does) approves.
  // The app has customer service configured (WeChat answers 300038 to updatekf closeKf 0 otherwise).
  await t.z.services.apps.updateSettings(m.appid, { goodsReview: true, kfUrl: 'https://shop.example.com/kf' });
  const nowSec = Math.floor(t.clock.now() / 1000);
  return {
    appid: m.appid,
    secret: m.appsecret,
    token: async () => m.token,
    media: async () => m.media,
    room: () => m.room(),
    goods: async (state = 'approved') => {
      const r = await m.post('/wxaapi/broadcast/goods/add', {
        goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 1, price: 11, url: 'pages/goods/detail?id=1' },
      });
      if (r.errcode !== 0) throw new Error(`goods/add: ${JSON.stringify(r)}`);
      if (state === 'approved') await t.z.services.goods.review.decide(m.appid, r.goodsId, true, '', 'operator');
      return { goodsId: r.goodsId as number, auditId: r.auditId as number };
    },
    times: () => ({ startTime: nowSec + 1200, endTime: nowSec + 1200 + 3600 }),
    png: () => new Uint8Array(png(64, 64)),
    // Every SDK adds the same member (wx_admin, role 1): each call starts from an app without members.
    reset: async () => void (await t.z.db.query('DELETE FROM app_roles WHERE appid = $1', [m.appid])),
  };
}
