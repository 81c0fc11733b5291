/** Goods library and room shelves (S-ROOM-2; WeChat's broadcast/goods API). Prices are stored in fen; the review is review/service.ts. */
import { type LiveInfoGoods, Reason } from '@zhibo/protocol';
import { type Clock, GOODS_RULES, checkPrices } from '@zhibo/core';
import type { DomainBus } from '../../lib/domain-events.js';
import { DomainError, assertCheck } from '../../lib/errors.js';
import { intOf, positiveId } from '../../lib/ids.js';
import { goodsKeyOf, parseGoodsInfo } from './input.js';
import { AuditStatus, GoodsReview, type Origin, ThirdPartyTag, goodsIdOf } from './review/service.js';

import type { GoodsChange, GoodsReviewStore } from './review/store.js';
import type { ImageService } from '../images/service.js';
import type { RoomService } from '../rooms/service.js';
import type { GoodsRow, GoodsSql, ShelfItem } from './sql.js';

/** S-API-1: a goods item exactly as getliveinfo shows it (prices in fen). */
export function liveInfoGoods(g: GoodsRow): LiveInfoGoods {
  return { cover_img: g.cover_img, url: g.url, price: g.price, name: g.name, goods_id: g.id, price2: g.price2, price_type: g.price_type };
}

