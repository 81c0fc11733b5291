/** /console/api: the goods library (S-ROOM-2, WeChat's goods API) and each room's shelf, through GoodsService. */
import type { FastifyInstance } from 'fastify';
import type { GoodsRow } from '../services/goods.js';
import { ConsoleError, FieldError } from './errors.js';
import { type ConsoleCtx, appFor, jsonOf, params, roomFor, route, sessionOf } from './http.js';

export const goodsView = (g: GoodsRow) => ({
  id: g.id, name: g.name, coverImg: g.cover_img, priceType: g.price_type, price: g.price, price2: g.price2, url: g.url, auditStatus: g.audit_status,
});

const gid = (v: unknown): number => {
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new ConsoleError(404, 'not_found', 'No such goods');
  return n;
};

export function goodsRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { s } = ctx;

  api.get('/apps/:appid/goods', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const { goods, total } = await s.goods.list(app.appid, 0, 1000);
    return { goods: goods.map(goodsView), total };
  }));

  /** Prices come as yuan text ("11.00") like WeChat's goods/add; the service converts to fen exactly. */
  api.post('/apps/:appid/goods', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const b = jsonOf(req);
    if (typeof b.name !== 'string' || !b.name.trim()) throw new FieldError('name', 'Enter the product name');
    if (!b.coverImg) throw new FieldError('coverImg', 'Upload a product image');
    const priceType = Number(b.priceType ?? 1);
    if (b.price === undefined || b.price === '') throw new FieldError('price', 'Enter a price');
    if (priceType !== 1 && (b.price2 === undefined || b.price2 === '')) throw new FieldError('price2', priceType === 2 ? 'Enter the upper price of the range' : 'Enter the discounted price');
    if (typeof b.url !== 'string' || !b.url.trim()) throw new FieldError('url', 'Enter the product page (e.g. pages/goods/detail?id=1)');
    const price = typeof b.price === 'string' ? b.price.trim() : b.price;
    const price2 = typeof b.price2 === 'string' ? b.price2.trim() : b.price2;
    const r = await s.goods.add(app.appid, { name: b.name.trim(), coverImgUrl: b.coverImg as string, priceType: priceType as 1, price: price as string, price2: price2 as string, url: b.url.trim() });
    return { id: r.goodsId };
  }));

  api.delete('/apps/:appid/goods/:gid', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    await s.goods.delete(app.appid, gid(params(req).gid));
    return { ok: true };
  }));

  api.get('/rooms/:id/goods', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const shelf = (await s.goods.shelves([room.id])).get(room.id) ?? [];
    const presented = s.realtime.channels.get(room.id)?.presented?.goods_id ?? null;
    return { goods: shelf.map((g) => ({ ...goodsView(g), onSale: g.on_sale, sort: g.sort })), presented };
  }));

  api.post('/rooms/:id/goods', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const ids = jsonOf(req).ids;
    if (!Array.isArray(ids) || ids.length === 0) throw new FieldError('goods', 'Choose at least one product');
    await s.goods.addToRoom(app.appid, room.id, ids.map(Number));
    return { ok: true };
  }));

  api.post('/rooms/:id/goods/:gid/sale', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const on = jsonOf(req).onSale;
    if (typeof on !== 'boolean') throw new ConsoleError(400, 'invalid', 'onSale must be true or false');
    await s.goods.setOnSale(app.appid, room.id, gid(params(req).gid), on ? 1 : 0);
    return { ok: true };
  }));

  api.delete('/rooms/:id/goods/:gid', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    await s.goods.removeFromRoom(app.appid, room.id, gid(params(req).gid));
    return { ok: true };
  }));

  api.put('/rooms/:id/goods/order', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const ids = jsonOf(req).ids;
    if (!Array.isArray(ids)) throw new ConsoleError(400, 'invalid', 'ids must be the shelf order as an array of goods ids');
    await s.goods.sort(app.appid, room.id, ids.map((i) => ({ goodsId: Number(i) })));
    return { ok: true };
  }));

  /** Push a product card to every viewer (goods/push); goodsId 0 takes the card down. */
  api.post('/rooms/:id/present', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const g = await s.interaction.present(app.appid, room.id, Number(jsonOf(req).goodsId ?? 0));
    return { presented: g };
  }));
}
