/**
 * The plugin-facing read API (S-API-PLUGIN) for the browser SDK. Status reads come from
 * memory (kept fresh by status events), never from the database per request.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ALL_STATUSES, PluginErrorCode, PluginRoutes, ViewerHeaders, SDK_VERSION, type PluginError } from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import type { Services } from '../services/index.js';

type Q = Record<string, string | undefined>;

/** S-API-PLUGIN-1: callers ask at most once a minute. */
export const STATUS_MAX_AGE_SEC = 60;

const fail = (reply: FastifyReply, http: number, errcode: PluginError['errcode'], errmsg: string) => reply.code(http).headers(CORS).send({ errcode, errmsg } satisfies PluginError);

function roomIdOf(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,10}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

export function pluginRoutes(app: FastifyInstance, s: Services): void {
  // S-API-PLUGIN-1: the hot read. Memory only, a pre-built body per status, no hooks.
  const statusBodies = new Map(ALL_STATUSES.map((st) => [st, `{"liveStatus":${st},"maxAge":${STATUS_MAX_AGE_SEC}}`]));
  app.get(PluginRoutes.status, (req, reply) => {
    const id = roomIdOf((req.query as Q).room_id);
    if (id === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
    const c = s.rooms.cachedStatus(id);
    if (!c) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${id} does not exist`);
    return reply.headers(STATUS_HEADERS).send(statusBodies.get(c.status));
  });

  // CORS: the merchant's pages call these from their own origin. An encapsulated hook, so no other route pays for it.
  app.register(async (scoped) => {
    scoped.addHook('onRequest', async (_req, reply) => {
      reply.headers(CORS);
    });
    scoped.options('/api/plugin/*', async (_req, reply) => reply.code(204).send());
    pluginReads(scoped, s);
  });
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': `${ViewerHeaders.deviceId}, ${ViewerHeaders.viewerToken}, ${ViewerHeaders.sdkVersion}, content-type`,
  'access-control-max-age': '600',
};

const STATUS_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${STATUS_MAX_AGE_SEC}`, 'access-control-allow-origin': '*' };

function pluginReads(app: FastifyInstance, s: Services): void {


  app.get(PluginRoutes.openid, async (req, reply) => {
    const id = roomIdOf((req.query as Q).room_id);
    if (id === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
    const c = s.rooms.cachedStatus(id);
    if (!c) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${id} does not exist`);
    const h = req.headers;
    const who = await s.identity.viewer(c.appid, h[ViewerHeaders.deviceId] as string | undefined, h[ViewerHeaders.viewerToken] as string | undefined);
    if (!who) return fail(reply, 401, PluginErrorCode.Unauthorized, `send a device id (${ViewerHeaders.deviceId}, 8–64 of [A-Za-z0-9_-]) or a valid viewer token (${ViewerHeaders.viewerToken})`);
    return reply.header('cache-control', 'private, no-store').send({ openid: s.identity.openid(c.appid, who) });
  });

  // S-API-PLUGIN-3: the share parameters of an entry through a share card. The SDK passes what
  // the entry link carried; the server checks the share signature and answers the four fields.
  app.get(PluginRoutes.shareParams, async (req, reply) => {
    const q = req.query as Q;
    const id = roomIdOf(q.room_id);
    if (id === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
    const c = s.rooms.cachedStatus(id);
    if (!c) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${id} does not exist`);
    const who = await s.identity.viewer(c.appid, req.headers[ViewerHeaders.deviceId] as string | undefined, req.headers[ViewerHeaders.viewerToken] as string | undefined);
    if (!who) return fail(reply, 401, PluginErrorCode.Unauthorized, 'a device id or viewer token is required');
    const share = q.share_openid ?? '';
    if (share && !s.identity.verifyShare(id, share, q.share_sig ?? '')) return fail(reply, 400, PluginErrorCode.BadRequest, 'share_openid signature is invalid');
    const raw = q.custom_params ?? '';
    if (raw.length > CUSTOM_PARAMS_MAX) return fail(reply, 400, PluginErrorCode.BadRequest, `custom_params longer than ${CUSTOM_PARAMS_MAX} characters`);
    let custom: unknown = raw;
    if (raw) {
      try {
        custom = JSON.parse(raw);
      } catch {
        custom = raw;
      }
    }
    return reply.header('cache-control', 'private, no-store').send({ room_id: id, openid: s.identity.openid(c.appid, who), share_openid: share, custom_params: custom });
  });

  app.get(PluginRoutes.config, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').send({ minSdkVersion: s.config.minSdkVersion, latestSdkVersion: SDK_VERSION }),
  );
}
