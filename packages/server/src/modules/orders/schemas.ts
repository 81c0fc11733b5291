/** OpenAPI descriptions of the orders module's routes (zhibo's extension in the WeChat envelope; http/route-docs.ts). */
import { int, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const ORDER_ID = {
  type: ['string', 'integer'],
  description: '1–64 of A–Z a–z 0–9 _ - . : (a non-negative integer is taken as its digits)',
};
const TIME = int('unix seconds, not in the future (default now)');
const answer = obj({ duplicate: int('1 when this order (or refund) was already reported: nothing changed', { enum: [0, 1] }) }, [
  'duplicate',
]);

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/order/report': {
    summary:
      'Report an order the live brought (idempotent by order_id); pass back the room_id, openid and share_openid the room page gave the goods page',
    body: obj(
      {
        order_id: ORDER_ID,
        room_id: ROOM_ID,
        goods_id: int("one of the app's goods (optional)", { minimum: 1 }),
        openid: str('the buyer'),
        share_openid: str('the sharer (share-card entries)'),
        amount: int('fen (1100 = ¥11.00)', { minimum: 0 }),
        time: TIME,
      },
      ['order_id', 'room_id', 'amount'],
    ),
    response: answer,
  },
  'POST /wxaapi/broadcast/order/refund': {
    summary: 'Report money back on a reported order (idempotent by order_id and refund_id; at most what is left of the order)',
    body: obj(
      {
        order_id: ORDER_ID,
        refund_id: { ...ORDER_ID, description: 'default: the order_id (one refund per order)' },
        amount: int('fen', { minimum: 0 }),
        time: TIME,
      },
      ['order_id', 'amount'],
    ),
    response: answer,
  },
};