/** A goods' goodsKey (stored as a JSON array). */
export const goodsKeysOf = (g: Pick<GoodsRow, 'goods_key'>): string[] => {
  try {
    const v = JSON.parse(g.goods_key) as unknown;
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
};

const MAX_IMAGE = 2 * 1024 * 1024;

export class GoodsService {
  readonly review: GoodsReview;

  constructor(
    private readonly sql: GoodsSql,
    private readonly store: GoodsReviewStore,
    private readonly clock: Clock,
    private readonly images: ImageService,
    private readonly rooms: RoomService,
    private readonly events: DomainBus,
    /** the app's review switch (app setting `goodsReview`; off: submissions are approved at once) */
    reviewOn: (appid: string) => Promise<boolean> = async () => false,
  ) {
    this.review = new GoodsReview(store, clock, reviewOn);
  }

  /** POST /wxaapi/broadcast/goods/add (origin 'api', thirdPartyTag 2) or the console's form (thirdPartyTag 0): a new goods, submitted for review. */
  async add(appid: string, info: unknown, origin: Origin = 'api'): Promise<{ goodsId: number; auditId: number }> {
    const f = parseGoodsInfo(info, false);
    const priceType = f.priceType ?? 1;
    if (priceType !== 1 && f.price2 === undefined)
      throw new DomainError(Reason.PriceInvalid, `price2 is required for priceType ${priceType}`, 'price2');
    const price2 = priceType === 1 ? 0 : f.price2!;
    assertCheck(checkPrices(priceType, f.price!, price2));
    const cover = await this.images.resolve(appid, f.coverImgUrl, 'coverImgUrl', MAX_IMAGE, Reason.ImageInvalid);
    if (origin === 'api') await this.review.checkQuota(appid);
    const row = await this.sql.insert(
      {
        appid,
        name: f.name!,
        cover_img: cover,
        price_type: priceType,
        price: f.price!,
        price2,
        url: f.url!,
        third_party_appid: f.thirdPartyAppid ?? '',
        goods_key: JSON.stringify(f.goodsKey ?? []),
        third_party_tag: origin === 'api' ? ThirdPartyTag.Api : ThirdPartyTag.Console,
      },
      this.clock.now(),
      await this.review.approver(appid),
    );
    return { goodsId: row.id, auditId: row.audit_id };
  }

  async get(appid: string, id: unknown): Promise<GoodsRow> {
    const gid = goodsIdOf(id);
    const row = await this.sql.get(appid, gid);
    if (!row) throw new DomainError(Reason.GoodsNotFound, `goods ${gid} does not exist`, 'goodsId');
    return row;
  }

  list(appid: string, offset: number, limit: number, status?: number): Promise<{ goods: GoodsRow[]; total: number }> {
    return this.sql.list(appid, offset, limit, status);
  }

  /** POST /wxa/business/getgoodswarehouse {goods_ids}: up to 20 goods of the app with their review status (unknown ids are left out). */
  async warehouse(appid: string, ids: unknown): Promise<GoodsRow[]> {
    const list = Array.isArray(ids) ? ids.map((i) => positiveId(i)) : [];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || list.some((i) => i === undefined))
      throw new DomainError(Reason.BadParameter, 'goods_ids must be an array of 1–20 goods ids', 'goods_ids');
    return this.sql.rows(appid, [...new Set(list as number[])]);
  }

  /** POST /wxaapi/broadcast/goods/delete: also leaves every room; goods in review cannot be deleted (300014). */
  async delete(appid: string, id: unknown, origin: Origin = 'api'): Promise<void> {
    const g = await this.get(appid, id);
    GoodsReview.assertApiGoods(g, origin);
    const left = await this.sql.softDelete(g.id, this.clock.now());
    if (left === null)
      throw new DomainError(
        Reason.GoodsInReview,
        `goods ${g.id} is in review; withdraw the review (goods/resetaudit) before deleting it`,
        'goodsId',
      );
    for (const roomId of left) this.events.emit('roomChanged', { roomId, appid });
  }

  /** POST goods/resetaudit {auditId, goodsId} */
  async resetAudit(appid: string, id: unknown, auditId: unknown, origin: Origin = 'api'): Promise<void> {
    await this.review.withdraw(appid, await this.get(appid, id), auditId, origin);
  }

  /** POST goods/audit {goodsId} → the new auditId */
  async resubmit(appid: string, id: unknown, origin: Origin = 'api'): Promise<number> {
    return this.review.resubmit(appid, await this.get(appid, id), origin);
  }

  /**
   * POST goods/update {goodsInfo: {goodsId, …only what changes}}, WeChat's rules: goods in review change nothing,
   * approved goods only their prices (priceType, price, price2), unreviewed or rejected goods everything.
   */
  async update(appid: string, info: unknown, origin: Origin = 'api'): Promise<void> {
    const id = goodsIdOf(info && typeof info === 'object' ? (info as { goodsId?: unknown }).goodsId : undefined);
    const f = parseGoodsInfo(info, true);
    const g = await this.get(appid, id);
    GoodsReview.assertApiGoods(g, origin);
    const cover =
      f.coverImgUrl === undefined
        ? undefined
        : await this.images.resolve(appid, f.coverImgUrl, 'coverImgUrl', MAX_IMAGE, Reason.ImageInvalid);
    const out = await this.store.update(appid, id, (row) => {
      const wanted: GoodsChange = {
        name: f.name,
        cover_img: cover,
        url: f.url,
        third_party_appid: f.thirdPartyAppid,
        goods_key: f.goodsKey && JSON.stringify(f.goodsKey),
      };
      const changed = (Object.keys(wanted) as Array<keyof GoodsChange>).filter((k) => wanted[k] !== undefined && wanted[k] !== row[k]);
      if (row.audit_status === AuditStatus.InReview)
        throw new DomainError(
          Reason.GoodsAuditState,
          `goods ${id} is in review: withdraw the review (goods/resetaudit) to change it`,
          'goodsId',
        );
      if (row.audit_status === AuditStatus.Approved && changed.length)
        throw new DomainError(
          Reason.GoodsAuditState,
          `goods ${id} is approved: only priceType, price and price2 may change (not ${changed.join(', ')})`,
          changed[0],
        );
      const priceType = f.priceType ?? row.price_type;
      const price = f.price ?? row.price;
      const price2 = priceType === 1 ? 0 : (f.price2 ?? row.price2);
      assertCheck(checkPrices(priceType, price, price2));
      return { ...wanted, price_type: priceType, price, price2 };
    });
    if (out === 'missing') throw new DomainError(Reason.GoodsNotFound, `goods ${id} does not exist`, 'goodsId');
    for (const roomId of await this.sql.roomsOf(id)) this.events.emit('roomChanged', { roomId, appid });
  }

  /** POST goods/setkey {goodsKey: Array<string>}: the app's global pendant key (the goods url query names that identify a product). */
  async setPendantKey(appid: string, keys: unknown): Promise<void> {
    await this.store.setPendantKey(appid, goodsKeyOf(keys), this.clock.now());
  }

  /** GET goods/getkey → vendorGoodsKey */
  pendantKey(appid: string): Promise<string[]> {
    return this.store.pendantKey(appid);
  }

  /** POST /wxaapi/broadcast/room/addgoods {ids, roomId} */
  async addToRoom(appid: string, roomId: unknown, ids: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const list = Array.isArray(ids) ? ids.map(positiveId) : [];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 200 || list.some((i) => i === undefined))
      throw new DomainError(Reason.BadParameter, 'ids must be a non-empty array (≤ 200) of goods ids', 'ids');
    const wanted = list as number[];
    const found = await this.sql.byIds(appid, wanted);
    for (const id of wanted) {
      const g = found.find((f) => f.id === id);
      if (!g) throw new DomainError(Reason.GoodsNotFound, `goods ${id} does not exist`, 'ids');
      if (g.audit_status !== AuditStatus.Approved) throw new DomainError(Reason.GoodsNotApproved, `goods ${id} is not approved`, 'ids');
    }
    if (!(await this.sql.addToShelf(room.id, wanted, GOODS_RULES.maxGoodsPerRoom)))
      throw new DomainError(Reason.RoomGoodsFull, `a room holds at most ${GOODS_RULES.maxGoodsPerRoom} goods`, 'ids');
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  async setOnSale(appid: string, roomId: unknown, goodsId: unknown, onSale: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const on = intOf(onSale);
    if (on !== 0 && on !== 1) throw new DomainError(Reason.BadParameter, 'onSale must be 0 or 1', 'onSale');
    const gid = positiveId(goodsId);
    if (gid === undefined || !(await this.sql.setOnSale(room.id, gid, on === 1)))
      throw new DomainError(Reason.GoodsNotFound, `goods ${String(goodsId)} is not in room ${room.id}`, 'goodsId');
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  async removeFromRoom(appid: string, roomId: unknown, goodsId: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const gid = positiveId(goodsId);
    if (gid === undefined || !(await this.sql.removeFromShelf(room.id, gid)))
      throw new DomainError(Reason.GoodsNotFound, `goods ${String(goodsId)} is not in room ${room.id}`, 'goodsId');
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  async sort(appid: string, roomId: unknown, order: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const ids = Array.isArray(order)
      ? order.map((g) => (g && typeof g === 'object' ? positiveId((g as { goodsId: unknown }).goodsId) : undefined))
      : [];
    if (!Array.isArray(order) || ids.some((i) => i === undefined))
      throw new DomainError(Reason.BadParameter, 'goods must be an array of {goodsId}', 'goods');
    await this.sql.reorder(room.id, ids as number[]);
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  /** The shelf of several rooms at once (getliveinfo: one query for the page). */
  async shelves(roomIds: number[]): Promise<Map<number, ShelfItem[]>> {
    const out = new Map<number, ShelfItem[]>();
    if (!roomIds.length) return out;
    for (const r of await this.sql.shelves(roomIds)) {
      let list = out.get(r.room_id);
      if (!list) out.set(r.room_id, (list = []));
      list.push(r);
    }
    return out;
  }

  /** The on-sale goods of one room's shelf, as viewers see them. */
  async onSale(roomId: number): Promise<LiveInfoGoods[]> {
    return ((await this.shelves([roomId])).get(roomId) ?? []).filter((g) => g.on_sale).map(liveInfoGoods);
  }

  /** A viewer tapped a product in the room page (counted for the console's numbers). */
  async tap(roomId: number, goodsId: number, openid: string): Promise<void> {
    if (!(await this.sql.insertTap(roomId, goodsId, openid, this.clock.now())))
      throw new DomainError(Reason.GoodsNotFound, `goods ${goodsId} is not on the shelf of room ${roomId}`, 'goods_id');
  }

  /** Storage collector: taps older than `before` are deleted (up to `limit`). */
  purgeTaps(before: number, limit = 10_000): Promise<number> {
    return this.sql.deleteTapsBefore(before, limit);
  }

  /** Taps per product of a room, most tapped first. */
  async tapCounts(roomId: number): Promise<Array<{ goodsId: number; name: string; taps: number }>> {
    return (await this.sql.tapCounts(roomId)).map((t) => ({ goodsId: t.goods_id, name: t.name ?? `#${t.goods_id}`, taps: t.taps }));
  }

  /** Taps per product of a room between two times (the orders' conversion per period). */
  async tapsBetween(roomId: number, from: number, to: number): Promise<Map<number, number>> {
    return new Map((await this.sql.tapsBetween(roomId, from, to)).map((t) => [t.goods_id, t.taps]));
  }
}
