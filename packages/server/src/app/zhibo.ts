/**
 * The composition root: builds storage and the feature modules from a Config, registers their routes on the right
 * transport, and starts and stops one ordered list of components (the server's close cascade, docs/architecture.md).
 * Nothing here is a module-level singleton: tests build as many servers as they like.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import pino from 'pino';
import type { MediaServer } from '@zhibo/media';
import { type Clock, systemClock } from '@zhibo/core';
import { type Db, openDatabase } from '../db/index.js';
import { AnonQuota } from '../lib/anon-quota.js';
import { ClientIps } from '../lib/client-ip.js';
import { DiskWatch } from '../lib/disk-watch.js';
import { instrumentDb } from '../db/instrument.js';
import { createDomainBus, type DomainBus } from '../lib/domain-events.js';
import { connectRedis, type RedisLink } from '../lib/redis.js';
import { sharedBuckets } from '../lib/shared-limits.js';
import type { Log } from '../lib/log.js';
import { ADMIN_PREFIX, installAdminApi } from '../http/admin.js';
import { installAnonReadLimits } from '../http/anon-limits.js';
import { IpRateLimiter } from '../lib/ip-limiter.js';
import { PublicAddress, type PublicAddressInfo } from '../http/base-url.js';
import { installPluginApi, PluginRouter } from '../http/plugin-api.js';
import { MULTIPART_LIMITS } from '../http/multipart.js';
import { installSecurityHeaders } from '../http/security.js';
import { WxRouter } from '../http/wx.js';
import { installRequestLog, requestIdGenerator } from '../http/request-log.js';
import { RouteCatalog } from '../http/route-catalog.js';
import { installWxFallback } from '../http/wx-fallback.js';
import { answerAsHttp1, isWebSocketUpgrade } from '../http/h2c.js';
import type { ModuleRoutes } from '../modules/module.js';
import * as anchorModule from '../modules/anchor/index.js';
import * as appsModule from '../modules/apps/index.js';
import * as assistantsModule from '../modules/assistants/index.js';
import * as consoleModule from '../modules/console/index.js';
import * as goodsModule from '../modules/goods/index.js';
import * as housekeepingModule from '../modules/housekeeping/index.js';
import * as identityModule from '../modules/identity/index.js';
import * as imagesModule from '../modules/images/index.js';
import * as liveModule from '../modules/live/index.js';
import * as liveInfoModule from '../modules/liveinfo/index.js';
import * as ordersModule from '../modules/orders/index.js';
import * as realtimeModule from '../modules/realtime/index.js';
import * as remindersModule from '../modules/reminders/index.js';
import * as replaysModule from '../modules/replays/index.js';
import * as rolesModule from '../modules/roles/index.js';
import * as roomsModule from '../modules/rooms/index.js';
import * as shareModule from '../modules/share/index.js';
import * as webModule from '../modules/web/index.js';
import { ChangeFeed } from './change-feed.js';
import { Components } from './components.js';
import { type Config, localUrl, withBoundUrls } from './config.js';
import { acquireLock, adminTokenFor, secureDataDir } from './data-dir.js';
import { databaseProbe, type DiskWatermark, diskProbe, diskWatermark, healthRoutes, Readiness } from './health.js';
import { Metrics } from './metrics.js';
import { ROUTE_DOCS } from './api-docs.js';
import { backupRoute } from './backup.js';
import { buildOpenApi } from './openapi.js';
import { MetricsListener, metricsRoute } from './metrics-http.js';

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
  /** the disk watermark /readyz reports (default: none, ok) */
  diskWatermark?: DiskWatermark;
}

