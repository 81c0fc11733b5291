/**
 * The plugin API (`/api/plugin/v1/*`, what the browser SDK and the room page call from any origin) as one Fastify
 * plugin: one CORS hook, one OPTIONS route, JSON bodies whatever the content type (sendBeacon sends text/plain),
 * query/body schemas, a preHandler that resolves the room (and the asking viewer when the route needs one), and one
 * error shape `{errcode, errmsg}` (http/errors.ts). Modules add routes through `PluginRouter.route()`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { type LiveStatus, PluginRoutes, Reason, ViewerHeaders } from '@zhibo/protocol';
import { ipKey } from '@zhibo/media';
import type { AnonWrite, QuotaRefusal } from '../lib/anon-quota.js';
import { DomainError } from '../lib/errors.js';
import { INT4_MAX } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import { asDomainError, pluginBody } from './errors.js';
import { noteApp } from './request-log.js';

export const PLUGIN_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': `${ViewerHeaders.deviceId}, ${ViewerHeaders.viewerToken}, ${ViewerHeaders.sdkVersion}, content-type`,
  'access-control-max-age': '600',
} as const;

export interface PluginRoom {
  id: number;
  appid: string;
  status: LiveStatus;
}

/** Who asks: resolved from the device id or the merchant-signed viewer token headers. */
export interface PluginViewer {
  openid: string;
  /** the identity the openid was derived from (device or merchant user) */
  kind: 'device' | 'user';
  id: string;
}

export interface PluginResolver {
  room(roomId: number): PluginRoom | undefined;
  viewer(appid: string, deviceId: string | undefined, viewerToken: string | undefined): Promise<PluginViewer | undefined>;
  /** count an anonymous write against its quotas (lib/anon-quota.ts); the refusing limit, or undefined */
  quota?(kind: AnonWrite, appid: string, who: { viewer?: string; ip?: string }): QuotaRefusal | undefined;
}

export interface PluginCall<Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  query: Q;
  body: B;
  room: PluginRoom;
  viewer: PluginViewer | undefined;
}

type Props = Record<string, Record<string, unknown>>;

export interface PluginRouteDef<Q, B> {
  method: 'GET' | 'POST' | 'DELETE';
  path: (typeof PluginRoutes)[keyof typeof PluginRoutes];
  /** where room_id is read from (it is always required and resolved) */
  roomFrom: 'query' | 'body';
  /** the route needs the asking viewer (401 without a usable identity) */
  viewer?: boolean;
  /** JSON-schema properties of the query / body besides room_id */
  query?: Props;
  body?: Props;
  required?: string[];
  /** cache-control of the answer (default `private, no-store`) */
  cache?: string;
  /** the route stores something for an anonymous viewer: counted per viewer, address and app (429 `throttled` over it) */
  quota?: AnonWrite;
  handler(c: PluginCall<Q, B>): Promise<unknown>;
}

export const ROOM_ID_SCHEMA = { type: 'integer', minimum: 1, maximum: INT4_MAX } as const;

function objectSchema(props: Props, required: string[]): Record<string, unknown> {
  return { type: 'object', properties: props, required };
}

export class PluginRouter {
  constructor(
    private readonly scope: FastifyInstance,
    private readonly resolver: PluginResolver,
  ) {}

  route<Q = Record<string, unknown>, B = Record<string, unknown>>(def: PluginRouteDef<Q, B>): void {
    const roomProps = { room_id: ROOM_ID_SCHEMA };
    const schema: FastifySchema = {};
    if (def.roomFrom === 'query') schema.querystring = objectSchema({ ...roomProps, ...def.query }, ['room_id', ...(def.required ?? [])]);
    else {
      schema.body = objectSchema({ ...roomProps, ...def.body }, ['room_id', ...(def.required ?? [])]);
      if (def.query) schema.querystring = objectSchema(def.query, []);
    }
    const resolver = this.resolver;
    this.scope.route({
      method: def.method,
      url: def.path,
      schema,
      handler: async (req, reply) => {
        const src = (def.roomFrom === 'query' ? req.query : req.body) as { room_id: number };
        const room = resolver.room(src.room_id);
        if (!room) throw new DomainError(Reason.RoomNotFound, `room ${src.room_id} does not exist`, 'room_id');
        noteApp(req, room.appid);
        let viewer: PluginViewer | undefined;
        if (def.viewer) {
          const h = req.headers;
          viewer = await resolver.viewer(
            room.appid,
            h[ViewerHeaders.deviceId] as string | undefined,
            h[ViewerHeaders.viewerToken] as string | undefined,
          );
          if (!viewer)
            throw new DomainError(
              Reason.Unauthorized,
              `send a device id (${ViewerHeaders.deviceId}, 8–64 of [A-Za-z0-9_-]) or a valid viewer token (${ViewerHeaders.viewerToken})`,
            );
        }
        if (def.quota && resolver.quota) {
          const refused = resolver.quota(def.quota, room.appid, { viewer: viewer?.openid, ip: ipKey(req.ip) });
          if (refused)
            throw new DomainError(
              Reason.Throttled,
              `too many ${def.quota.replace('_', ' ')} from this ${refused === 'app' ? 'app today' : refused}; try later`,
            );
        }
        reply.header('cache-control', def.cache ?? 'private, no-store');
        return def.handler({ req, reply, query: req.query as Q, body: req.body as B, room, viewer });
      },
    });
  }
}

/**
 * Install the plugin API's shared parts on an encapsulated scope: CORS on every answer, preflights, JSON bodies,
 * and the error shape (validation failures are `bad_request` naming the field).
 */
export function installPluginApi(scope: FastifyInstance, log: Log): void {
  scope.addHook('onRequest', async (_req, reply) => {
    reply.headers(PLUGIN_CORS);
  });
  scope.options('/api/plugin/*', async (_req, reply) => reply.code(204).send());
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const text = String(body).trim();
    if (!text) return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new DomainError(Reason.BadParameter, 'body must be a JSON object'), undefined);
    }
  });
  scope.setErrorHandler((err, req, reply) => {
    const v = (err as { validation?: Array<{ instancePath: string; params: Record<string, unknown>; message?: string }> }).validation;
    let e: DomainError;
    if (v?.length) {
      const first = v[0]!;
      const field =
        first.instancePath.replace(/^\//, '') || (typeof first.params.missingProperty === 'string' ? first.params.missingProperty : '');
      e = new DomainError(
        Reason.BadParameter,
        field === 'room_id' ? 'room_id must be a positive integer' : `${field || 'request'} ${first.message ?? 'is invalid'}`,
        field,
      );
    } else if ((err as { statusCode?: number }).statusCode === 413) e = new DomainError(Reason.TooLarge, 'body too large');
    else e = asDomainError(err, log, `req ${req.id} ${req.method} ${req.url.split('?')[0]}`);
    return reply.code(e.status).headers(PLUGIN_CORS).send(pluginBody(e));
  });
}
