/**
 * The real-time channel (docs/realtime.md): the WebSocket gateway (/ws/room, /ws/site), per-room channels, chat
 * rules, merchant commands. Owns `room_comments`, `room_mutes`, `room_interaction`, `room_entries`, `share_edges`.
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { AnonQuota } from '../../lib/anon-quota.js';
import type { ClientIps } from '../../lib/client-ip.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { AppService } from '../apps/service.js';
import type { GoodsService } from '../goods/service.js';
import type { IdentityService } from '../identity/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { RealtimeGateway } from './gateway.js';
import type { RealtimeOptions } from './options.js';
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
  ips: ClientIps;
  quota?: AnonQuota;
  disk?: { readonly low: boolean };
  /** limits from the settings (per-address chat, connections, mute by address); the rest are REALTIME_DEFAULTS */
  options?: Partial<RealtimeOptions>;
  /** the rooms a viewer of an app subscribed to (reminders module; the site welcome lists the live ones) */
  viewerRooms?: (appid: string, openid: string) => Promise<number[]>;
  /** cluster mode: the bus between nodes is Redis */
  redis?: RedisLink | undefined;
}

export interface RealtimeModule extends Module<InteractionService> {
  gateway: RealtimeGateway;
}

export function create(d: RealtimeModuleDeps): RealtimeModule {
  const store = new RealtimeStore(d.db, d.log, d.disk);
  const bus: RoomBus = d.redis ? new RedisBus(d.redis, d.log) : new LocalBus();
  const gateway = new RealtimeGateway(
    {
      clock: d.clock,
      log: d.log,
      events: d.events,
      rooms: d.rooms,
      goods: d.goods,
      identity: d.identity,
      apps: d.apps,
      store,
      bus,
      minSdkVersion: d.minSdkVersion,
      ips: d.ips,
      quota: d.quota,
      ...(d.viewerRooms ? { viewerRooms: d.viewerRooms } : {}),
    },
    d.options,
  );
  const service = new InteractionService(d.clock, d.rooms, d.goods, store, gateway, d.events);
  return {
    service,
    gateway,
    routes: { wx: (r) => wxRoutes(r, service), upgrade: (req, socket, head) => gateway.handleUpgrade(req, socket, head) },
    components: [
      {
        name: 'realtime gateway',
        start: () => gateway.start(),
        stop: async () => {
          await gateway.close();
          await bus.close();
        },
      },
    ],
  };
}
