/**
 * The composition root: builds storage, services, jobs and the HTTP server from a Config.
 * Nothing here is a module-level singleton: tests build as many servers as they like.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import pino from 'pino';
import { type Clock, systemClock } from '@zhibo/core';
import { type Config, withBoundUrls } from './config.js';
import { type Db, openDatabase } from './db/index.js';
import { AppService } from './services/apps.js';
import { randomHex } from './services/crypto.js';
import { type DomainEvents, TypedEmitter } from './services/events.js';
import { GoodsService } from './services/goods.js';
import { ImageService } from './services/images.js';
import { LiveInfoService } from './services/liveinfo.js';
import type { Log } from './services/log.js';
import { IdentityService } from './services/plugin.js';
import { QuotaService } from './services/quota.js';
import { RoomService } from './services/rooms.js';
import type { LiveControl, Services } from './services/index.js';
import { TimerJob } from './jobs/timers.js';
import { wechatRoutes } from './routes/wechat.js';
import { pluginRoutes } from './routes/plugin.js';
import { adminRoutes } from './routes/admin.js';
import { miscRoutes } from './routes/misc.js';
import { liveRoutes } from './routes/live.js';
import { LiveService } from './services/live.js';
import { ChangeFeed } from './services/change-feed.js';
import { ReplayJob } from './jobs/replays.js';
import { MediaServer, findLeftoverRecordings } from '@zhibo/media';
import { webRoutes } from './routes/web.js';
import { reminderRoutes } from './routes/reminders.js';
import { ReminderService } from './services/reminders.js';
import { ReminderOutbox } from './services/reminder-outbox.js';
import { ReminderWorker } from './jobs/reminders.js';
import { liveCommandRoutes } from './routes/live-commands.js';
import { consoleRoutes } from './console/index.js';
import { RealtimeGateway } from './realtime/gateway.js';
import { InteractionService } from './realtime/interaction.js';
import { RealtimeStore } from './realtime/store.js';

export interface ZhiboOptions {
  clock?: Clock;
  log?: Log;
  /** Start the timer loop (tests with a fake clock call timers.runDue() themselves). */
  runTimers?: boolean;
  /** Start the reminder worker (default true; issue 6). */
  runReminders?: boolean;
  /** Use an in-memory PGlite (tests); dataDir is still used for files. */
  memoryDb?: boolean;
}

export interface Zhibo {
  config: Config;
  services: Services;
  app: FastifyInstance;
  timers: TimerJob;
  listen(): Promise<{ http: string; rtmp: string }>;
  close(): Promise<void>;
}

export class DataDirLocked extends Error {
  constructor(readonly pid: number, dir: string) {
    super(`the embedded database in ${dir} is in use by process ${pid}`);
  }
}

/** Take DATA/zhibo.lock (exclusive create); a lock left by a dead process is taken over. */
export function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, 'zhibo.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (lockHolderAlive(pid)) throw new DataDirLocked(pid, dataDir);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take ${file}`);
}

export function lockHolderAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function metaValue(db: Db, key: string, make: () => string): Promise<string> {
  await db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, make()]);
  const [row] = await db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
  return row!.value;
}

function adminTokenFor(config: Config): string {
  if (config.adminToken) return config.adminToken;
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const t = randomHex(24);
  writeFileSync(file, `${t}\n`, { mode: 0o600 });
  return t;
}

