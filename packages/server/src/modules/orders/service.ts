/**
 * Orders traced to the live (issue 15): the merchant reports an order or a refund in the WeChat envelope with the
 * parameters the room page handed its goods page (room_id, openid, share_openid); a repeat changes nothing, a refund
 * subtracts. The console's numbers turn them into GMV and conversion (numbers.ts).
 */
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import { intOf, isOpenid, positiveId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import type { GoodsService } from '../goods/service.js';
import type { RoomService } from '../rooms/service.js';
import type { OrderRow, OrdersSql } from './sql.js';

const ORDER_ID = /^[A-Za-z0-9_\-.:]{1,64}$/;
/** 1 000 000 000 yuan in fen: more is a mistake */
const MAX_AMOUNT = 100_000_000_000;
const EARLIEST = 946_684_800; // 2000-01-01, unix seconds

export interface ReportResult {
  duplicate: boolean;
}

export class OrderService {
  constructor(
    private readonly sql: OrdersSql,
    private readonly rooms: RoomService,
    private readonly goods: GoodsService,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  private orderId(v: unknown, field = 'order_id'): string {
    const s = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v;
    if (typeof s !== 'string' || !ORDER_ID.test(s))
      throw new DomainError(Reason.BadParameter, `${field} must be 1–64 of A–Z a–z 0–9 _ - . :`, field);
    return s;
  }

  private amount(v: unknown): number {
    const n = intOf(v);
    if (n === undefined || n < 0 || n > MAX_AMOUNT)
      throw new DomainError(Reason.BadParameter, 'amount must be an integer number of fen (1100 = ¥11.00), 0 or more', 'amount');
    return n;
  }

  /** Unix seconds (WeChat's times) → ms; absent = now. Not before 2000, not more than a day ahead. */
  private time(v: unknown): number {
    const now = this.clock.now();
    if (v === undefined || v === null || v === '') return now;
    const n = intOf(v);
    if (n === undefined || n < EARLIEST || n * 1000 > now + 86_400_000)
      throw new DomainError(Reason.BadParameter, 'time must be unix seconds (not in the future)', 'time');
    return n * 1000;
  }

  private viewer(v: unknown, field: string): string {
    if (v === undefined || v === null || v === '') return '';
    if (!isOpenid(v)) throw new DomainError(Reason.BadParameter, `${field} must be an openid the room page gave your goods page`, field);
    return v;
  }

  /** POST /wxaapi/broadcast/order/report. */
  async report(appid: string, b: Record<string, unknown>): Promise<ReportResult> {
    const orderId = this.orderId(b.order_id);
    const room = await this.rooms.get(appid, b.room_id);
    let goodsId: number | null = null;
    if (b.goods_id !== undefined && b.goods_id !== null && b.goods_id !== '' && b.goods_id !== 0) {
      const gid = positiveId(b.goods_id);
      if (gid === undefined) throw new DomainError(Reason.GoodsNotFound, 'goods_id must be a positive integer', 'goods_id');
      goodsId = (await this.goods.get(appid, gid)).id;
    }
    const order = {
      appid,
      order_id: orderId,
      room_id: room.id,
      goods_id: goodsId,
      openid: this.viewer(b.openid, 'openid'),
      share_openid: this.viewer(b.share_openid, 'share_openid'),
      amount: this.amount(b.amount),
      time: this.time(b.time),
      reported_at: this.clock.now(),
    };
    const fresh = await this.sql.insert(order);
    if (fresh) this.log.debug(`room ${room.id}: order ${orderId} reported (${order.amount} fen)`);
    return { duplicate: !fresh };
  }

  /** POST /wxaapi/broadcast/order/refund {order_id, refund_id?, amount, time?}. */
  async refund(appid: string, b: Record<string, unknown>): Promise<ReportResult> {
    const orderId = this.orderId(b.order_id);
    const refundId =
      b.refund_id === undefined || b.refund_id === null || b.refund_id === '' ? orderId : this.orderId(b.refund_id, 'refund_id');
    const amount = this.amount(b.amount);
    const r = await this.sql.refund(appid, orderId, refundId, amount, this.time(b.time), this.clock.now());
    if (r.kind === 'no_order')
      throw new DomainError(Reason.NotFound, `order ${orderId} was not reported (report the order first)`, 'order_id');
    if (r.kind === 'too_much')
      throw new DomainError(
        Reason.BadParameter,
        `refund of ${amount} fen is more than the ${r.left} fen left of order ${orderId}`,
        'amount',
      );
    return { duplicate: r.kind === 'duplicate' };
  }

  forRoom(roomId: number): Promise<OrderRow[]> {
    return this.sql.forRoom(roomId);
  }

  refundCount(roomId: number): Promise<number> {
    return this.sql.refundCount(roomId);
  }
}
