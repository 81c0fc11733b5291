/**
 * Subscriptions and reminders over HTTP (issue 6, S-SUB):
 * - plugin-facing (CORS, viewer identity headers): subscribe, unsubscribe, subscription state,
 *   the app's VAPID public key; and the service worker at /zhibo-sw.js;
 * - admin (operator / console): app settings, deliveries (inspect, replay dead letters), a room's counts.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LiveStatus, PluginErrorCode, ReminderRoutes, SubscribeErrorCode, ViewerHeaders, type SubscriptionState } from '@zhibo/protocol';
import type { Services } from '../services/index.js';
import { safeEqual } from '../services/crypto.js';
import { ReminderInputError, validatePushSubscription } from '../services/reminder-settings.js';
import { SubscribeRefused } from '../services/reminders.js';

type Q = Record<string, string | undefined>;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': `${ViewerHeaders.deviceId}, ${ViewerHeaders.viewerToken}, ${ViewerHeaders.sdkVersion}, content-type`,
  'access-control-max-age': '600',
};

const SW_FILE = new URL('../../public/build/zhibo-sw.js', import.meta.url);

const fail = (reply: FastifyReply, http: number, errcode: string, errmsg: string) => reply.code(http).send({ errcode, errmsg });
const positiveInt = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
};

function jsonBody(req: FastifyRequest): Record<string, unknown> | undefined {
  const b = req.body;
  if (b === undefined || b === null || (Buffer.isBuffer(b) && b.length === 0)) return {};
  try {
    const v: unknown = JSON.parse(Buffer.isBuffer(b) ? b.toString('utf8') : String(b));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function reminderRoutes(app: FastifyInstance, s: Services): void {
  const r = s.reminders;

  app.register(async (plugin) => {
    plugin.addHook('onRequest', async (_req, reply) => {
      reply.headers(CORS).header('cache-control', 'private, no-store');
    });

    /** The room and the asking viewer's openid, or an error reply. */
    const viewer = async (req: FastifyRequest, reply: FastifyReply, roomRaw: unknown) => {
      const roomId = positiveInt(roomRaw);
      if (roomId === undefined) return void fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
      const c = s.rooms.cachedStatus(roomId);
      if (!c) return void fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${roomId} does not exist`);
      const h = req.headers;
      const who = await s.identity.viewer(c.appid, h[ViewerHeaders.deviceId] as string | undefined, h[ViewerHeaders.viewerToken] as string | undefined);
      if (!who) return void fail(reply, 401, PluginErrorCode.Unauthorized, `send a device id (${ViewerHeaders.deviceId}, 8–64 of [A-Za-z0-9_-]) or a valid viewer token (${ViewerHeaders.viewerToken})`);
      return { roomId, appid: c.appid, status: c.status, openid: s.identity.openid(c.appid, who) };
    };

    plugin.post(ReminderRoutes.subscribe, async (req, reply) => {
      const body = jsonBody(req);
      if (!body) return fail(reply, 400, PluginErrorCode.BadRequest, 'body must be a JSON object {room_id, push_subscription?}');
      const v = await viewer(req, reply, body.room_id);
      if (!v) return reply;
      try {
        const settings = await r.settings(v.appid);
        const push = body.push_subscription && settings.webpush ? validatePushSubscription(body.push_subscription, s.config.pushAllowHttp) : null;
        await r.subscribe(v.roomId, v.openid, push);
      } catch (e) {
        if (e instanceof ReminderInputError) return fail(reply, 400, PluginErrorCode.BadRequest, e.message);
        if (e instanceof SubscribeRefused && e.status === null) return fail(reply, 404, PluginErrorCode.RoomNotFound, e.message);
        if (e instanceof SubscribeRefused) return fail(reply, 409, SubscribeErrorCode.NotSubscribable, e.message);
        throw e;
      }
      return { subscribed: true };
    });

    const unsubscribe = async (req: FastifyRequest, reply: FastifyReply, roomRaw: unknown) => {
      const v = await viewer(req, reply, roomRaw);
      if (!v) return reply;
      await r.unsubscribe(v.roomId, v.openid);
      return { subscribed: false };
    };
    plugin.post(ReminderRoutes.unsubscribe, async (req, reply) => {
      const body = jsonBody(req);
      if (!body) return fail(reply, 400, PluginErrorCode.BadRequest, 'body must be a JSON object {room_id}');
      return unsubscribe(req, reply, body.room_id);
    });
    plugin.delete(ReminderRoutes.subscribe, async (req, reply) => unsubscribe(req, reply, (req.query as Q).room_id));

    plugin.get(ReminderRoutes.subscription, async (req, reply) => {
      const v = await viewer(req, reply, (req.query as Q).room_id);
      if (!v) return reply;
      const settings = await r.settings(v.appid);
      return {
        subscribed: await r.isSubscribed(v.roomId, v.openid),
        available: v.status === LiveStatus.NotStarted,
        liveStatus: v.status,
        webpush: settings.webpush,
      } satisfies SubscriptionState;
    });

    plugin.get(ReminderRoutes.vapidPublicKey, async (req, reply) => {
      const roomId = positiveInt((req.query as Q).room_id);
      if (roomId === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
      const c = s.rooms.cachedStatus(roomId);
      if (!c) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${roomId} does not exist`);
      if (!(await r.settings(c.appid)).webpush) return fail(reply, 404, SubscribeErrorCode.WebPushOff, 'this app does not deliver reminders by Web Push');
      return { publicKey: (await r.vapidKeys(c.appid)).publicKey };
    });
  });

  // A service worker must come from the origin (and path) of its scope: the root of this server.
  app.get(ReminderRoutes.serviceWorker, async (_req, reply) => {
    let js: Buffer;
    try {
      js = await readFile(SW_FILE);
    } catch {
      return reply.code(404).send({ error: 'not_found', message: 'zhibo-sw.js is not built: run node scripts/build-web.mjs' });
    }
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(js);
  });

  adminReminderRoutes(app, s);
}

