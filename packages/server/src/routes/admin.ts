/**
 * The operator's admin API (what WeChat did in its console): pause/resume/end/ban rooms,
 * the audit log, apps. Bearer token auth (DATA/admin-token or ZHIBO_ADMIN_TOKEN). The CLI
 * goes through it when a server is running on the same data.
 */
import type { FastifyInstance } from 'fastify';
import { TransitionCause } from '@zhibo/protocol';
import type { Services } from '../services/index.js';
import { safeEqual } from '../services/crypto.js';
import { WxFail } from '../services/errors.js';

const ACTIONS = { pause: TransitionCause.Paused, resume: TransitionCause.Resumed, end: TransitionCause.AnchorEnded, ban: TransitionCause.Banned } as const;
export type RoomAction = keyof typeof ACTIONS;
export const ROOM_ACTIONS = Object.keys(ACTIONS) as RoomAction[];

export function adminRoutes(app: FastifyInstance, s: Services): void {
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => {
      const h = req.headers.authorization ?? '';
      const token = h.startsWith('Bearer ') ? h.slice(7) : '';
      if (!token || !safeEqual(token, s.adminToken)) return reply.code(401).send({ error: 'unauthorized', message: 'admin API needs Authorization: Bearer <admin token> (DATA/admin-token)' });
    });

    admin.post('/apps', async (req, reply) => {
      let name: unknown;
      try {
        name = (JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '{}') as { name?: unknown }).name;
      } catch {
        name = undefined;
      }
      if (typeof name !== 'string') return reply.code(400).send({ error: 'bad_request', message: 'body {"name": string} required' });
      try {
        return await s.apps.create(name);
      } catch (e) {
        if (e instanceof WxFail) return reply.code(400).send({ error: 'bad_request', message: e.detail });
        throw e;
      }
    });
    admin.get('/apps', async () => (await s.apps.list()).map((a) => ({ appid: a.appid, name: a.name, created_at: a.created_at })));

    admin.post('/rooms/:id/:action', async (req, reply) => {
      const { id, action } = req.params as { id: string; action: string };
      if (!(action in ACTIONS)) return reply.code(404).send({ error: 'not_found', message: `unknown action ${action}; one of ${ROOM_ACTIONS.join(', ')}` });
      const roomId = /^\d{1,10}$/.test(id) ? Number(id) : NaN;
      const room = Number.isFinite(roomId) ? await s.rooms.getAny(roomId) : undefined;
      if (!room) return reply.code(404).send({ error: 'room_not_found', message: `room ${id} does not exist` });
      const r = await s.control.apply(room.id, ACTIONS[action as RoomAction], 'admin');
      if (r.kind === 'refused') return reply.code(409).send({ error: r.reason, message: r.message, live_status: r.status });
      return { roomId: room.id, live_status: r.kind === 'changed' ? r.to : r.status, changed: r.kind === 'changed' };
    });
    admin.get('/rooms/:id/events', async (req, reply) => {
      const id = Number((req.params as { id: string }).id);
      const room = Number.isInteger(id) && id > 0 ? await s.rooms.getAny(id) : undefined;
      if (!room) return reply.code(404).send({ error: 'room_not_found', message: 'room does not exist' });
      return { roomId: room.id, live_status: room.live_status, events: await s.rooms.auditLog(room.id) };
    });
  }, { prefix: '/admin/api' });
}
