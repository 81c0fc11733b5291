/** Goods library and room shelves (S-ROOM-2; WeChat's broadcast/goods API). Prices are stored in fen. */
import { type GoodsInfoInput, type LiveInfoGoods, Reason } from '@zhibo/protocol';
import { type Clock, GOODS_RULES, checkGoodsName, checkPrices, yuanToFen } from '@zhibo/core';
import type { DomainBus } from '../../lib/domain-events.js';
import { DomainError, assertCheck } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import type { ImageService } from '../images/service.js';
import type { RoomService } from '../rooms/service.js';
import type { GoodsRow, GoodsSql, ShelfItem } from './sql.js';

export const AuditStatus = { NotSubmitted: 0, InReview: 1, Approved: 2, Rejected: 3 } as const;

/** S-API-1: a goods item exactly as getliveinfo shows it (prices in fen). */
export function liveInfoGoods(g: GoodsRow): LiveInfoGoods {
  return { cover_img: g.cover_img, url: g.url, price: g.price, name: g.name, goods_id: g.id, price2: g.price2, price_type: g.price_type };
}

export class GoodsService {
  constructor(
    private readonly sql: GoodsSql,
    private readonly clock: Clock,
    private readonly images: ImageService,
    private readonly rooms: RoomService,
    private readonly events: DomainBus,
    /** WeChat reviews goods; zhibo approves at once unless review is switched on. */
    private readonly autoApprove: () => boolean = () => true,
  ) {}

  /** POST /wxaapi/broadcast/goods/add */
  async add(appid: string, info: Partial<GoodsInfoInput> | undefined): Promise<{ goodsId: number; auditId: number }> {
    if (!info || typeof info !== 'object') throw new DomainError(Reason.BadParameter, 'goodsInfo is required', 'goodsInfo');
    if (typeof info.name !== 'string') throw new DomainError(Reason.GoodsNameInvalid, 'goodsInfo.name is required', 'name');
    assertCheck(checkGoodsName(info.name));
    const priceType = typeof info.priceType === 'string' ? Number(info.priceType) : (info.priceType ?? 1);
    if (priceType !== 1 && priceType !== 2 && priceType !== 3) throw new DomainError(Reason.BadParameter, 'priceType must be 1, 2 or 3', 'priceType');
    const p1 = yuanToFen(info.price);
    if (!p1.ok) throw new DomainError(Reason.PriceInvalid, p1.message, 'price');
    let price2 = 0;
    if (priceType !== 1) {
      const p2 = yuanToFen(info.price2);
      if (!p2.ok) throw new DomainError(Reason.PriceInvalid, `price2: ${p2.message}`, 'price2');
      price2 = p2.fen;
    }
    assertCheck(checkPrices(priceType, p1.fen, price2));
    if (typeof info.url !== 'string' || !info.url.trim() || info.url.length > GOODS_RULES.urlMaxLength)
      throw new DomainError(Reason.GoodsUrlInvalid, `url is required (a page path of the merchant's site, ≤ ${GOODS_RULES.urlMaxLength} characters)`, 'url');
    const cover = await this.images.resolve(appid, info.coverImgUrl, 'coverImgUrl', 2 * 1024 * 1024, Reason.ImageInvalid);
    const str = (v: unknown, f: string) => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string' || v.length > 128) throw new DomainError(Reason.BadParameter, `${f} must be a string of at most 128 characters`, f);
      return v;
    };
    const row = await this.sql.insert(
      {
        appid, name: info.name, cover_img: cover, price_type: priceType, price: p1.fen, price2, url: info.url.trim(),
        third_party_appid: str(info.thirdPartyAppid, 'thirdPartyAppid'), goods_key: str(info.goodsKey, 'goodsKey'),
        audit_status: this.autoApprove() ? AuditStatus.Approved : AuditStatus.InReview,
      },
      this.clock.now(),
    );
    return { goodsId: row.id, auditId: row.audit_id };
  }

  async get(appid: string, id: unknown): Promise<GoodsRow> {
    const goodsId = positiveId(id);
    if (goodsId === undefined) throw new DomainError(Reason.GoodsNotFound, 'goodsId must be a positive integer', 'goodsId');
    const row = await this.sql.get(appid, goodsId);
    if (!row) throw new DomainError(Reason.GoodsNotFound, `goods ${goodsId} does not exist`, 'goodsId');
    return row;
  }

  list(appid: string, offset: number, limit: number, status?: number): Promise<{ goods: GoodsRow[]; total: number }> {
    return this.sql.list(appid, offset, limit, status);
  }

  /** POST /wxaapi/broadcast/goods/delete: also leaves every room. */
  async delete(appid: string, id: unknown): Promise<void> {
    const g = await this.get(appid, id);
    for (const roomId of await this.sql.softDelete(g.id, this.clock.now())) this.events.emit('roomChanged', { roomId, appid });
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
    const on = typeof onSale === 'string' ? Number(onSale) : onSale;
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
    const ids = Array.isArray(order) ? order.map((g) => (g && typeof g === 'object' ? positiveId((g as { goodsId: unknown }).goodsId) : undefined)) : [];
    if (!Array.isArray(order) || ids.some((i) => i === undefined)) throw new DomainError(Reason.BadParameter, 'goods must be an array of {goodsId}', 'goods');
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
}
