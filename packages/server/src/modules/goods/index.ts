/** The goods library and room shelves: owns `goods`, `room_goods`, `goods_taps`. */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { ImageService } from '../images/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { pluginRoutes, wxRoutes } from './routes.js';
import { type BucketFactory, localBuckets } from '../../lib/shared-limits.js';
import { GoodsService } from './service.js';
import { GoodsSql } from './sql.js';

export { GoodsService } from './service.js';

export interface GoodsDeps {
  db: Db;
  clock: Clock;
  events: DomainBus;
  images: ImageService;
  rooms: RoomService;
  /** cluster mode: rate limits shared through Redis */
  buckets?: BucketFactory;
}

export function create(d: GoodsDeps): Module<GoodsService> {
  const service = new GoodsService(new GoodsSql(d.db), d.clock, d.images, d.rooms, d.events);
  return { service, routes: { wx: (r) => wxRoutes(r, service), plugin: (r) => pluginRoutes(r, service, (d.buckets ?? localBuckets)('goods-tap', 500, 500)) }, components: [] };
}
