/**
 * /console/assistant-api: the assistant's phone desk. A room assistant signs in with the signed, expiring link the
 * console handed out (routes-members.ts) and gets a session scoped to that one room — its own cookie and CSRF token,
 * the same rules as the console's (http.ts). No route takes a room id: everything acts on the session's room, through
 * the realtime InteractionService (mute, delete comments, present goods) and its numbers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { safeEqual } from '../../lib/crypto.js';
import { DomainError } from '../../lib/errors.js';
import type { AssistantSession } from '../assistants/index.js';
import { CSRF_HEADER, type ConsoleCtx, fieldError, jsonOf, params, readCookie, route, sendError } from './http.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC = new Set(['/console/assistant-api/sign-in']);

const secure = (ctx: ConsoleCtx) => ctx.d.urls().http.startsWith('https:');
const cookieName = (ctx: ConsoleCtx) => (secure(ctx) ? '__Host-zhibo_assistant' : 'zhibo_assistant');
const cookie = (ctx: ConsoleCtx, value: string, maxAge: number) =>
  `${cookieName(ctx)}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure(ctx) ? '; Secure' : ''}`;

export function assistantRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;
  const sessions = new WeakMap<FastifyRequest, AssistantSession>();
  const sessionOf = (req: FastifyRequest): AssistantSession => {
    const s = sessions.get(req);
    if (!s) throw new DomainError(Reason.Unauthenticated, 'Please open your sign-in link again');
    return s;
  };

  api.addHook('onRequest', async (req, reply) => {
    try {
      const path = req.url.split('?')[0]!;
      if (MUTATING.has(req.method) && req.headers.origin) {
        let host = '';
        try {
          host = new URL(req.headers.origin).host;
        } catch {
          host = '';
        }
        if (host !== req.headers.host) throw new DomainError(Reason.Csrf, 'Cross-origin request refused');
      }
      const s = await d.assistants.session(readCookie(req, cookieName(ctx)));
      if (s) sessions.set(req, s);
      if (PUBLIC.has(path)) return;
      if (!s) {
        reply.header('set-cookie', cookie(ctx, '', 0));
        throw new DomainError(
          Reason.Unauthenticated,
          'Your assistant session has ended (expired, revoked or removed); ask for a new sign-in link',
        );
      }
      if (MUTATING.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !safeEqual(sent, s.csrf))
          throw new DomainError(Reason.Csrf, 'Missing or wrong CSRF token; reload the page');
      }
    } catch (e) {
      return sendError(reply, e, d.log);
    }
  });
  api.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  const who = async (s: AssistantSession) => {
    const room = await d.rooms.getAny(s.roomId);
    if (!room) throw new DomainError(Reason.RoomNotFound, 'The room no longer exists');
    return {
      assistant: { username: s.username, nickname: s.nickname },
      room: { id: room.id, name: room.name, anchorName: room.anchor_name, coverImg: room.cover_img },
      csrf: s.csrf,
    };
  };

  api.post(
    '/sign-in',
    route(ctx, async (req, reply) => {
      const out = await d.assistants.signIn(jsonOf(req).token);
      reply.header('set-cookie', cookie(ctx, out.cookie, out.maxAgeSec));
      d.log.info(`assistant ${out.session.username} signed in to room ${out.session.roomId}`);
      return who(out.session);
    }),
  );

  api.get(
    '/session',
    route(ctx, async (req) => who(sessionOf(req))),
  );

  api.post(
    '/sign-out',
    route(ctx, async (req, reply) => {
      await d.assistants.signOut(sessionOf(req));
      reply.header('set-cookie', cookie(ctx, '', 0));
      return { ok: true };
    }),
  );

  /** Numbers, comments (with who is muted), the presented product and the shelf to present from. */
  api.get(
    '/desk',
    route(ctx, async (req) => {
      const s = sessionOf(req);
      const room = await d.rooms.getAny(s.roomId);
      if (!room) throw new DomainError(Reason.RoomNotFound, 'The room no longer exists');
      const desk = await d.interaction.liveDesk(room.id, room.close_comment === 1);
      const shelf = room.close_goods ? [] : await d.goods.onSale(room.id);
      return { status: d.rooms.cachedStatus(room.id)?.status ?? room.live_status, ...desk, shelf, serverTime: ctx.clock.now() };
    }),
  );

  api.post(
    '/mute',
    route(ctx, async (req) => {
      const s = sessionOf(req);
      const b = jsonOf(req);
      if (typeof b.mute !== 'boolean') throw fieldError('mute', 'mute must be true or false');
      await d.interaction.mute(s.appid, s.roomId, b.openid, b.mute ? 1 : 0);
      return { ok: true };
    }),
  );

  api.post(
    '/comments/:cid/delete',
    route(ctx, async (req) => {
      const s = sessionOf(req);
      await d.interaction.deleteComment(s.appid, s.roomId, params(req).cid);
      return { ok: true };
    }),
  );

  /** Present an on-sale product of this room's shelf (goodsId 0 stops presenting). */
  api.post(
    '/present',
    route(ctx, async (req) => {
      const s = sessionOf(req);
      const goods = await d.interaction.present(s.appid, s.roomId, jsonOf(req).goodsId);
      return { presented: goods };
    }),
  );
}
