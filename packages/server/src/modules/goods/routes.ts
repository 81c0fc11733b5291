/** The goods module's routes: WeChat's goods and shelf calls, and the room page's tap beacon. */
import { PluginRoutes, Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { isOpenid } from '../../lib/ids.js';
import type { Bucket } from '../../lib/shared-limits.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import { ok, type WxRouter } from '../../http/wx.js';
import type { GoodsService } from './service.js';

export function wxRoutes(r: WxRouter, goods: GoodsService): void {
  r.post('/wxaapi/broadcast/goods/add', async ({ appid, body }) => ok(await goods.add(appid, body.goodsInfo as never)));
  r.post('/wxaapi/broadcast/goods/delete', async ({ appid, body }) => {
    await goods.delete(appid, body.goodsId);
    return ok({});
  });
  r.get('/wxaapi/broadcast/goods/getapproved', async ({ appid, query }) => {
    const offset = Number(query.offset ?? 0);
    const limit = Number(query.limit ?? 30);
    const status = query.status === undefined ? undefined : Number(query.status);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100 || (status !== undefined && ![0, 1, 2, 3].includes(status)))
      throw new DomainError(Reason.InvalidArgs, 'offset ≥ 0, limit in 1..100, status in 0..3');
    const page = await goods.list(appid, offset, limit, status);
    const yuan = (fen: number) => fen / 100;
    return ok({
      goods: page.goods.map((g) => ({
        goodsId: g.id, coverImgUrl: g.cover_img, name: g.name, priceType: g.price_type, price: yuan(g.price), price2: yuan(g.price2), url: g.url,
        thirdPartyTag: 0, thirdPartyAppid: g.third_party_appid,
      })),
      total: page.total,
    });
  });
  r.post('/wxaapi/broadcast/room/addgoods', async ({ appid, body }) => {
    await goods.addToRoom(appid, body.roomId, body.ids);
    return ok({});
  });
  r.post('/wxaapi/broadcast/goods/onsale', async ({ appid, body }) => {
    await goods.setOnSale(appid, body.roomId, body.goodsId, body.onSale);
    return ok({});
  });
  r.post('/wxaapi/broadcast/goods/deleteInRoom', async ({ appid, body }) => {
    await goods.removeFromRoom(appid, body.roomId, body.goodsId);
    return ok({});
  });
  r.post('/wxaapi/broadcast/goods/sort', async ({ appid, body }) => {
    await goods.sort(appid, body.roomId, body.goods);
    return ok({});
  });
}

/**
 * `POST goods-tap {room_id, goods_id, openid?}`: the room page reports a tap on a product (sendBeacon) before it
 * opens the goods page. Unauthenticated like the other plugin reads, so the count is indicative (rate-limited).
 */
export function pluginRoutes(r: PluginRouter, goods: GoodsService, bucket: Bucket): void {
  r.route<unknown, { room_id: number; goods_id: number; openid?: string }>({
    method: 'POST',
    path: PluginRoutes.goodsTap,
    roomFrom: 'body',
    body: { goods_id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, openid: { type: 'string', maxLength: 64 } },
    required: ['goods_id'],
    async handler({ body, room }) {
      if (bucket.take(1) === 0) throw new DomainError(Reason.Throttled, 'too many taps; try later');
      await goods.tap(room.id, body.goods_id, isOpenid(body.openid) ? body.openid : '');
      return { errcode: 'ok', errmsg: 'ok' };
    },
  });
}
