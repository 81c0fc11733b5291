/** The room page, the browser bundles and the SDK file, and the room page's snapshot read. Owns no table. */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import { StaticFiles } from '../../http/static.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { AppService } from '../apps/service.js';
import type { GoodsService } from '../goods/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { feedRoutes } from './feeds.js';
import { RoomReadCache } from './room-cache.js';
import { type CachedRoomRead, pluginRoutes, webRoutes } from './routes.js';

/** packages/server/public/build, next to src/ and dist/. */
export const DEFAULT_BUILD_DIR = fileURLToPath(new URL('../../../public/build/', import.meta.url));

export interface WebModuleDeps {
  clock: Clock;
  rooms: RoomService;
  goods: GoodsService;
  apps: AppService;
  minSdkVersion: string;
  /** serve `*.map` (ZHIBO_SOURCE_MAPS) */
  sourceMaps?: boolean;
  buildDir?: string;
  base(req: FastifyRequest): string;
  /** room, shelf and app changes drop the cached room reads */
  events?: DomainBus;
}

export function create(d: WebModuleDeps): Module<StaticFiles> {
  const files = new StaticFiles(d.buildDir ?? DEFAULT_BUILD_DIR, d.sourceMaps ?? false);
  const roomCache = new RoomReadCache<CachedRoomRead>(() => performance.now());
  d.events?.on('roomChanged', (e) => roomCache.drop(e.roomId));
  d.events?.on('roomDeleted', (e) => roomCache.drop(e.roomId));
  d.events?.on('appChanged', () => roomCache.clear());
  const deps = { ...d, files, roomCache };
  return {
    service: files,
    routes: {
      web: (a) => {
        webRoutes(a, deps);
        feedRoutes(a, deps);
      },
      plugin: (r) => pluginRoutes(r, deps),
    },
    components: [],
  };
}
