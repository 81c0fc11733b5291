/** getliveinfo / get_replay and the daily quota they share (S-API-1..4): owns `api_quota`. */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { AppService } from '../apps/service.js';
import type { GoodsService } from '../goods/service.js';
import type { Module } from '../module.js';
import type { ReplayService } from '../replays/service.js';
import type { RoomService } from '../rooms/service.js';
import { QuotaService } from './quota.js';
import { applyRoutes } from './apply.js';
import { wxRoutes } from './routes.js';
import { LiveInfoService } from './service.js';
import { QuotaSql } from './sql.js';

export { LiveInfoService } from './service.js';
export { QuotaService } from './quota.js';

export interface LiveInfoDeps {
  db: Db;
  clock: Clock;
  events: DomainBus;
  apps: AppService;
  rooms: RoomService;
  goods: GoodsService;
  replays: ReplayService;
  dailyQuota: number;
  publicUrl: () => string;
  base(req: FastifyRequest): string;
}

export function create(d: LiveInfoDeps): Module<LiveInfoService> & { quota: QuotaService } {
  const quota = new QuotaService(new QuotaSql(d.db), d.clock, d.dailyQuota);
  const service = new LiveInfoService(d.rooms, d.goods, d.replays, d.events, d.publicUrl);
  return {
    service,
    quota,
    routes: {
      wx: (r) => {
        wxRoutes(r, { liveInfo: service, quota, apps: d.apps, base: (req) => d.base(req) });
        applyRoutes(r);
      },
    },
    components: [],
  };
}