/** The built server's module services, for the CLI and tests (modules themselves never get this bag). */
export interface ZhiboServices {
  config: Config;
  log: Log;
  events: DomainBus;
  adminToken: string;
  /** made at this start (printed once), or where it comes from */
  adminTokenOrigin: { created: boolean; source: string };
  apps: appsModule.AppService;
  images: imagesModule.ImageService;
  roles: rolesModule.RoleService;
  assistants: assistantsModule.AssistantService;
  rooms: roomsModule.RoomService;
  goods: goodsModule.GoodsService;
  replays: replaysModule.ReplayService;
  highlights: replaysModule.HighlightService;
  orders: ordersModule.OrderService;
  replayBuilder: replaysModule.ReplaysModule['builder'];
  /** the hourly replay expiry (tests run it once) */
  replayExpiry: { runOnce(): Promise<number> };
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
  followers: remindersModule.FollowerService;
  accounts: consoleModule.AccountService;
  anchor: anchorModule.AnchorService;
  disk: DiskWatch;
  collector: housekeepingModule.StorageCollector;
  sampler: ReturnType<typeof consoleModule.create>['sampler'];
  /** cluster mode's Redis connections (undefined in the embedded default) */
  redis: RedisLink | undefined;
  /** Public base URLs (known after listen when ports are 0): links made without a request (http/base-url.ts). */
  urls(): { http: string; rtmp: string };
  /** Which public address links use, and why (the start message, the console). */
  address: PublicAddress;
  /** A URL this machine always reaches the HTTP server at (loopback when listening on every interface). */
  localUrl(): string;
}

export interface Zhibo {
  readonly config: Config;
  services: ZhiboServices;
  /** the database (tests and the CLI read it; modules get it only through their sql.ts) */
  db: Db;
  app: FastifyInstance;
  timers: { runDue(): Promise<number> };
  /** /metrics (one registry per server) */
  metrics: Metrics;
  /** /readyz's probes; a component that can make the server unready adds one */
  readiness: Readiness;
  /** every route the HTTP app registered (OpenAPI, metrics labels) */
  routes: RouteCatalog;
  /** the separate metrics listener's port (ZHIBO_METRICS), once listening */
  metricsPort(): number | undefined;
  /** the components in start order (docs/architecture.md) */
  componentNames(): string[];
  listen(): Promise<{ http: string; rtmp: string }>;
  close(): Promise<void>;
}

