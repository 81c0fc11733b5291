/** The rooms module's routes: WeChat's room calls, the hot status read, and the admin API's operator actions. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ALL_STATUSES, PluginErrorCode, PluginRoutes, Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import { PLUGIN_CORS } from '../../http/plugin-api.js';
import { ok, type WxRouter } from '../../http/wx.js';
import { isRoomAction, operatorAction, ROOM_ACTIONS } from './actions.js';
import { missing, roomIdOf } from './fields.js';
import type { RoomService } from './service.js';
import { subAnchorRoutes } from './subanchor.js';

/** S-API-PLUGIN-1: callers ask at most once a minute. */
export const STATUS_MAX_AGE_SEC = 60;

export interface RoomRouteDeps {
  /** the push URL for the sender of `req` (http/base-url.ts) */
  pushUrl: (roomId: number, key: string, req?: FastifyRequest) => string;
  /** the app's customer-service URL ('' when none: closeKf 0 is refused with 300038) */
  kfUrl: (appid: string) => Promise<string>;
  /** the room's WHIP endpoint (getpushurl's extra `whipUrl`); undefined when WHIP is off */
  whipUrl?: (roomId: number, req?: FastifyRequest) => string | undefined;
}

/** A 0/1 switch of a body: missing → 200002 `parameter X must no be null`. */
function switchOf(body: Record<string, unknown>, field: string): 0 | 1 {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw missing(field);
  const n = typeof v === 'string' && /^\d$/.test(v) ? Number(v) : v;
  if (n !== 0 && n !== 1) throw new DomainError(Reason.BadParameter, `${field} must be 0 or 1`, field);
  return n;
}

export function wxRoutes(r: WxRouter, rooms: RoomService, d: RoomRouteDeps): void {
  const { pushUrl, whipUrl } = d;
  r.post('/wxaapi/broadcast/room/create', async ({ appid, body }) => ok({ roomId: await rooms.create(appid, body) }));
  r.post('/wxaapi/broadcast/room/editroom', async ({ appid, body }) => {
    await rooms.edit(appid, body.id, body);
    return ok({});
  });
  r.post('/wxaapi/broadcast/room/deleteroom', async ({ appid, body }) => {
    await rooms.delete(appid, body.id);
    return ok({});
  });
  r.get('/wxaapi/broadcast/room/getpushurl', async ({ appid, query, req }) => {
    const room = await rooms.get(appid, query.roomId);
    // whipUrl: an extra field beside WeChat's pushAddr (WHIP, RFC 9725; the Bearer token is the key pushAddr carries)
    const whip = whipUrl?.(room.id, req);
    return ok({ pushAddr: pushUrl(room.id, room.stream_key, req), ...(whip ? { whipUrl: whip } : {}) });
  });
  // The room's switches: the public feed listing, replays (hidden from the room page, get_replay and the files), customer service.
  r.post('/wxaapi/broadcast/room/updatefeedpublic', async ({ appid, body }) => {
    await rooms.setSwitch(appid, roomIdOf(body), 'is_feeds_public', switchOf(body, 'isFeedsPublic'));
    return ok({});
  });
  r.post('/wxaapi/broadcast/room/updatereplay', async ({ appid, body }) => {
    await rooms.setSwitch(appid, roomIdOf(body), 'close_replay', switchOf(body, 'closeReplay'));
    return ok({});
  });
  r.post('/wxaapi/broadcast/room/updatekf', async ({ appid, body }) => {
    const id = roomIdOf(body);
    const closeKf = switchOf(body, 'closeKf');
    await rooms.get(appid, id);
    if (closeKf === 0 && !(await d.kfUrl(appid)))
      throw new DomainError(
        Reason.KfNotConfigured,
        "customer service is not configured: set the app's customer-service URL (app setting kfUrl) first",
      );
    await rooms.setSwitch(appid, id, 'close_kf', closeKf);
    return ok({});
  });
  subAnchorRoutes(r, rooms, pushUrl);
}

/**
 * S-API-PLUGIN-1, the hot read: memory only, a pre-built body per status, registered at the root so that no hook of
 * the plugin API runs for it (the same CORS headers; the same error shape).
 */
export function statusRoute(app: FastifyInstance, rooms: RoomService): void {
  const bodies = new Map(ALL_STATUSES.map((st) => [st, `{"liveStatus":${st},"maxAge":${STATUS_MAX_AGE_SEC}}`]));
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': `public, max-age=${STATUS_MAX_AGE_SEC}`,
    ...PLUGIN_CORS,
  };
  app.get(PluginRoutes.status, (req, reply) => {
    const id = positiveId((req.query as { room_id?: string }).room_id);
    if (id === undefined)
      return reply
        .code(400)
        .headers(PLUGIN_CORS)
        .send({ errcode: PluginErrorCode.BadRequest, errmsg: 'room_id must be a positive integer' });
    const c = rooms.cachedStatus(id);
    if (!c)
      return reply
        .code(404)
        .headers(PLUGIN_CORS)
        .send({ errcode: PluginErrorCode.RoomNotFound, errmsg: `room ${id} does not exist` });
    return reply.headers(headers).send(bodies.get(c.status));
  });
}

export function adminRoutes(admin: FastifyInstance, rooms: RoomService): void {
  admin.post('/rooms/:id/:action', async (req) => {
    const { id, action } = req.params as { id: string; action: string };
    if (!isRoomAction(action))
      throw new DomainError(Reason.NotFound, `unknown action; one of ${Object.keys(ROOM_ACTIONS).join(', ')}`, 'action');
    const roomId = positiveId(id);
    if (roomId === undefined) throw new DomainError(Reason.RoomNotFound, `room ${id.slice(0, 20)} does not exist`);
    return operatorAction(rooms, roomId, action, 'admin');
  });
  admin.get('/rooms/:id/events', async (req) => {
    const roomId = positiveId((req.params as { id: string }).id);
    const room = roomId === undefined ? undefined : await rooms.getAny(roomId);
    if (!room) throw new DomainError(Reason.RoomNotFound, `room ${roomId ?? '?'} does not exist`);
    return { roomId: room.id, live_status: room.live_status, events: await rooms.auditLog(room.id) };
  });
}
