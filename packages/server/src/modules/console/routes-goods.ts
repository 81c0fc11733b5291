/** /console/api: the goods library (S-ROOM-2, WeChat's goods API) and each room's shelf, through the goods service. */
import type { FastifyInstance } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import type { GoodsRow } from '../goods/sql.js';
import { type ConsoleCtx, appFor, fieldError, jsonOf, params, roomFor, route, sessionOf } from './http.js';

export const goodsView = (g: GoodsRow) => ({
  id: g.id,
  name: g.name,
  coverImg: g.cover_img,
  priceType: g.price_type,
  price: g.price,
  price2: g.price2,
  url: g.url,
  auditStatus: g.audit_status,
  auditId: g.audit_id,
  auditReason: g.audit_reason,
  thirdPartyTag: g.third_party_tag,
});

const gid = (v: unknown): number => {
  const n = positiveId(v);
  if (n === undefined) throw new DomainError(Reason.NotFound, 'No such goods');
  return n;
};

export function goodsRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;

  api.get(
    '/apps/:appid/goods',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const { goods, total } = await d.goods.list(app.appid, 0, 1000);
      return { goods: goods.map(goodsView), total };
    }),
  );

  /** Prices come as yuan text ("11.00") like WeChat's goods/add; the service converts to fen exactly. */
  api.post(
    '/apps/:appid/goods',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const b = jsonOf(req);
      if (typeof b.name !== 'string' || !b.name.trim()) throw fieldError('name', 'Enter the product name');
      if (!b.coverImg) throw fieldError('coverImg', 'Upload a product image');
      const priceType = Number(b.priceType ?? 1);
      if (b.price === undefined || b.price === '') throw fieldError('price', 'Enter a price');
      if (priceType !== 1 && (b.price2 === undefined || b.price2 === ''))
        throw fieldError('price2', priceType === 2 ? 'Enter the upper price of the range' : 'Enter the discounted price');
      if (typeof b.url !== 'string' || !b.url.trim()) throw fieldError('url', 'Enter the product page (e.g. pages/goods/detail?id=1)');
      const price = typeof b.price === 'string' ? b.price.trim() : b.price;
      const price2 = typeof b.price2 === 'string' ? b.price2.trim() : b.price2;
      const r = await d.goods.add(
        app.appid,
        {
          name: b.name.trim(),
          coverImgUrl: b.coverImg as string,
          priceType: priceType as 1,
          price: price as string,
          price2: price2 as string,
          url: b.url.trim(),
        },
        'console',
      );
      return { id: r.goodsId };
    }),
  );

  api.delete(
    '/apps/:appid/goods/:gid',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      await d.goods.delete(app.appid, gid(params(req).gid), 'console');
      return { ok: true };
    }),
  );

  api.get(
    '/rooms/:id/goods',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const shelf = (await d.goods.shelves([room.id])).get(room.id) ?? [];
      return {
        goods: shelf.map((g) => ({ ...goodsView(g), onSale: g.on_sale, sort: g.sort })),
        presented: d.interaction.presented(room.id)?.goods_id ?? null,
      };
    }),
  );

  api.post(
    '/rooms/:id/goods',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const ids = jsonOf(req).ids;
      if (!Array.isArray(ids) || ids.length === 0) throw fieldError('goods', 'Choose at least one product');
      await d.goods.addToRoom(app.appid, room.id, ids.map(Number));
      return { ok: true };
    }),
  );

  api.post(
    '/rooms/:id/goods/:gid/sale',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const on = jsonOf(req).onSale;
      if (typeof on !== 'boolean') throw fieldError('onSale', 'onSale must be true or false');
      await d.goods.setOnSale(app.appid, room.id, gid(params(req).gid), on ? 1 : 0);
      return { ok: true };
    }),
  );

  api.delete(
    '/rooms/:id/goods/:gid',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.goods.removeFromRoom(app.appid, room.id, gid(params(req).gid));
      return { ok: true };
    }),
  );

  api.put(
    '/rooms/:id/goods/order',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const ids = jsonOf(req).ids;
      if (!Array.isArray(ids)) throw fieldError('goods', 'ids must be the shelf order as an array of goods ids');
      await d.goods.sort(
        app.appid,
        room.id,
        ids.map((i) => ({ goodsId: Number(i) })),
      );
      return { ok: true };
    }),
  );

  /** Push a product card to every viewer (goods/push); goodsId 0 takes the card down. */
  api.post(
    '/rooms/:id/present',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return { presented: await d.interaction.present(app.appid, room.id, Number(jsonOf(req).goodsId ?? 0)) };
    }),
  );
}
