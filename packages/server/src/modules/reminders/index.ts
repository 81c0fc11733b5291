/**
 * Subscriptions and go-live reminders (S-SUB, docs/reminders.md): owns `subscriptions`, `reminder_outbox`,
 * `reminder_attempts`, `app_vapid_keys`, `push_messages`. Followers (WeChat's long-term subscription) are
 * subscriptions of kind 'merchant' (followers/*). The go-live transaction writes one fan-out row (a hook on the rooms module);
 * the worker expands it and sends through the channels (channels/*).
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { BucketFactory } from '../../lib/shared-limits.js';
import type { Log } from '../../lib/log.js';
import { AddressPolicy } from '../../lib/address-policy.js';
import { Poster } from '../../lib/outbound.js';
import type { AppService } from '../apps/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { channels } from './channels/index.js';
import { followerPluginRoutes, followerWxRoutes } from './followers/routes.js';
import { FollowerService } from './followers/service.js';
import { FollowersStore } from './followers/store.js';
import { PushTargets } from './channels/webpush.js';
import { ReminderOutbox } from './outbox/store.js';
import { adminRoutes, pluginRoutes, webRoutes } from './routes.js';
import { ReminderService, type SubscriptionLimits } from './service.js';
import { RemindersSql } from './sql.js';
import { type ReminderPolicy, ReminderWorker } from './worker.js';

export { ReminderService } from './service.js';
export { ReminderOutbox } from './outbox/store.js';
export { ReminderWorker } from './worker.js';
export { FollowerService } from './followers/service.js';

export interface RemindersDeps {
  db: Db;
  clock: Clock;
  log: Log;
  events: DomainBus;
  apps: AppService;
  rooms: RoomService;
  policy: ReminderPolicy;
  maxAttempts: number;
  pushAllowHttp: boolean;
  /** ZHIBO_PUSH_SERVICES */
  pushServices: readonly string[];
  /** ZHIBO_OUTBOUND_ALLOW */
  outboundAllow: readonly string[];
  limits: SubscriptionLimits & { perIpPerMin: number };
  baseUrl: () => string;
  /** start the worker (tests that drive deliveries by hand turn it off) */
  runWorker: boolean;
  /** where the service worker bundle is */
  buildDir: string;
  /** cluster mode: rate limits shared through Redis */
  buckets?: BucketFactory;
}

export interface RemindersModule extends Module<ReminderService> {
  outbox: ReminderOutbox;
  worker: ReminderWorker;
  /** WeChat's long-term subscription (followers, push_message) */
  followers: FollowerService;
}

export function create(d: RemindersDeps): RemindersModule {
  const sql = new RemindersSql(d.db);
  const service = new ReminderService(sql, d.clock, d.apps, d.limits);
  d.rooms.hooks.push(service.onTransition);
  const outbox = new ReminderOutbox(d.db, d.clock, d.maxAttempts);
  const poster = new Poster(d.policy.concurrency, new AddressPolicy(d.outboundAllow));
  const pushTargets = new PushTargets((ids) => outbox.pushTargets(ids));
  const followers = new FollowerService(new FollowersStore(d.db), d.clock, d.rooms, service, () => worker.kick());
  const worker = new ReminderWorker({
    clock: d.clock,
    outbox,
    sql,
    reminders: service,
    apps: d.apps,
    rooms: d.rooms,
    events: d.events,
    log: d.log,
    policy: d.policy,
    pushTargets,
    channels: channels({
      poster,
      pushServices: d.pushServices,
      events: d.events,
      now: () => d.clock.now(),
      pushTargets,
      vapidKeys: (appid) => service.vapidKeys(appid),
    }),
    baseUrl: d.baseUrl,
    fanoutChunk: 5000,
    afterRecord: (ids) => followers.finish(ids),
    buckets: d.buckets,
  });
  return {
    service,
    outbox,
    worker,
    followers,
    routes: {
      wx: (r) => followerWxRoutes(r, followers),
      plugin: (r) => {
        pluginRoutes(r, service, { pushAllowHttp: d.pushAllowHttp, pushServices: d.pushServices, perIpPerMin: d.limits.perIpPerMin });
        followerPluginRoutes(r, followers, service, { pushAllowHttp: d.pushAllowHttp, pushServices: d.pushServices });
      },
      web: (a) => webRoutes(a, d.buildDir),
      admin: (a) => adminRoutes(a, { reminders: service, outbox, worker, rooms: d.rooms }),
    },
    components: [
      {
        name: 'reminder worker',
        start: () => (d.runWorker ? worker.start() : undefined),
        stop: async () => {
          await worker.stop();
          poster.close();
        },
      },
    ],
  };
}
