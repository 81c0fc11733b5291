/**
 * The anchor page (`/anchor/?room_id=ID`) and its API under `/anchor/api/rooms/ID/…`. A phone signs in with a one-time
 * ticket (POST sign-in) and gets a cookie for that room only (`zhibo_anchor_ID`, HttpOnly, SameSite=Strict, Path
 * /anchor/). Every state-changing request carries the `x-zhibo-anchor` header (no cross-site form or simple fetch can)
 * and, when the browser sends one, a same-origin Origin. Errors: `{error, message, fields}` with the reason's status.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANCHOR_CSRF_HEADER, AnchorRoutes, Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import { asDomainError, fieldBody } from '../../http/errors.js';
import type { RoomService } from '../rooms/service.js';
import type { RoomRow } from '../rooms/sql.js';
import { ANCHOR_CSP, anchorPageHtml } from './html.js';
import type { AnchorService } from './service.js';

export interface AnchorRouteDeps {
  service: AnchorService;
  rooms: RoomService;
  log: Log;
  /** the bundle's version for `?v=` (web module's static files) */
  assetVersion: (file: string) => string;
  /** the server's public base URL (the cookie is Secure behind https) */
  publicUrl: () => string;
}

const cookieName = (roomId: number) => `zhibo_anchor_${roomId}`;

function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new DomainError(Reason.DataFormat, 'The request body must be a JSON object');
}

export function anchorRoutes(app: FastifyInstance, d: AnchorRouteDeps): void {
  const secure = () => d.publicUrl().startsWith('https:');
  const cookie = (roomId: number, value: string, maxAgeSec: number) =>
    `${cookieName(roomId)}=${value}; Path=/anchor/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${secure() ? '; Secure' : ''}`;

  app.get('/anchor', (req, reply) => {
    const i = req.url.indexOf('?');
    return reply.redirect(`${AnchorRoutes.page}${i < 0 ? '' : req.url.slice(i)}`, 301);
  });
  app.get(AnchorRoutes.page, async (req, reply) => {
    const id = positiveId((req.query as { room_id?: string }).room_id);
    const room = id === undefined ? undefined : await d.rooms.getAny(id);
    return reply
      .type('text/html; charset=utf-8')
      .headers({
        'content-security-policy': ANCHOR_CSP,
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'permissions-policy': 'camera=(self), microphone=(self), screen-wake-lock=(self)',
        'cache-control': 'no-store',
      })
      .send(anchorPageHtml({ title: room?.name, v: d.assetVersion('anchor.js') }));
  });

  type Handler = (ctx: { req: FastifyRequest; reply: FastifyReply; roomId: number; token: string | undefined }) => Promise<unknown>;
  /** One wrapper: room id, CSRF header and Origin on POST, errors in the console's shape, never cached. */
  const route = (fn: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    try {
      const roomId = positiveId((req.params as { id?: string }).id);
      if (roomId === undefined) throw new DomainError(Reason.RoomNotFound, 'room id must be a positive integer');
      if (req.method === 'POST') {
        const origin = req.headers.origin;
        let sameOrigin = true;
        if (origin !== undefined) {
          try {
            sameOrigin = new URL(origin).host === req.headers.host;
          } catch {
            sameOrigin = false;
          }
        }
        if (req.headers[ANCHOR_CSRF_HEADER] !== '1' || !sameOrigin) throw new DomainError(Reason.Csrf, 'Cross-site request refused');
      }
      return reply.send((await fn({ req, reply, roomId, token: readCookie(req, cookieName(roomId)) })) ?? { ok: true });
    } catch (e) {
      const err = asDomainError(e, d.log, `anchor ${req.method} ${req.url.split('?')[0]}`);
      return reply.code(err.status).send(fieldBody(err, {}, true));
    }
  };
  const signedIn =
    (fn: (room: RoomRow, expiresAt: number, body: () => Record<string, unknown>) => Promise<unknown>): Handler =>
    async ({ req, roomId, token }) => {
      const s = await d.service.session(roomId, token);
      return fn(s.room, s.expiresAt, () => bodyOf(req));
    };

  const api = '/anchor/api/rooms/:id';
  app.post(
    `${api}/sign-in`,
    route(async ({ req, reply, roomId }) => {
      const s = await d.service.signIn(roomId, bodyOf(req).ticket);
      const { room, expiresAt } = await d.service.session(roomId, s.token);
      d.log.info(`anchor: room ${roomId}: a device signed in with a one-time link`);
      reply.header('set-cookie', cookie(roomId, s.token, Math.ceil(d.service.sessionTtlMs / 1000)));
      return d.service.room(room, expiresAt);
    }),
  );
  app.get(api, route(signedIn((room, expiresAt) => d.service.room(room, expiresAt))));
  app.get(`${api}/live`, route(signedIn((room) => d.service.live(room))));
  app.post(`${api}/present`, route(signedIn((room, _e, body) => d.service.present(room, body().goodsId ?? 0))));
  app.post(`${api}/end`, route(signedIn((room) => d.service.end(room))));
  app.post(
    `${api}/sign-out`,
    route(async ({ reply, roomId, token }) => {
      if (token) await d.service.signOut(token);
      reply.header('set-cookie', cookie(roomId, '', 0));
      return { ok: true };
    }),
  );
}
