/** The goods module's routes: WeChat's goods and shelf calls, and the room page's tap beacon. */
import type { FastifyRequest } from 'fastify';
import { PluginRoutes, Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { intOf, isOpenid } from '../../lib/ids.js';
import type { Bucket } from '../../lib/shared-limits.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import { ok, type WxRouter } from '../../http/wx.js';
import { type GoodsService, goodsKeysOf } from './service.js';
import type { GoodsRow } from './sql.js';

const yuan = (fen: number) => fen / 100;

/** One goods as goods/getapproved shows it (camelCase, prices in yuan). */
const approvedView = (g: GoodsRow, img: string) => ({
  goodsId: g.id,
  coverImgUrl: img,
  name: g.name,
  priceType: g.price_type,
  price: yuan(g.price),
  price2: yuan(g.price2),
  url: g.url,
  thirdPartyTag: g.third_party_tag,
  thirdPartyAppid: g.third_party_appid,
});

/** One goods as getgoodswarehouse shows it (snake_case, prices in yuan, the review status). */
const warehouseView = (g: GoodsRow, img: string) => ({
  goods_id: g.id,
  cover_img_url: img,
  name: g.name,
  price_type: g.price_type,
  price: yuan(g.price),
  price2: yuan(g.price2),
  url: g.url,
  audit_status: g.audit_status,
  third_party_tag: g.third_party_tag,
  thirdPartyAppid: g.third_party_appid,
  goodsKey: goodsKeysOf(g),
});

/** A query integer (`?offset=0`): digits only, within bounds; `dflt` when absent. */
function queryInt(v: string | undefined, dflt: number | undefined, min: number, max: number, name: string): number | undefined {
  if (v === undefined || v === '') return dflt;
  const n = intOf(v);
  if (n === undefined || n < min || n > max)
    throw new DomainError(Reason.InvalidArgs, `${name} must be an integer from ${min} to ${max}`, name);
  return n;
}

export function wxRoutes(r: WxRouter, goods: GoodsService, imageUrl: (stored: string, req: FastifyRequest) => string = (s) => s): void {
  const G = '/wxaapi/broadcast/goods';
  r.post(`${G}/add`, async ({ appid, body }) => ok(await goods.add(appid, body.goodsInfo)));
  r.post(`${G}/resetaudit`, async ({ appid, body }) => {
    await goods.resetAudit(appid, body.goodsId, body.auditId);
    return ok({});
  });
  r.post(`${G}/audit`, async ({ appid, body }) => ok({ auditId: await goods.resubmit(appid, body.goodsId) }));
  r.post(`${G}/delete`, async ({ appid, body }) => {
    await goods.delete(appid, body.goodsId);
    return ok({});
  });
  r.post(`${G}/update`, async ({ appid, body }) => {
    await goods.update(appid, body.goodsInfo);
    return ok({});
  });
  r.post('/wxa/business/getgoodswarehouse', async ({ appid, body, req }) => {
    const list = await goods.warehouse(appid, body.goods_ids);
    return ok({ goods: list.map((g) => warehouseView(g, imageUrl(g.cover_img, req))), total: list.length });
  });
  r.get(`${G}/getapproved`, async ({ appid, query, req }) => {
    const offset = queryInt(query.offset, 0, 0, 1_000_000, 'offset')!;
    const limit = queryInt(query.limit, 30, 1, 100, 'limit')!;
    const status = queryInt(query.status, undefined, 0, 3, 'status');
    const page = await goods.list(appid, offset, limit, status);
    return ok({ goods: page.goods.map((g) => approvedView(g, imageUrl(g.cover_img, req))), total: page.total });
  });
  r.post(`${G}/setkey`, async ({ appid, body }) => {
    await goods.setPendantKey(appid, body.goodsKey);
    return ok({});
  });
  r.get(`${G}/getkey`, async ({ appid }) => ok({ vendorGoodsKey: await goods.pendantKey(appid) }));
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
    quota: 'goods_taps',
    async handler({ body, room }) {
      if (bucket.take(1) === 0) throw new DomainError(Reason.Throttled, 'too many taps; try later');
      await goods.tap(room.id, body.goods_id, isOpenid(body.openid) ? body.openid : '');
      return { errcode: 'ok', errmsg: 'ok' };
    },
  });
}