export async function createZhibo(baseConfig: Config, opts: ZhiboOptions = {}): Promise<Zhibo> {
  let config = baseConfig;
  const clock = opts.clock ?? systemClock;
  const log: Log = opts.log ?? pino({ level: config.logLevel, base: undefined });
  mkdirSync(config.dataDir, { recursive: true });
  // Only one process may open the embedded database: hold DATA/zhibo.lock while it is open.
  const releaseLock = opts.memoryDb || config.databaseUrl ? () => {} : acquireLock(config.dataDir);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: opts.memoryDb ? null : config.dataDir });
  const events = new TypedEmitter<DomainEvents>();
  let urls = { http: config.publicUrl, rtmp: config.rtmpPublicUrl };
  const apps = new AppService(db, clock, { ttlSec: config.tokenTtlSec, overlapSec: config.tokenOverlapSec }, events);
  const images = new ImageService(db, clock, () => urls.http);
  const rooms = new RoomService(db, clock, images, events, log, { abnormalTimeoutMs: config.abnormalTimeoutMs });
  const goods = new GoodsService(db, clock, images, rooms, events);
  const liveInfo = new LiveInfoService(db, rooms, goods, events, () => urls.http);
  const identity = new IdentityService(await metaValue(db, 'install_key', () => randomHex(32)), apps);
  const quota = new QuotaService(db, clock, config.dailyQuota);
  // The media plane (issue 3): LiveService turns its events into lifecycle causes and carries decisions back.
  const live = new LiveService(db, clock, rooms, log, config.replayTtlDays);
  const control: LiveControl = live;
  const recordDir = join(config.dataDir, 'recordings');
  const media = new MediaServer({
    rtmpHost: config.rtmp.host, rtmpPort: config.rtmp.port, recordDir, hlsDir: join(config.dataDir, 'hls'), hls: config.hls,
    authorizePublish: (req) => live.authorizePublish(req), logger: log, stallTimeoutMs: config.stallTimeoutMs, batchMs: config.mediaBatchMs,
  });
  live.attachMedia(media, events);
  media.on('publishStart', (e) => void live.inOrder(e.streamId, 'publish start', () => live.onPublishStart(e.streamId, e.sessionId)));
  media.on('publishStop', (e) => void live.inOrder(e.streamId, 'publish stop', () => live.onPublishStop(e.streamId, e.reason)));
  media.on('recordingReady', (e) => void live.inOrder(e.streamId, 'recording ready', () => live.onRecordingReady(e)));
  media.on('recordingFailed', (e) => void live.inOrder(e.streamId, 'recording failed', () => live.onRecordingFailed(e)));
  media.on('viewerCount', (e) => events.emit('mediaViewers', { roomId: Number(e.streamId), count: e.count, peak: e.peak }));
  const replayJob = new ReplayJob(live, log);
  // Reminders (issue 6): the outbox rows are written inside the go-live transaction by this hook.
  const reminders = new ReminderService(db, clock, apps);
  rooms.hooks.push(reminders.onTransition);
  const reminderOutbox = new ReminderOutbox(db, clock, config.reminderMaxAttempts);
  const reminderWorker = new ReminderWorker({
    db, clock, outbox: reminderOutbox, reminders, apps, events, log, baseUrl: () => urls.http,
    policy: { ratePerSec: config.reminderRate, concurrency: config.reminderConcurrency, backoffMs: config.reminderBackoffMs, timeoutMs: config.reminderTimeoutMs, leaseMs: config.reminderLeaseMs, pollMs: config.reminderPollMs },
  });
  const realtimeStore = new RealtimeStore(db, log);
  const realtime = new RealtimeGateway({ clock, log, events, rooms, goods, identity, apps, store: realtimeStore, minSdkVersion: () => config.minSdkVersion });
  const interaction = new InteractionService(clock, events, rooms, goods, realtimeStore, realtime);
  const services: Services = {
    config, db, log, events, apps, quota, images, rooms, goods, liveInfo, identity, control, live, media, realtime, interaction,
    reminders, reminderOutbox, reminderWorker,
    adminToken: adminTokenFor(config),
    urls: () => urls,
  };
  await rooms.loadStatusCache();
  // Several processes on one PostgreSQL keep each other's hot state fresh (NOTIFY/LISTEN).
  const feed = config.databaseUrl ? new ChangeFeed(db, config.databaseUrl, events, rooms, log) : undefined;
  await feed?.start();
  const timers = new TimerJob(db, clock, rooms, log);

  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, return503OnClosing: true });
  // WeChat clients send JSON with any content type (or none): routes parse bodies themselves (47001 on bad JSON).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart);
  wechatRoutes(app, services);
  pluginRoutes(app, services);
  adminRoutes(app, services);
  miscRoutes(app, services);
  webRoutes(app, services, { clock });
  reminderRoutes(app, services);
  liveCommandRoutes(app, services);
  consoleRoutes(app, services, clock);
  // WebSocket upgrades, dispatched by path: /ws/... is the realtime gateway; other planes (e.g. /live/ID.flv) go before the destroy.
  const liveDelivery = liveRoutes(app, services, media);
  app.server.on('upgrade', (req, socket, head) => {
    if (liveDelivery.handleUpgrade(req, socket, head)) return;
    if (realtime.handleUpgrade(req, socket, head)) return;
    socket.destroy();
  });

  let closed = false;
  return {
    get config() {
      return config;
    },
    services,
    app,
    timers,
    async listen() {
      // Reconcile on boot (S-STATUS-3, -8): nobody publishes yet, so rooms left 101 lost their stream.
      await live.reconcileAfterRestart();
      await app.listen({ host: config.http.host, port: config.http.port });
      const { port: rtmpPort } = await media.listen();
      const addr = app.server.address();
      const httpPort = typeof addr === 'object' && addr ? addr.port : config.http.port;
      config = withBoundUrls(config, httpPort, rtmpPort);
      services.config = config;
      urls = { http: config.publicUrl, rtmp: config.rtmpPublicUrl };
      // S-STATUS-8: settle what fell due while the server was down, then keep ticking.
      await timers.runDue();
      // Recordings a crash left as FLV become replay segments (no recorded data lost).
      for (const f of await findLeftoverRecordings(recordDir)) await media.finalizeRecording(f);
      await live.settled();
      replayJob.start();
      if (opts.runTimers !== false) timers.start(config.timerPollMs);
      if (opts.runReminders !== false) reminderWorker.start();
      realtime.start();
      return urls;
    },
    async close() {
      if (closed) return;
      closed = true;
      await timers.stop();
      await feed?.close();
      replayJob.stop();
      await media.close();
      liveDelivery.close();
      await live.settled();
      await reminderWorker.stop();
      await realtime.close();
      await app.close();
      await db.close();
      releaseLock();
    },
  };
}