export async function createZhibo(baseConfig: Config, opts: ZhiboOptions = {}): Promise<Zhibo> {
  let config = baseConfig;
  const clock = opts.clock ?? systemClock;
  const log: Log = opts.log ?? pino({ level: config.logLevel, base: undefined });
  // A component gets its stop time (10 s unless it says more); 1 s when the embedded database is stuck.
  const opened: { db?: Db } = {};
  const lifecycle = new Components(log, () => (opened.db?.health?.().busyMs ?? 0) > 5000);
  secureDataDir(config.dataDir, log);
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
  lifecycle.adopt({ name: 'database', stop: () => db.close(), stopTimeoutMs: 20_000 });
  opened.db = db;
  // The files PGlite just created (0666 from its WASM file layer) become owner-only too (data-dir.ts).
  if (!opts.memoryDb && !config.databaseUrl) secureDataDir(config.dataDir, log, false);
  // Cluster mode (docs/cluster.md): DATABASE_URL + ZHIBO_REDIS_URL. Connects in the background; closed after everything.
  const redis: RedisLink | undefined =
    config.redisUrl && config.databaseUrl ? connectRedis(config.redisUrl, config.redisPrefix, log) : undefined;
  if (redis) lifecycle.adopt({ name: 'redis', stop: () => redis.close() });
  const metrics = new Metrics(db.kind);
  lifecycle.adopt({ name: 'metrics', stop: () => metrics.close() });
  db = instrumentDb(db, metrics.observeDb);
  const events = createDomainBus(log);
  const disk = new DiskWatch(config.dataDir, config.diskMinFreeMb * 1024 * 1024, log);
  let urls = { http: config.publicUrl, rtmp: config.rtmpPublicUrl };
  let local = urls.http;
  // Links: ZHIBO_PUBLIC_URL, else the address a request came in by, else the listen address (http/base-url.ts).
  const address = new PublicAddress({ http: baseConfig.publicUrl, rtmp: baseConfig.rtmpPublicUrl });
  const publicUrl = () => address.http();
  const base = (req: FastifyRequest) => address.http(req);
  const buildDir = opts.buildDir ?? webModule.DEFAULT_BUILD_DIR;

  // Feature modules, each from a typed subset of what is here (dependencies first).
  const apps = appsModule.create({ db, clock, events, tokens: { ttlSec: config.tokenTtlSec, overlapSec: config.tokenOverlapSec } });
  const images = imagesModule.create({ db, clock, publicUrl, disk });
  const identity = await identityModule.create({ db, apps: apps.service });
  const roles = rolesModule.create({
    db,
    clock,
    apps: apps.service,
    identity: identity.service,
    consoleUrl: (appid, user) => `${urls.http}/console/#/apps/${appid}/members?grant=${encodeURIComponent(user)}`,
  });
  const rooms = await roomsModule.create({
    db,
    clock,
    events,
    log,
    images: images.service,
    abnormalTimeoutMs: config.abnormalTimeoutMs,
    timerPollMs: config.timerPollMs,
    runTimers: opts.runTimers !== false,
    pushUrl: (id, key, req) => `${address.rtmp(req)}/${id}?key=${key}`,
    kfUrl: async (appid) => (await apps.service.get(appid))?.settings.kfUrl ?? '',
    anchorCheck: (appid, user, sub) => roles.service.requireAnchor(appid, user, sub),
    whipUrl: (id, req) => (config.whip ? liveModule.whipUrlOf(address.http(req), id) : undefined),
  });
  const assistants = assistantsModule.create({ db, clock, rooms: rooms.service, apps: apps.service, identity: identity.service });
  const buckets = redis ? sharedBuckets(redis, log) : undefined;
  const goods = goodsModule.create({
    db,
    clock,
    events,
    images: images.service,
    rooms: rooms.service,
    base,
    buckets,
    reviewOn: async (appid) => (await apps.service.get(appid))?.settings.goodsReview === true,
  });
  const replays = replaysModule.create({
    db,
    clock,
    log,
    events,
    ttlDays: config.replayTtlDays,
    rooms: rooms.service,
    goods: goods.service,
    base,
    dataDir: config.dataDir,
    recordDir: liveModule.recordDirOf(config.dataDir),
    comments: (roomId, from, to, limit) => realtime.service.replayComments(roomId, from, to, limit),
  });
  const liveInfo = liveInfoModule.create({
    db,
    clock,
    events,
    apps: apps.service,
    rooms: rooms.service,
    goods: goods.service,
    replays: replays.service,
    dailyQuota: config.dailyQuota,
    publicUrl,
    base,
  });
  const share = shareModule.create({
    identity: identity.service,
    images: images.service,
    rooms: rooms.service,
    apps: apps.service,
    publicUrl,
    base,
  });
  const ips = new ClientIps(config.trustProxy);
  const quota = new AnonQuota(
    {
      goods_taps: { perViewerPerHour: 0, perIpPerHour: config.quotaTapsPerIpHour, perAppPerDay: config.quotaTapsPerAppDay },
      entries: {
        perViewerPerHour: config.quotaEntriesPerViewerHour,
        perIpPerHour: config.quotaEntriesPerIpHour,
        perAppPerDay: config.quotaEntriesPerAppDay,
      },
      subscriptions: { perViewerPerHour: 0, perIpPerHour: 0, perAppPerDay: config.quotaSubscriptionsPerAppDay },
    },
    () => clock.now(),
  );
  const live = liveModule.create({
    events,
    log,
    rooms: rooms.service,
    replays: replays.service,
    dataDir: config.dataDir,
    rtmp: config.rtmp,
    hls: config.hls,
    stallTimeoutMs: config.stallTimeoutMs,
    mediaBatchMs: config.mediaBatchMs,
    whip: config.whip
      ? {
          udpPortRange: config.whipUdpPorts,
          iceLite: config.whipIceLite,
          mediaTimeoutMs: config.whipMediaTimeoutMs,
          ...(config.whipBindAddress ? { bindAddress: config.whipBindAddress } : {}),
          ...(config.whipAnnouncedIp ? { announcedIp: config.whipAnnouncedIp } : {}),
        }
      : null,
    guards: {
      handshakeTimeoutMs: config.rtmpHandshakeTimeoutMs,
      connectTimeoutMs: config.rtmpConnectTimeoutMs,
      publishTimeoutMs: config.rtmpPublishTimeoutMs,
      idleTimeoutMs: config.rtmpIdleTimeoutMs,
      maxConnections: config.rtmpMaxConnections,
      maxConnectionsPerIp: config.rtmpMaxConnectionsPerIp,
      maxUnauthenticatedPerIp: config.rtmpMaxUnauthenticatedPerIp,
      preAuthMaxBytes: config.rtmpPreAuthMaxBytes,
      maxMessageBytes: config.rtmpMaxMessageBytes,
    },
    viewers: { perDevice: config.viewerConnectionsPerDevice, perIp: config.viewerConnectionsPerIp },
    ips,
    disk,
    cluster: redis ? { redis, nodeUrl: () => config.nodeUrl, relayFanout: config.relayFanout } : undefined,
  });
  const realtime = realtimeModule.create({
    db,
    clock,
    log,
    events,
    rooms: rooms.service,
    goods: goods.service,
    identity: identity.service,
    apps: apps.service,
    minSdkVersion: () => config.minSdkVersion,
    redis,
    ips,
    quota,
    disk,
    options: { connectionsPerIp: config.realtimeConnectionsPerIp, chatPerIp: config.chatPerIp, muteByIpMs: config.muteByIpMs },
    viewerRooms: (appid, openid) => reminders.service.viewerRooms(appid, openid),
  });
  const orders = ordersModule.create({ db, clock, log, rooms: rooms.service, goods: goods.service });
  const reminders = remindersModule.create({
    db,
    clock,
    log,
    events,
    apps: apps.service,
    rooms: rooms.service,
    maxAttempts: config.reminderMaxAttempts,
    pushAllowHttp: config.pushAllowHttp,
    pushServices: config.pushServices,
    outboundAllow: config.outboundAllow,
    limits: { perIpPerMin: config.subscribePerIpPerMin, perViewer: config.subscriptionsPerViewer, perRoom: config.subscriptionsPerRoom },
    baseUrl: publicUrl,
    runWorker: opts.runReminders !== false,
    buildDir,
    buckets,
    policy: {
      ratePerSec: config.reminderRate,
      concurrency: config.reminderConcurrency,
      backoffMs: config.reminderBackoffMs,
      timeoutMs: config.reminderTimeoutMs,
      leaseMs: config.reminderLeaseMs,
      pollMs: config.reminderPollMs,
    },
  });
  const housekeeping = housekeepingModule.create({
    db,
    clock,
    log,
    images: images.service,
    goods: goods.service,
    interaction: realtime.service,
    reminders: reminders.service,
    outbox: reminders.outbox,
    hls: live.hls,
    retentionDays: config.retentionDays,
    reminderRetentionDays: config.reminderRetentionDays,
    everyMs: config.gcIntervalMs,
    schedule: opts.runTimers !== false,
  });
  const web = webModule.create({
    events,
    clock,
    rooms: rooms.service,
    goods: goods.service,
    apps: apps.service,
    minSdkVersion: config.minSdkVersion,
    base,
    sourceMaps: config.sourceMaps,
    buildDir,
  });
  const anchor = anchorModule.create({
    db,
    clock,
    log,
    rooms: rooms.service,
    goods: goods.service,
    interaction: realtime.service,
    abnormalTimeoutMs: config.abnormalTimeoutMs,
    whip: config.whip,
    assetVersion: (f) => web.service.version(f),
    publicUrl,
  });
  const admin = adminTokenFor(config);
  const adminToken = admin.token;
  const consoleMod = consoleModule.create(
    {
      db,
      clock,
      log,
      events,
      apps: apps.service,
      rooms: rooms.service,
      goods: goods.service,
      images: images.service,
      interaction: realtime.service,
      reminders: reminders.service,
      followers: reminders.followers,
      replays: replays.service,
      highlights: replays.highlights,
      orders: orders.service,
      share: share.service,
      quota: liveInfo.quota,
      adminToken,
      assistants: assistants.service,
      roles: roles.service,
      anchor: anchor.service,
      whip: config.whip,
      defaults: { dailyQuota: config.dailyQuota, minSdkVersion: config.minSdkVersion },
      consoleUrl: config.consoleUrl,
      sourceMaps: config.sourceMaps,
      urls: (req) => ({ http: address.http(req), rtmp: address.rtmp(req) }),
      address: (req): PublicAddressInfo => address.describe(req),
      health: (roomId) => live.service.health(roomId),
      redis,
    },
    { ...opts.console, buildDir },
  );

  // HTTP: one Fastify app; each transport is an encapsulated scope with its envelope, auth and error shape.
  const app = Fastify({
    logger: false,
    bodyLimit: 4 * 1024 * 1024,
    return503OnClosing: true,
    trustProxy: ips.trusts,
    genReqId: requestIdGenerator(ips.trusts),
  });
  const routeCatalog = new RouteCatalog();
  routeCatalog.attach(app);
  // Access lines below the log level are not even formatted (the status read's hot path); a given Log decides itself.
  const levels = ['debug', 'info', 'warn', 'error', 'silent'];
  const accessLevel =
    opts.log || config.accessLog === 'off' || levels.indexOf(config.accessLog) >= levels.indexOf(config.logLevel)
      ? config.accessLog
      : 'off';
  installRequestLog(app, { log, level: accessLevel, observe: (r) => metrics.observeRequest(r) });
  // WeChat clients send JSON with any content type (or none): WeChat routes parse bodies themselves (http/wx.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart, { limits: MULTIPART_LIMITS });
  installSecurityHeaders(app, { consoleUrl: config.consoleUrl });
  installAnonReadLimits(app, {
    plugin: new IpRateLimiter(config.pluginRatePerIp, config.pluginRatePerIp * 4),
    render: new IpRateLimiter(config.renderRatePerIp, config.renderRatePerIp * 4),
  });
  const readiness = new Readiness();
  readiness.add(databaseProbe(db));
  readiness.add(diskProbe(opts.diskWatermark ?? diskWatermark(() => disk.state)));
  // Cluster mode: Redis is reported, never a reason to take the node out (video does not depend on it; docs/cluster.md).
  if (redis)
    readiness.add({
      name: 'redis',
      check: () => ({
        ok: true,
        reason: redis.ready() ? 'connected' : 'unreachable: chat, likes and counts stay on this node until it is back',
      }),
    });
  healthRoutes(app, { dbKind: db.kind, db: db.health ? () => db.health!() : undefined, disk: () => disk.state }, readiness);
  metricsRoute(app, metrics, adminToken);
  let openapi: string | undefined;
  app.get('/openapi.json', async (_req, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .send((openapi ??= JSON.stringify(buildOpenApi(routeCatalog.routes(), ROUTE_DOCS, urls.http)))),
  );
  const routed: ModuleRoutes[] = [
    apps,
    images,
    roles,
    rooms,
    assistants,
    goods,
    replays,
    liveInfo,
    identity,
    share,
    live,
    realtime,
    reminders,
    orders,
    web,
    anchor,
  ].map((m) => m.routes);
  const wxRouter = new WxRouter(app, (token) => apps.service.authenticate(token), log);
  for (const r of routed) r.wx?.(wxRouter);
  for (const r of routed) r.web?.(app);
  consoleMod.routes.web(app);
  const resolver = {
    room: (id: number) => {
      const c = rooms.service.cachedStatus(id);
      return c ? { id, appid: c.appid, status: c.status } : undefined;
    },
    viewer: (appid: string, device: string | undefined, token: string | undefined) =>
      identityModule.resolveViewer(identity.service, appid, device, token),
    quota: (kind: Parameters<AnonQuota['take']>[0], appid: string, who: Parameters<AnonQuota['take']>[2]) => {
      disk.assertRoom(`${kind.replace('_', ' ')} are`);
      return quota.take(kind, appid, who);
    },
  };
  await app.register(async (scope) => {
    installPluginApi(scope, log);
    const router = new PluginRouter(scope, resolver);
    for (const r of routed) r.plugin?.(router);
  });
  await app.register(
    async (scope) => {
      installAdminApi(scope, adminToken, log);
      for (const r of routed) r.admin?.(scope);
      consoleMod.routes.admin(scope);
      backupRoute(scope, config.dataDir, db, log);
    },
    { prefix: ADMIN_PREFIX },
  );
  installWxFallback(app, log, (path) => wxRouter.methods.get(path));
  // WebSocket upgrades, dispatched by path: WS-FLV (/live/ID.flv), the realtime gateway (/ws/...).
  app.server.on('upgrade', (req, socket, head) => {
    // Anything but a WebSocket (e.g. `Upgrade: h2c` from Java's HttpClient or curl --http2) is answered over HTTP/1.1.
    if (!isWebSocketUpgrade(req)) return answerAsHttp1(app.server, req, socket, head);
    for (const r of routed) if (r.upgrade?.(req, socket, head)) return;
    socket.destroy();
  });

  // The close cascade: started in this order, stopped in reverse (docs/architecture.md).
  metrics.bind({
    events,
    db,
    rooms: rooms.service,
    media: live.media,
    realtime: realtime.gateway,
    quota: liveInfo.quota,
    outbox: reminders.outbox,
  });
  const metricsListener = config.metricsListen ? new MetricsListener(config.metricsListen, metrics, readiness, db.kind) : undefined;

  const feed = config.databaseUrl ? new ChangeFeed(db, config.databaseUrl, events, rooms.service, log) : undefined;
  lifecycle.add(disk);
  if (feed) lifecycle.add(feed);
  lifecycle.add(
    live.reconcile,
    {
      name: 'http',
      start: async () => void (await app.listen({ host: config.http.host, port: config.http.port })),
      stop: () => app.close(),
    },
    ...(metricsListener ? [metricsListener] : []),
    live.ingest,
    {
      name: 'public URLs',
      start() {
        const addr = app.server.address();
        const httpPort = typeof addr === 'object' && addr ? addr.port : config.http.port;
        config = withBoundUrls(config, httpPort, live.ingest.port());
        services.config = config;
        urls = { http: config.publicUrl, rtmp: config.rtmpPublicUrl };
        local = localUrl(config, httpPort);
        address.setBound(urls.http, urls.rtmp, live.ingest.port(), config.rtmp.host);
      },
    },
    ...rooms.components,
    live.leftovers,
    ...replays.components,
    ...reminders.components,
    ...realtime.components,
    ...consoleMod.components,
    ...housekeeping.components,
    ...share.components,
  );

  const services: ZhiboServices = {
    config,
    log,
    events,
    adminToken,
    adminTokenOrigin: { created: admin.created, source: admin.source },
    urls: () => urls,
    address,
    localUrl: () => local,
    apps: apps.service,
    images: images.service,
    roles: roles.service,
    assistants: assistants.service,
    rooms: rooms.service,
    goods: goods.service,
    replays: replays.service,
    liveInfo: liveInfo.service,
    quota: liveInfo.quota,
    highlights: replays.highlights,
    replayBuilder: replays.builder,
    replayExpiry: replays.expiry,
    orders: orders.service,
    identity: identity.service,
    share: share.service,
    live: live.service,
    media: live.media,
    interaction: realtime.service,
    realtime: realtime.gateway,
    reminders: reminders.service,
    reminderOutbox: reminders.outbox,
    reminderWorker: reminders.worker,
    followers: reminders.followers,
    accounts: consoleMod.accounts,
    sampler: consoleMod.sampler,
    anchor: anchor.service,
    collector: housekeeping.collector,
    disk,
    redis,
  };

  return {
    get config() {
      return config;
    },
    services,
    db,
    app,
    timers: rooms.timers,
    metrics,
    readiness,
    routes: routeCatalog,
    metricsPort: () => metricsListener?.port(),
    componentNames: () => lifecycle.names(),
    async listen() {
      await lifecycle.start();
      return urls;
    },
    close: () => lifecycle.stop(),
  };
}
