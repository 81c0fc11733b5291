/**
 * Orders (issue 15): owns `orders` and `order_refunds`. The merchant reports orders and refunds the live brought
 * (WeChat envelope); the console's numbers read them through `salesNumbers()`.
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { Log } from '../../lib/log.js';
import type { GoodsService } from '../goods/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { wxRoutes } from './routes.js';
import { OrderService } from './service.js';
import { OrdersSql } from './sql.js';

export { OrderService } from './service.js';
export { salesNumbers, salesCsvRows, type SalesNumbers } from './numbers.js';

export interface OrdersDeps {
  db: Db;
  clock: Clock;
  log: Log;
  rooms: RoomService;
  goods: GoodsService;
}

export function create(d: OrdersDeps): Module<OrderService> {
  const service = new OrderService(new OrdersSql(d.db), d.rooms, d.goods, d.clock, d.log);
  return { service, routes: { wx: (r) => wxRoutes(r, service) }, components: [] };
}
