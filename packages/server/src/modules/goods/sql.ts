/** The goods module's tables: goods (the library), room_goods (shelves), goods_taps (taps from the room page). */
import type { Db } from '../../db/index.js';

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
  /** JSON array of strings (WeChat's goodsKey) */
  goods_key: string;
  audit_status: number;
  /** the current review submission (goods_audits.id) */
  audit_id: number;
  /** 2: created through the WeChat API; 0: in the console */
  third_party_tag: number;
  /** the operator's reason when the last review was rejected */
  audit_reason: string;
}

export interface ShelfItem extends GoodsRow {
  room_id: number;
  sort: number;
  on_sale: boolean;
}

const GOODS_COLUMNS =
  'id, appid, name, cover_img, price_type, price, price2, url, third_party_appid, goods_key, audit_status, audit_id, third_party_tag, audit_reason';

export class GoodsSql {
  constructor(private readonly db: Db) {}

  /** A new goods and its first review submission (state pending, or approved at once when `approvedBy` is given), in one transaction. */
  insert(
    g: Omit<GoodsRow, 'id' | 'audit_id' | 'audit_status' | 'audit_reason'>,
    at: number,
    approvedBy: string | null,
  ): Promise<{ id: number; audit_id: number }> {
    return this.db.tx(async (sql) => {
      const [row] = await sql.query<{ id: number; audit_id: number }>(
        `INSERT INTO goods (appid, name, cover_img, price_type, price, price2, url, third_party_appid, goods_key, audit_status, third_party_tag, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id, audit_id`,
        [
          g.appid,
          g.name,
          g.cover_img,
          g.price_type,
          g.price,
          g.price2,
          g.url,
          g.third_party_appid,
          g.goods_key,
          approvedBy ? 2 : 1,
          g.third_party_tag,
          at,
        ],
      );
      await sql.query(
        `INSERT INTO goods_audits (id, goods_id, appid, submitted_at, state, decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row!.audit_id, row!.id, g.appid, at, approvedBy ? 'approved' : 'pending', approvedBy ? at : null, approvedBy],
      );
      return row!;
    });
  }

  async get(appid: string, id: number): Promise<GoodsRow | undefined> {
    const [row] = await this.db.query<GoodsRow>(`SELECT ${GOODS_COLUMNS} FROM goods WHERE id=$1 AND appid=$2 AND deleted_at IS NULL`, [
      id,
      appid,
    ]);
    return row;
  }

  async list(appid: string, offset: number, limit: number, status?: number): Promise<{ goods: GoodsRow[]; total: number }> {
    const cond = status === undefined ? '' : 'AND audit_status = $4';
    const params: unknown[] = [appid, offset, limit];
    if (status !== undefined) params.push(status);
    const goods = await this.db.query<GoodsRow>(
      `SELECT ${GOODS_COLUMNS} FROM goods WHERE appid=$1 AND deleted_at IS NULL ${cond} ORDER BY id OFFSET $2 LIMIT $3`,
      params,
    );
    const [c] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM goods WHERE appid=$1 AND deleted_at IS NULL ${status === undefined ? '' : 'AND audit_status = $2'}`,
      status === undefined ? [appid] : [appid, status],
    );
    return { goods, total: c?.n ?? 0 };
  }

  /** Soft-delete goods (unless it is in review) and take it off every shelf; returns the rooms it left, or null when it is in review. */
  softDelete(id: number, at: number): Promise<number[] | null> {
    return this.db.tx(async (sql) => {
      const done = await sql.query('UPDATE goods SET deleted_at=$2 WHERE id=$1 AND audit_status <> 1 AND deleted_at IS NULL RETURNING id', [
        id,
        at,
      ]);
      if (!done.length) return null;
      return (await sql.query<{ room_id: number }>('DELETE FROM room_goods WHERE goods_id=$1 RETURNING room_id', [id])).map(
        (r) => r.room_id,
      );
    });
  }

  /** Full rows of several goods of an app (getgoodswarehouse), in id order. */
  rows(appid: string, ids: number[]): Promise<GoodsRow[]> {
    return this.db.query<GoodsRow>(
      `SELECT ${GOODS_COLUMNS} FROM goods WHERE appid=$1 AND deleted_at IS NULL AND id = ANY($2::int[]) ORDER BY id`,
      [appid, ids],
    );
  }

  /** Rooms whose shelf holds this goods. */
  async roomsOf(goodsId: number): Promise<number[]> {
    return (await this.db.query<{ room_id: number }>('SELECT room_id FROM room_goods WHERE goods_id=$1', [goodsId])).map((r) => r.room_id);
  }

  byIds(appid: string, ids: number[]): Promise<Array<{ id: number; audit_status: number }>> {
    return this.db.query('SELECT id, audit_status FROM goods WHERE appid=$1 AND deleted_at IS NULL AND id = ANY($2::int[])', [appid, ids]);
  }

  /** Put goods on a shelf (after the ones there); refuses past `max` goods. Returns false when the shelf would be too full. */
  addToShelf(roomId: number, ids: number[], max: number): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const [c] = await sql.query<{ n: number; top: number }>(
        'SELECT count(*)::int AS n, COALESCE(max(sort), 0)::int AS top FROM room_goods WHERE room_id=$1',
        [roomId],
      );
      const existing = new Set(
        (await sql.query<{ goods_id: number }>('SELECT goods_id FROM room_goods WHERE room_id=$1', [roomId])).map((r) => r.goods_id),
      );
      const fresh = [...new Set(ids)].filter((i) => !existing.has(i));
      if ((c?.n ?? 0) + fresh.length > max) return false;
      let sort = c?.top ?? 0;
      for (const id of fresh) await sql.query('INSERT INTO room_goods (room_id, goods_id, sort) VALUES ($1,$2,$3)', [roomId, id, ++sort]);
      return true;
    });
  }

  async setOnSale(roomId: number, goodsId: number, onSale: boolean): Promise<boolean> {
    return (
      (
        await this.db.query('UPDATE room_goods SET on_sale=$3 WHERE room_id=$1 AND goods_id=$2 RETURNING goods_id', [
          roomId,
          goodsId,
          onSale,
        ])
      ).length > 0
    );
  }

  async removeFromShelf(roomId: number, goodsId: number): Promise<boolean> {
    return (
      (await this.db.query('DELETE FROM room_goods WHERE room_id=$1 AND goods_id=$2 RETURNING goods_id', [roomId, goodsId])).length > 0
    );
  }

  async reorder(roomId: number, goodsIds: number[]): Promise<void> {
    await this.db.tx(async (sql) => {
      let i = 0;
      for (const g of goodsIds) await sql.query('UPDATE room_goods SET sort=$3 WHERE room_id=$1 AND goods_id=$2', [roomId, g, ++i]);
    });
  }

  /** The shelves of several rooms at once (getliveinfo: one query for the page), in shelf order. */
  shelves(roomIds: number[]): Promise<ShelfItem[]> {
    return this.db.query<ShelfItem>(
      `SELECT rg.room_id, rg.sort, rg.on_sale, ${GOODS_COLUMNS.split(', ')
        .map((c) => `g.${c}`)
        .join(', ')}
       FROM room_goods rg JOIN goods g ON g.id = rg.goods_id AND g.deleted_at IS NULL
       WHERE rg.room_id = ANY($1::int[]) ORDER BY rg.room_id, rg.sort`,
      [roomIds],
    );
  }

  /** Count a tap if the goods is on that room's shelf; false otherwise. */
  async insertTap(roomId: number, goodsId: number, openid: string, at: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO goods_taps (room_id, goods_id, openid, at) SELECT $1, $2, $3, $4
       WHERE EXISTS (SELECT 1 FROM room_goods WHERE room_id = $1 AND goods_id = $2) RETURNING id`,
      [roomId, goodsId, openid, at],
    );
    return rows.length > 0;
  }

  /** Delete up to `limit` taps older than `before` (retention). */
  async deleteTapsBefore(before: number, limit: number): Promise<number> {
    return (
      await this.db.query(
        'DELETE FROM goods_taps WHERE id IN (SELECT id FROM goods_taps WHERE at < $1 ORDER BY at LIMIT $2) RETURNING id',
        [before, limit],
      )
    ).length;
  }

  tapCounts(roomId: number): Promise<Array<{ goods_id: number; name: string | null; taps: number }>> {
    return this.db.query(
      `SELECT t.goods_id, g.name, count(*)::int AS taps FROM goods_taps t LEFT JOIN goods g ON g.id = t.goods_id
       WHERE t.room_id = $1 GROUP BY t.goods_id, g.name ORDER BY taps DESC, t.goods_id`,
      [roomId],
    );
  }

  /** Taps per product of a room at `[from, to)` (ms). */
  tapsBetween(roomId: number, from: number, to: number): Promise<Array<{ goods_id: number; taps: number }>> {
    return this.db.query(
      'SELECT goods_id, count(*)::int AS taps FROM goods_taps WHERE room_id = $1 AND at >= $2 AND at < $3 GROUP BY goods_id',
      [roomId, from, to],
    );
  }
}