function adminReminderRoutes(app: FastifyInstance, s: Services): void {
  const r = s.reminders;
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => {
      const h = req.headers.authorization ?? '';
      const token = h.startsWith('Bearer ') ? h.slice(7) : '';
      if (!token || !safeEqual(token, s.adminToken)) return reply.code(401).send({ error: 'unauthorized', message: 'admin API needs Authorization: Bearer <admin token> (DATA/admin-token)' });
    });

    /** Patch an app's settings; `reminders` is validated (see docs/reminders.md), the rest merged as given. */
    admin.put('/apps/:appid/settings', async (req, reply) => {
      const { appid } = req.params as { appid: string };
      if (!(await s.apps.get(appid))) return reply.code(404).send({ error: 'app_not_found', message: `no app ${appid}` });
      const body = jsonBody(req);
      if (!body) return reply.code(400).send({ error: 'bad_request', message: 'body must be a JSON object of settings' });
      const { reminders, ...rest } = body;
      try {
        if (reminders !== undefined) await r.updateSettings(appid, reminders);
      } catch (e) {
        if (e instanceof ReminderInputError) return reply.code(400).send({ error: 'bad_request', message: e.message });
        throw e;
      }
      if (Object.keys(rest).length) await s.apps.updateSettings(appid, rest);
      return { appid, settings: (await s.apps.get(appid))?.settings ?? {} };
    });

    admin.get('/rooms/:id/reminders', async (req, reply) => {
      const id = positiveInt((req.params as { id: string }).id);
      const room = id ? await s.rooms.getAny(id) : undefined;
      if (!room) return reply.code(404).send({ error: 'room_not_found', message: 'room does not exist' });
      return { roomId: room.id, subscriptions: await r.count(room.id), deliveries: await s.reminderOutbox.summary(room.id) };
    });

    admin.get('/reminders', async (req) => {
      const q = req.query as Q;
      return { deliveries: await s.reminderOutbox.list({ roomId: positiveInt(q.room_id), state: q.state, channel: q.channel, afterId: positiveInt(q.after) ?? 0, limit: positiveInt(q.limit) }) };
    });
    admin.get('/reminders/:id', async (req, reply) => {
      const id = positiveInt((req.params as { id: string }).id);
      const row = id ? await s.reminderOutbox.get(id) : undefined;
      if (!row) return reply.code(404).send({ error: 'not_found', message: 'no such delivery' });
      return row;
    });
    /** Re-send a dead letter (or, with ?room_id=, every dead letter of a room). */
    admin.post('/reminders/:id/replay', async (req, reply) => {
      const id = positiveInt((req.params as { id: string }).id);
      if (!id) return reply.code(404).send({ error: 'not_found', message: 'no such delivery' });
      const n = await s.reminderOutbox.replay({ id });
      if (!n) return reply.code(409).send({ error: 'not_dead', message: `delivery ${id} does not exist or is not dead-lettered` });
      s.reminderWorker.kick();
      return { replayed: n };
    });
    admin.post('/rooms/:id/reminders/replay', async (req, reply) => {
      const id = positiveInt((req.params as { id: string }).id);
      if (!id) return reply.code(404).send({ error: 'room_not_found', message: 'room does not exist' });
      const n = await s.reminderOutbox.replay({ roomId: id });
      s.reminderWorker.kick();
      return { replayed: n };
    });
  }, { prefix: '/admin/api' });
}
