/**
 * The composition root: builds storage and the feature modules from a Config, registers their routes on the right
 * transport, and starts and stops one ordered list of components (the server's close cascade, docs/architecture.md).
 * Nothing here is a module-level singleton: tests build as many servers as they like.
 */
import { mkdirSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import pino from 'pino';
import type { MediaServer } from '@zhibo/media';
import { type Clock, systemClock } from '@zhibo/core';
import { type Db, openDatabase } from '../db/index.js';
import { createDomainBus, type DomainBus } from '../lib/domain-events.js';
import { connectRedis, type RedisLink } from '../lib/redis.js';
import { sharedBuckets } from '../lib/shared-limits.js';
import type { Log } from '../lib/log.js';
import { ADMIN_PREFIX, installAdminApi } from '../http/admin.js';
import { requestBase } from '../http/base-url.js';
import { installPluginApi, PluginRouter } from '../http/plugin-api.js';
import { WxRouter } from '../http/wx.js';
import { installWxFallback } from '../http/wx-fallback.js';
import type { ModuleRoutes } from '../modules/module.js';
import * as appsModule from '../modules/apps/index.js';
import * as consoleModule from '../modules/console/index.js';
import * as goodsModule from '../modules/goods/index.js';
import * as identityModule from '../modules/identity/index.js';
import * as imagesModule from '../modules/images/index.js';
import * as liveModule from '../modules/live/index.js';
import * as liveInfoModule from '../modules/liveinfo/index.js';
import * as realtimeModule from '../modules/realtime/index.js';
import * as remindersModule from '../modules/reminders/index.js';
import * as replaysModule from '../modules/replays/index.js';
import * as roomsModule from '../modules/rooms/index.js';
import * as shareModule from '../modules/share/index.js';
import * as webModule from '../modules/web/index.js';
import { ChangeFeed } from './change-feed.js';
import { Components } from './components.js';
import { type Config, withBoundUrls } from './config.js';
import { acquireLock, adminTokenFor } from './data-dir.js';
import { healthRoutes } from './health.js';

export { DataDirLocked, lockHolderAlive } from './data-dir.js';

export interface ZhiboOptions {
  clock?: Clock;
  log?: Log;
  /** Poll due timers (tests with a fake clock call timers.runDue() themselves). */
  runTimers?: boolean;
  /** Start the reminder worker (default true). */
  runReminders?: boolean;
  /** Use an in-memory PGlite (tests, benchmarks); dataDir is still used for files. */
  memoryDb?: boolean;
  console?: Omit<consoleModule.ConsoleOptions, 'buildDir'>;
  /** where the browser bundles are (default packages/server/public/build; tests build theirs into a temporary directory) */
  buildDir?: string;
}

/** The built server's module services, for the CLI and tests (modules themselves never get this bag). */
export interface ZhiboServices {
  config: Config;
  log: Log;
  events: DomainBus;
  adminToken: string;
  apps: appsModule.AppService;
  images: imagesModule.ImageService;
  rooms: roomsModule.RoomService;
  goods: goodsModule.GoodsService;
  replays: replaysModule.ReplayService;
  liveInfo: liveInfoModule.LiveInfoService;
  quota: liveInfoModule.QuotaService;
  identity: identityModule.IdentityService;
  share: shareModule.ShareService;
  live: liveModule.LiveService;
  media: MediaServer;
  interaction: realtimeModule.InteractionService;
  realtime: realtimeModule.RealtimeGateway;
  reminders: remindersModule.ReminderService;
  reminderOutbox: remindersModule.ReminderOutbox;
  reminderWorker: remindersModule.ReminderWorker;
  accounts: consoleModule.AccountService;
  sampler: ReturnType<typeof consoleModule.create>['sampler'];
  /** cluster mode's Redis connections (undefined in the embedded default) */
  redis: RedisLink | undefined;
  /** Public base URLs (known after listen when ports are 0). */
  urls(): { http: string; rtmp: string };
}

export interface Zhibo {
  readonly config: Config;
  services: ZhiboServices;
  /** the database (tests and the CLI read it; modules get it only through their sql.ts) */
  db: Db;
  app: FastifyInstance;
  timers: { runDue(): Promise<number> };
  /** the components in start order (docs/architecture.md) */
  componentNames(): string[];
  listen(): Promise<{ http: string; rtmp: string }>;
  close(): Promise<void>;
}

export async function createZhibo(baseConfig: Config, opts: ZhiboOptions = {}): Promise<Zhibo> {
  let config = baseConfig;
  const clock = opts.clock ?? systemClock;
  const log: Log = opts.log ?? pino({ level: config.logLevel, base: undefined });
  const lifecycle = new Components(log);
  mkdirSync(config.dataDir, { recursive: true });
  // Only one process may open the embedded database: hold DATA/zhibo.lock while it is open.
  const releaseLock = opts.memoryDb || config.databaseUrl ? () => {} : acquireLock(config.dataDir);
  lifecycle.adopt({ name: 'data-dir lock', stop: releaseLock });
  let db: Db;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: opts.memoryDb ? null : config.dataDir });
  } catch (e) {
    releaseLock();
    throw e;
  }
  lifecycle.adopt({ name: 'database', stop: () => db.close() });
  // Cluster mode (docs/cluster.md): DATABASE_URL + ZHIBO_REDIS_URL. Connects in the background; closed after everything.
  const redis: RedisLink | undefined = config.redisUrl && config.databaseUrl ? connectRedis(config.redisUrl, config.redisPrefix, log) : undefined;
  if (redis) lifecycle.adopt({ name: 'redis', stop: () => redis.close() });
  const events = createDomainBus(log);
  let urls = { http: config.publicUrl, rtmp: config.rtmpPublicUrl };
  const publicUrl = () => urls.http;
  const base = (req: Parameters<typeof requestBase>[0]) => requestBase(req, config.publicUrl, urls.http);
  const buildDir = opts.buildDir ?? webModule.DEFAULT_BUILD_DIR;

  // Feature modules, each from a typed subset of what is here (dependencies first).
  const apps = appsModule.create({ db, clock, events, tokens: { ttlSec: config.tokenTtlSec, overlapSec: config.tokenOverlapSec } });
  const images = imagesModule.create({ db, clock, publicUrl });
  const rooms = await roomsModule.create({
    db, clock, events, log, images: images.service, abnormalTimeoutMs: config.abnormalTimeoutMs, timerPollMs: config.timerPollMs,
    runTimers: opts.runTimers !== false, pushUrl: (id, key) => `${urls.rtmp}/${id}?key=${key}`,
  });
  const buckets = redis ? sharedBuckets(redis, log) : undefined;
  const goods = goodsModule.create({ db, clock, events, images: images.service, rooms: rooms.service, buckets });
  const replays = replaysModule.create({ db, clock, log, ttlDays: config.replayTtlDays, rooms: rooms.service, base });
  const liveInfo = liveInfoModule.create({ db, clock, events, apps: apps.service, rooms: rooms.service, goods: goods.service, replays: replays.service, dailyQuota: config.dailyQuota, publicUrl });
  const identity = await identityModule.create({ db, apps: apps.service });
  const share = shareModule.create({ identity: identity.service, images: images.service, rooms: rooms.service, publicUrl, base });
  const live = liveModule.create({
    events, log, rooms: rooms.service, replays: replays.service, dataDir: config.dataDir, rtmp: config.rtmp, hls: config.hls,
    stallTimeoutMs: config.stallTimeoutMs, mediaBatchMs: config.mediaBatchMs,
    cluster: redis ? { redis, nodeUrl: () => config.nodeUrl, relayFanout: config.relayFanout } : undefined,
  });
  const realtime = realtimeModule.create({
    db, clock, log, events, rooms: rooms.service, goods: goods.service, identity: identity.service, apps: apps.service, minSdkVersion: () => config.minSdkVersion, redis,
  });
  const reminders = remindersModule.create({
    db, clock, log, events, apps: apps.service, rooms: rooms.service, maxAttempts: config.reminderMaxAttempts, pushAllowHttp: config.pushAllowHttp,
    baseUrl: publicUrl, runWorker: opts.runReminders !== false, buildDir, buckets,
    policy: {
      ratePerSec: config.reminderRate, concurrency: config.reminderConcurrency, backoffMs: config.reminderBackoffMs, timeoutMs: config.reminderTimeoutMs,
      leaseMs: config.reminderLeaseMs, pollMs: config.reminderPollMs,
    },
  });
  const web = webModule.create({ clock, rooms: rooms.service, goods: goods.service, apps: apps.service, minSdkVersion: config.minSdkVersion, base, buildDir });
  const adminToken = adminTokenFor(config);
  const consoleMod = consoleModule.create(
    {
      db, clock, log, events, apps: apps.service, rooms: rooms.service, goods: goods.service, images: images.service, interaction: realtime.service,
      reminders: reminders.service, replays: replays.service, share: share.service, quota: liveInfo.quota, adminToken,
      defaults: { dailyQuota: config.dailyQuota, minSdkVersion: config.minSdkVersion }, urls: () => urls, redis,
    },
    { ...opts.console, buildDir },
  );

  // HTTP: one Fastify app; each transport is an encapsulated scope with its envelope, auth and error shape.
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, return503OnClosing: true });
  // WeChat clients send JSON with any content type (or none): WeChat routes parse bodies themselves (http/wx.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart);
  healthRoutes(app, db.kind);
  const routed: ModuleRoutes[] = [apps, images, rooms, goods, replays, liveInfo, identity, share, live, realtime, reminders, web].map((m) => m.routes);
  const wxRouter = new WxRouter(app, (token) => apps.service.authenticate(token), log);
  for (const r of routed) r.wx?.(wxRouter);
  for (const r of routed) r.web?.(app);
  consoleMod.routes.web(app);
  const resolver = {
    room: (id: number) => {
      const c = rooms.service.cachedStatus(id);
      return c ? { id, appid: c.appid, status: c.status } : undefined;
    },
    viewer: (appid: string, device: string | undefined, token: string | undefined) => identityModule.resolveViewer(identity.service, appid, device, token),
  };
  await app.register(async (scope) => {
    installPluginApi(scope, log);
    const router = new PluginRouter(scope, resolver);
    for (const r of routed) r.plugin?.(router);
  });
  await app.register(async (scope) => {
    installAdminApi(scope, adminToken, log);
    for (const r of routed) r.admin?.(scope);
  }, { prefix: ADMIN_PREFIX });
  installWxFallback(app, log);
  // WebSocket upgrades, dispatched by path: WS-FLV (/live/ID.flv), the realtime gateway (/ws/...).
  app.server.on('upgrade', (req, socket, head) => {
    for (const r of routed) if (r.upgrade?.(req, socket, head)) return;
    socket.destroy();
  });

  // The close cascade: started in this order, stopped in reverse (docs/architecture.md).
  const feed = config.databaseUrl ? new ChangeFeed(db, config.databaseUrl, events, rooms.service, log) : undefined;
  if (feed) lifecycle.add(feed);
  lifecycle.add(
    live.reconcile,
    { name: 'http', start: async () => void (await app.listen({ host: config.http.host, port: config.http.port })), stop: () => app.close() },
    live.ingest,
    {
      name: 'public URLs',
      start() {
        const addr = app.server.address();
        const httpPort = typeof addr === 'object' && addr ? addr.port : config.http.port;
        config = withBoundUrls(config, httpPort, live.ingest.port());
        services.config = config;
        urls = { http: config.publicUrl, rtmp: config.rtmpPublicUrl };
      },
    },
    ...rooms.components,
    live.leftovers,
    ...replays.components,
    ...reminders.components,
    ...realtime.components,
    ...consoleMod.components,
  );

  const services: ZhiboServices = {
    config, log, events, adminToken, urls: () => urls,
    apps: apps.service, images: images.service, rooms: rooms.service, goods: goods.service, replays: replays.service, liveInfo: liveInfo.service, quota: liveInfo.quota,
    identity: identity.service, share: share.service, live: live.service, media: live.media, interaction: realtime.service, realtime: realtime.gateway,
    reminders: reminders.service, reminderOutbox: reminders.outbox, reminderWorker: reminders.worker, accounts: consoleMod.accounts, sampler: consoleMod.sampler, redis,
  };

  return {
    get config() {
      return config;
    },
    services,
    db,
    app,
    timers: rooms.timers,
    componentNames: () => lifecycle.names(),
    async listen() {
      await lifecycle.start();
      return urls;
    },
    close: () => lifecycle.stop(),
  };
}

