/** Goods library and room shelves (S-ROOM-2; WeChat's broadcast/goods API). Prices are stored in fen. */
import { Errcode, type GoodsInfoInput, type LiveInfoGoods } from '@zhibo/protocol';
import { type Clock, GOODS_RULES, checkGoodsName, checkPrices, yuanToFen } from '@zhibo/core';
import type { Db } from '../db/index.js';
import { WxFail } from './errors.js';
import type { DomainEvents, TypedEmitter } from './events.js';
import type { ImageService } from './images.js';
import type { RoomService } from './rooms.js';

export const AuditStatus = { NotSubmitted: 0, InReview: 1, Approved: 2, Rejected: 3 } as const;

export interface GoodsRow {
  id: number;
  appid: string;
  name: string;
  cover_img: string;
  price_type: 1 | 2 | 3;
  price: number;
  price2: number;
  url: string;
  third_party_appid: string;
  goods_key: string;
  audit_status: number;
  audit_id: number;
}

export interface ShelfItem extends GoodsRow {
  room_id: number;
  sort: number;
  on_sale: boolean;
}

const GOODS_COLUMNS = 'id, appid, name, cover_img, price_type, price, price2, url, third_party_appid, goods_key, audit_status, audit_id';

export class GoodsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly images: ImageService,
    private readonly rooms: RoomService,
    private readonly events: TypedEmitter<DomainEvents>,
    /** WeChat reviews goods; zhibo approves at once unless review is switched on. */
    private readonly autoApprove: () => boolean = () => true,
  ) {}

  /** POST /wxaapi/broadcast/goods/add */
  async add(appid: string, info: Partial<GoodsInfoInput> | undefined): Promise<{ goodsId: number; auditId: number }> {
    if (!info || typeof info !== 'object') throw new WxFail(Errcode.BadParameter, 'goodsInfo is required', 'goodsInfo');
    if (typeof info.name !== 'string') throw new WxFail(Errcode.GoodsNameViolation, 'goodsInfo.name is required', 'name');
    const n = checkGoodsName(info.name);
    if (!n.ok) throw new WxFail(n.errcode, n.message, n.field);
    const priceType = info.priceType ?? 1;
    if (priceType !== 1 && priceType !== 2 && priceType !== 3) throw new WxFail(Errcode.BadParameter, 'priceType must be 1, 2 or 3', 'priceType');
    const p1 = yuanToFen(info.price);
    if (!p1.ok) throw new WxFail(Errcode.PriceInvalid, p1.message, 'price');
    let price2 = 0;
    if (priceType !== 1) {
      const p2 = yuanToFen(info.price2);
      if (!p2.ok) throw new WxFail(Errcode.PriceInvalid, `price2: ${p2.message}`, 'price2');
      price2 = p2.fen;
    }
    const pc = checkPrices(priceType, p1.fen, price2);
    if (!pc.ok) throw new WxFail(pc.errcode, pc.message, pc.field);
    if (typeof info.url !== 'string' || !info.url.trim() || info.url.length > GOODS_RULES.urlMaxLength)
      throw new WxFail(Errcode.GoodsUrlInvalid, `url is required (a page path of the merchant's site, ≤ ${GOODS_RULES.urlMaxLength} characters)`, 'url');
    const cover = await this.images.resolve(appid, info.coverImgUrl, 'coverImgUrl', 2 * 1024 * 1024, Errcode.ImageUploadFailed);
    const str = (v: unknown, f: string) => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string' || v.length > 128) throw new WxFail(Errcode.BadParameter, `${f} must be a string of at most 128 characters`, f);
      return v;
    };
    const [row] = await this.db.query<{ id: number; audit_id: number }>(
      `INSERT INTO goods (appid, name, cover_img, price_type, price, price2, url, third_party_appid, goods_key, audit_status, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id, audit_id`,
      [appid, info.name, cover, priceType, p1.fen, price2, info.url.trim(), str(info.thirdPartyAppid, 'thirdPartyAppid'), str(info.goodsKey, 'goodsKey'),
        this.autoApprove() ? AuditStatus.Approved : AuditStatus.InReview, this.clock.now()],
    );
    return { goodsId: row!.id, auditId: row!.audit_id };
  }

  async get(appid: string, id: unknown): Promise<GoodsRow> {
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new WxFail(Errcode.GoodsNotFound, 'goodsId must be a positive integer', 'goodsId');
    const [row] = await this.db.query<GoodsRow>(`SELECT ${GOODS_COLUMNS} FROM goods WHERE id=$1 AND appid=$2 AND deleted_at IS NULL`, [id, appid]);
    if (!row) throw new WxFail(Errcode.GoodsNotFound, `goods ${id} does not exist`);
    return row;
  }

  async list(appid: string, offset: number, limit: number, status?: number): Promise<{ goods: GoodsRow[]; total: number }> {
    const cond = status === undefined ? '' : 'AND audit_status = $4';
    const params: unknown[] = [appid, offset, limit];
    if (status !== undefined) params.push(status);
    const goods = await this.db.query<GoodsRow>(`SELECT ${GOODS_COLUMNS} FROM goods WHERE appid=$1 AND deleted_at IS NULL ${cond} ORDER BY id OFFSET $2 LIMIT $3`, params);
    const [c] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM goods WHERE appid=$1 AND deleted_at IS NULL ${status === undefined ? '' : 'AND audit_status = $2'}`, status === undefined ? [appid] : [appid, status]);
    return { goods, total: c?.n ?? 0 };
  }

  /** POST /wxaapi/broadcast/goods/delete: also leaves every room. */
  async delete(appid: string, id: unknown): Promise<void> {
    const g = await this.get(appid, id);
    const rooms = await this.db.tx(async (sql) => {
      await sql.query('UPDATE goods SET deleted_at=$2 WHERE id=$1', [g.id, this.clock.now()]);
      return sql.query<{ room_id: number }>('DELETE FROM room_goods WHERE goods_id=$1 RETURNING room_id', [g.id]);
    });
    for (const r of rooms) this.events.emit('roomChanged', { roomId: r.room_id, appid });
  }

  /** POST /wxaapi/broadcast/room/addgoods {ids, roomId} */
  async addToRoom(appid: string, roomId: unknown, ids: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 200 || !ids.every((i) => typeof i === 'number' && Number.isInteger(i) && i > 0))
      throw new WxFail(Errcode.BadParameter, 'ids must be a non-empty array (≤ 200) of goods ids', 'ids');
    const found = await this.db.query<{ id: number; audit_status: number }>('SELECT id, audit_status FROM goods WHERE appid=$1 AND deleted_at IS NULL AND id = ANY($2::int[])', [appid, ids]);
    for (const id of ids as number[]) {
      const g = found.find((f) => f.id === id);
      if (!g) throw new WxFail(Errcode.GoodsNotFound, `goods ${id} does not exist`);
      if (g.audit_status !== AuditStatus.Approved) throw new WxFail(Errcode.GoodsNotApproved, `goods ${id} is not approved`);
    }
    await this.db.tx(async (sql) => {
      const [c] = await sql.query<{ n: number; top: number }>('SELECT count(*)::int AS n, COALESCE(max(sort), 0)::int AS top FROM room_goods WHERE room_id=$1', [room.id]);
      const existing = new Set((await sql.query<{ goods_id: number }>('SELECT goods_id FROM room_goods WHERE room_id=$1', [room.id])).map((r) => r.goods_id));
      const fresh = [...new Set(ids as number[])].filter((i) => !existing.has(i));
      if ((c?.n ?? 0) + fresh.length > GOODS_RULES.maxGoodsPerRoom) throw new WxFail(Errcode.RoomGoodsFull, `a room holds at most ${GOODS_RULES.maxGoodsPerRoom} goods`);
      let sort = c?.top ?? 0;
      for (const id of fresh) await sql.query('INSERT INTO room_goods (room_id, goods_id, sort) VALUES ($1,$2,$3)', [room.id, id, ++sort]);
    });
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  async setOnSale(appid: string, roomId: unknown, goodsId: unknown, onSale: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (onSale !== 0 && onSale !== 1) throw new WxFail(Errcode.BadParameter, 'onSale must be 0 or 1', 'onSale');
    const rows = await this.db.query('UPDATE room_goods SET on_sale=$3 WHERE room_id=$1 AND goods_id=$2 RETURNING goods_id', [room.id, goodsId, onSale === 1]);
    if (!rows.length) throw new WxFail(Errcode.GoodsNotFound, `goods ${String(goodsId)} is not in room ${room.id}`);
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  async removeFromRoom(appid: string, roomId: unknown, goodsId: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const rows = await this.db.query('DELETE FROM room_goods WHERE room_id=$1 AND goods_id=$2 RETURNING goods_id', [room.id, goodsId]);
    if (!rows.length) throw new WxFail(Errcode.GoodsNotFound, `goods ${String(goodsId)} is not in room ${room.id}`);
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  async sort(appid: string, roomId: unknown, order: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (!Array.isArray(order) || !order.every((g) => g && typeof g === 'object' && Number.isInteger((g as { goodsId: unknown }).goodsId)))
      throw new WxFail(Errcode.BadParameter, 'goods must be an array of {goodsId}', 'goods');
    await this.db.tx(async (sql) => {
      let i = 0;
      for (const g of order as Array<{ goodsId: number }>) await sql.query('UPDATE room_goods SET sort=$3 WHERE room_id=$1 AND goods_id=$2', [room.id, g.goodsId, ++i]);
    });
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  /** The shelf of several rooms at once (getliveinfo: one query for the page). */
  async shelves(roomIds: number[]): Promise<Map<number, ShelfItem[]>> {
    const out = new Map<number, ShelfItem[]>();
    if (!roomIds.length) return out;
    const rows = await this.db.query<ShelfItem>(
      `SELECT rg.room_id, rg.sort, rg.on_sale, ${GOODS_COLUMNS.split(', ').map((c) => `g.${c}`).join(', ')}
       FROM room_goods rg JOIN goods g ON g.id = rg.goods_id AND g.deleted_at IS NULL
       WHERE rg.room_id = ANY($1::int[]) ORDER BY rg.room_id, rg.sort`,
      [roomIds],
    );
    for (const r of rows) {
      let list = out.get(r.room_id);
      if (!list) out.set(r.room_id, (list = []));
      list.push(r);
    }
    return out;
  }
}

/** S-API-1: a goods item exactly as getliveinfo shows it (prices in fen). */
export function liveInfoGoods(g: GoodsRow): LiveInfoGoods {
  return { cover_img: g.cover_img, url: g.url, price: g.price, name: g.name, goods_id: g.id, price2: g.price2, price_type: g.price_type };
}
