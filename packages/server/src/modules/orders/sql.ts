/** The orders module's tables (migration 9): orders (one per app and order_id) and order_refunds. */
import type { Db } from '../../db/index.js';

export interface OrderRow {
  id: number;
  appid: string;
  order_id: string;
  room_id: number;
  goods_id: number | null;
  openid: string;
  share_openid: string;
  amount: number;
  refunded: number;
  time: number;
  reported_at: number;
}

export type NewOrder = Omit<OrderRow, 'id' | 'refunded'>;

export type RefundOutcome = { kind: 'ok' | 'duplicate'; order: OrderRow } | { kind: 'no_order' } | { kind: 'too_much'; left: number };

export class OrdersSql {
  constructor(private readonly db: Db) {}

  /** Insert the order unless its order_id is known (then nothing changes): true when it was new. */
  async insert(o: NewOrder): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO orders (appid, order_id, room_id, goods_id, openid, share_openid, amount, time, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (appid, order_id) DO NOTHING RETURNING id`,
      [o.appid, o.order_id, o.room_id, o.goods_id, o.openid, o.share_openid, o.amount, o.time, o.reported_at],
    );
    return rows.length > 0;
  }

  /**
   * Record a refund once per (order, refund_id), within what is left of the order: the order row is locked, so two
   * refunds at once can not take more than the amount.
   */
  refund(appid: string, orderId: string, refundId: string, amount: number, time: number, now: number): Promise<RefundOutcome> {
    return this.db.tx(async (sql) => {
      const [order] = await sql.query<OrderRow>('SELECT * FROM orders WHERE appid = $1 AND order_id = $2 FOR UPDATE', [appid, orderId]);
      if (!order) return { kind: 'no_order' };
      const [seen] = await sql.query('SELECT 1 FROM order_refunds WHERE order_pk = $1 AND refund_id = $2', [order.id, refundId]);
      if (seen) return { kind: 'duplicate', order };
      const left = order.amount - order.refunded;
      if (amount > left) return { kind: 'too_much', left };
      await sql.query('INSERT INTO order_refunds (order_pk, refund_id, amount, time, reported_at) VALUES ($1, $2, $3, $4, $5)', [
        order.id,
        refundId,
        amount,
        time,
        now,
      ]);
      const [updated] = await sql.query<OrderRow>('UPDATE orders SET refunded = refunded + $2 WHERE id = $1 RETURNING *', [
        order.id,
        amount,
      ]);
      return { kind: 'ok', order: updated! };
    });
  }

  /** Every order of a room, oldest first. */
  forRoom(roomId: number): Promise<OrderRow[]> {
    return this.db.query<OrderRow>('SELECT * FROM orders WHERE room_id = $1 ORDER BY time, id', [roomId]);
  }

  async refundCount(roomId: number): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM order_refunds f JOIN orders o ON o.id = f.order_pk WHERE o.room_id = $1',
      [roomId],
    );
    return r?.n ?? 0;
  }
}
