/** The goods library, its review and room shelves: owns `goods`, `goods_audits`, `goods_pendant_keys`, `room_goods`, `goods_taps`. */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { ImageService } from '../images/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { GoodsReviewStore } from './review/store.js';
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
  /** the app's review switch (app setting `goodsReview`) */
  reviewOn(appid: string): Promise<boolean>;
  /** the public address for links handed to the sender of `req` (http/base-url.ts) */
  base?(req: FastifyRequest): string;
  /** cluster mode: rate limits shared through Redis */
  buckets?: BucketFactory | undefined;
}

export function create(d: GoodsDeps): Module<GoodsService> {
  const service = new GoodsService(new GoodsSql(d.db), new GoodsReviewStore(d.db), d.clock, d.images, d.rooms, d.events, (appid) =>
    d.reviewOn(appid),
  );
  const imageUrl = (stored: string, req: FastifyRequest) => d.images.url(stored, d.base?.(req));
  const tapBucket = (d.buckets ?? localBuckets)('goods-tap', 500, 500);
  return {
    service,
    routes: { wx: (r) => wxRoutes(r, service, imageUrl), plugin: (r) => pluginRoutes(r, service, tapBucket) },
    components: [],
  };
}
