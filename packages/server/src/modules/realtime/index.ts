/**
 * The real-time channel (docs/realtime.md): the WebSocket gateway (/ws/room, /ws/site), per-room channels, chat
 * rules, merchant commands. Owns `room_comments`, `room_mutes`, `room_interaction`, `room_entries`, `share_edges`.
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { AppService } from '../apps/service.js';
import type { GoodsService } from '../goods/service.js';
import type { IdentityService } from '../identity/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { RealtimeGateway } from './gateway.js';
import { InteractionService } from './interaction.js';
import { wxRoutes } from './routes.js';
import { RealtimeStore } from './store.js';
import { LocalBus, type RoomBus } from './bus.js';
import { RedisBus } from './redis-bus.js';
import type { RedisLink } from '../../lib/redis.js';

export { RealtimeGateway } from './gateway.js';
export { InteractionService } from './interaction.js';

export interface RealtimeModuleDeps {
  db: Db;
  clock: Clock;
  log: Log;
  events: DomainBus;
  rooms: RoomService;
  goods: GoodsService;
  identity: IdentityService;
  apps: AppService;
  minSdkVersion: () => string;
  /** cluster mode: the bus between nodes is Redis */
  redis?: RedisLink;
}

export interface RealtimeModule extends Module<InteractionService> {
  gateway: RealtimeGateway;
}

export function create(d: RealtimeModuleDeps): RealtimeModule {
  const store = new RealtimeStore(d.db, d.log);
  const bus: RoomBus = d.redis ? new RedisBus(d.redis, d.log) : new LocalBus();
  const gateway = new RealtimeGateway({
    clock: d.clock, log: d.log, events: d.events, rooms: d.rooms, goods: d.goods, identity: d.identity, apps: d.apps, store, bus, minSdkVersion: d.minSdkVersion,
  });
  const service = new InteractionService(d.clock, d.rooms, d.goods, store, gateway);
  return {
    service,
    gateway,
    routes: { wx: (r) => wxRoutes(r, service), upgrade: (req, socket, head) => gateway.handleUpgrade(req, socket, head) },
    components: [{ name: 'realtime gateway', start: () => gateway.start(), stop: async () => {
      await gateway.close();
      await bus.close();
    } }],
  };
}
