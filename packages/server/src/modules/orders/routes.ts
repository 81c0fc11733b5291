/**
 * Orders in the WeChat envelope (access_token), zhibo's extension: report an order or a refund the live brought.
 * `{errcode: 0, duplicate: 0|1}` — a repeat of an order_id (or of a refund_id) is answered 0 and changes nothing.
 */
import { ok, type WxRouter } from '../../http/wx.js';
import type { OrderService } from './service.js';

export function wxRoutes(r: WxRouter, orders: OrderService): void {
  r.post('/wxaapi/broadcast/order/report', async ({ appid, body }) =>
    ok({ duplicate: (await orders.report(appid, body)).duplicate ? 1 : 0 }),
  );
  r.post('/wxaapi/broadcast/order/refund', async ({ appid, body }) =>
    ok({ duplicate: (await orders.refund(appid, body)).duplicate ? 1 : 0 }),
  );
}
