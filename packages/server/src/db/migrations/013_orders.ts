/**
 * Migration 13 (issue 15): orders traced to the live — owned by the orders module.
 * - orders: one row per (appid, order_id) the merchant reported (a repeat changes nothing); amount in fen, time in ms.
 * - order_refunds: money back on an order, one row per (order, refund_id); net GMV = amounts − refunds.
 */
export default `
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  order_id text NOT NULL,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  goods_id integer,
  openid text NOT NULL DEFAULT '',
  share_openid text NOT NULL DEFAULT '',
  amount bigint NOT NULL,
  refunded bigint NOT NULL DEFAULT 0,
  time bigint NOT NULL,
  reported_at bigint NOT NULL,
  UNIQUE (appid, order_id)
);
CREATE INDEX orders_room ON orders (room_id, time);
CREATE TABLE order_refunds (
  order_pk bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  refund_id text NOT NULL,
  amount bigint NOT NULL,
  time bigint NOT NULL,
  reported_at bigint NOT NULL,
  PRIMARY KEY (order_pk, refund_id)
);
`;
