/**
 * Subscriptions and reminders over HTTP (S-SUB):
 * - plugin API (CORS, viewer identity): subscribe, unsubscribe, subscription state, the app's VAPID public key;
 *   and the service worker at /zhibo-sw.js;
 * - admin API (operator / console): deliveries (inspect, replay dead letters), a room's counts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { LiveStatus, PluginRoutes, Reason, ReminderRoutes, type SubscriptionState } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import { TokenBucket } from '../../lib/token-bucket.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import type { RoomService } from '../rooms/service.js';
import type { ReminderOutbox } from './outbox/store.js';
import type { ReminderService } from './service.js';
import { validatePushSubscription } from './settings.js';
import type { ReminderWorker } from './worker.js';

export interface SubscribeGate {
  pushAllowHttp: boolean;
  /** ZHIBO_PUSH_SERVICES */
  pushServices: readonly string[];
  /** ZHIBO_SUBSCRIBE_PER_IP_PER_MIN */
  perIpPerMin: number;
}

/** Subscribe calls per client IP: a token bucket each (at most 50 000 IPs remembered, then forgotten at once). */
class PerIpRate {
  private buckets = new Map<string, TokenBucket>();
  constructor(private readonly perMin: number) {}
  take(ip: string): boolean {
    let b = this.buckets.get(ip);
    if (!b) {
      if (this.buckets.size >= 50_000) this.buckets = new Map();
      this.buckets.set(ip, (b = new TokenBucket(this.perMin / 60, this.perMin)));
    }
    return b.take(1) === 1;
  }
}

export function pluginRoutes(r: PluginRouter, reminders: ReminderService, gate: SubscribeGate): void {
  const perIp = new PerIpRate(gate.perIpPerMin);
  r.route<unknown, { room_id: number; push_subscription?: unknown }>({
    method: 'POST',
    path: PluginRoutes.subscribe,
    roomFrom: 'body',
    viewer: true,
    body: { push_subscription: {} },
    quota: 'subscriptions',
    async handler({ req, body, room, viewer }) {
      if (!perIp.take(req.ip))
        throw new DomainError(Reason.Throttled, `too many subscribe calls from this address; at most ${gate.perIpPerMin} a minute`);
      const settings = await reminders.settings(room.appid);
      const push =
        body.push_subscription && settings.webpush
          ? validatePushSubscription(body.push_subscription, gate.pushAllowHttp, gate.pushServices)
          : null;
      await reminders.subscribe(room.id, viewer!.openid, push);
      return { subscribed: true };
    },
  });
  r.route({
    method: 'POST',
    path: PluginRoutes.unsubscribe,
    roomFrom: 'body',
    viewer: true,
    async handler({ room, viewer }) {
      await reminders.unsubscribe(room.id, viewer!.openid);
      return { subscribed: false };
    },
  });
  r.route({
    method: 'DELETE',
    path: PluginRoutes.subscribe,
    roomFrom: 'query',
    viewer: true,
    async handler({ room, viewer }) {
      await reminders.unsubscribe(room.id, viewer!.openid);
      return { subscribed: false };
    },
  });
  r.route({
    method: 'GET',
    path: PluginRoutes.subscription,
    roomFrom: 'query',
    viewer: true,
    async handler({ room, viewer }) {
      const state: SubscriptionState = {
        subscribed: await reminders.isSubscribed(room.id, viewer!.openid),
        available: room.status === LiveStatus.NotStarted,
        liveStatus: room.status,
        webpush: (await reminders.settings(room.appid)).webpush,
        appid: room.appid,
      };
      return state;
    },
  });
  r.route({
    method: 'GET',
    path: PluginRoutes.vapidPublicKey,
    roomFrom: 'query',
    async handler({ room }) {
      if (!(await reminders.settings(room.appid)).webpush)
        throw new DomainError(Reason.WebPushOff, 'this app does not deliver reminders by Web Push');
      return { publicKey: (await reminders.vapidKeys(room.appid)).publicKey };
    },
  });
}

/** A service worker must come from the origin (and path) of its scope: the root of this server. */
export function webRoutes(app: FastifyInstance, buildDir: string): void {
  app.get(ReminderRoutes.serviceWorker, async (_req, reply) => {
    let js: Buffer;
    try {
      js = await readFile(join(buildDir, 'zhibo-sw.js'));
    } catch {
      return reply.code(404).send({ error: 'not_found', message: 'zhibo-sw.js is not built: run node scripts/build-web.mjs' });
    }
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(js);
  });
}

export function adminRoutes(
  admin: FastifyInstance,
  d: { reminders: ReminderService; outbox: ReminderOutbox; worker: ReminderWorker; rooms: RoomService },
): void {
  type Q = Record<string, string | undefined>;
  admin.get('/rooms/:id/reminders', async (req) => {
    const id = positiveId((req.params as { id: string }).id);
    const room = id === undefined ? undefined : await d.rooms.getAny(id);
    if (!room) throw new DomainError(Reason.RoomNotFound, 'room does not exist');
    return { roomId: room.id, subscriptions: await d.reminders.count(room.id), deliveries: await d.outbox.summary(room.id) };
  });
  admin.get('/reminders', async (req) => {
    const q = req.query as Q;
    return {
      deliveries: await d.outbox.list({
        roomId: positiveId(q.room_id),
        state: q.state,
        channel: q.channel,
        kind: q.kind === 'fanout' ? 'fanout' : 'delivery',
        afterId: positiveId(q.after) ?? 0,
        limit: positiveId(q.limit),
      }),
    };
  });
  admin.get('/reminders/:id', async (req) => {
    const id = positiveId((req.params as { id: string }).id);
    const row = id === undefined ? undefined : await d.outbox.get(id);
    if (!row) throw new DomainError(Reason.NotFound, 'no such delivery');
    return row;
  });
  /** Re-send a dead letter (or, with /rooms/:id/reminders/replay, every dead letter of a room). */
  admin.post('/reminders/:id/replay', async (req) => {
    const id = positiveId((req.params as { id: string }).id);
    if (id === undefined) throw new DomainError(Reason.NotFound, 'no such delivery');
    const n = await d.outbox.replay({ id });
    if (!n) throw new DomainError(Reason.Conflict, `delivery ${id} does not exist or is not dead-lettered`);
    d.worker.kick();
    return { replayed: n };
  });
  admin.post('/rooms/:id/reminders/replay', async (req) => {
    const id = positiveId((req.params as { id: string }).id);
    if (id === undefined) throw new DomainError(Reason.RoomNotFound, 'room does not exist');
    const n = await d.outbox.replay({ roomId: id });
    d.worker.kick();
    return { replayed: n };
  });
}
