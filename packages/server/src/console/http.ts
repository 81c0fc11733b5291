/** Console HTTP plumbing: cookies, JSON bodies, the session/CSRF gate, and ownership checks on every object. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Services } from '../services/index.js';
import type { AppRow } from '../services/apps.js';
import type { RoomRow } from '../services/rooms.js';
import { type AccountService, ownerKey, Role } from './accounts.js';
import { ConsoleError, notFound, sendError } from './errors.js';
import { type LoginThrottle, type Session, type SessionService, safeEq } from './sessions.js';

export interface ConsoleCtx {
  s: Services;
  clock: Clock;
  accounts: AccountService;
  sessions: SessionService;
  throttle: LoginThrottle;
  /** the session each request came with (set by the gate) */
  bySession: WeakMap<FastifyRequest, Session>;
}

export const CSRF_HEADER = 'x-csrf-token';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `__Host-` cookies need Secure, so the name depends on whether the console is served over https. */
export function cookieName(s: Services): string {
  return secure(s) ? '__Host-zhibo_console' : 'zhibo_console';
}
const secure = (s: Services) => s.urls().http.startsWith('https:');

export function sessionCookie(s: Services, token: string, maxAgeSec: number): string {
  return `${cookieName(s)}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure(s) ? '; Secure' : ''}`;
}

export function clearCookie(s: Services): string {
  return `${cookieName(s)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure(s) ? '; Secure' : ''}`;
}

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function jsonOf(req: FastifyRequest): Record<string, unknown> {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  if (!text.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ConsoleError(400, 'bad_json', 'The request body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConsoleError(400, 'bad_json', 'The request body must be a JSON object');
  return v as Record<string, unknown>;
}

export function sessionOf(ctx: ConsoleCtx, req: FastifyRequest): Session {
  const s = ctx.bySession.get(req);
  if (!s) throw new ConsoleError(401, 'unauthenticated', 'Please sign in');
  return s;
}

/**
 * The gate for /console/api: every route but the public ones needs a live session; every state-changing
 * request needs the session's CSRF token (and, when the browser sends one, a same-origin Origin header).
 */
export function installGate(api: FastifyInstance, ctx: ConsoleCtx, publicPaths: Set<string>): void {
  api.addHook('onRequest', async (req, reply) => {
    try {
      const path = req.url.split('?')[0]!;
      if (MUTATING.has(req.method)) {
        const origin = req.headers.origin;
        if (origin && origin !== 'null') {
          let host = '';
          try {
            host = new URL(origin).host;
          } catch {
            host = '';
          }
          if (host !== req.headers.host) throw new ConsoleError(403, 'csrf', 'Cross-origin request refused');
        } else if (origin === 'null') throw new ConsoleError(403, 'csrf', 'Cross-origin request refused');
      }
      const session = await ctx.sessions.lookup(readCookie(req, cookieName(ctx.s)));
      if (session) ctx.bySession.set(req, session);
      if (publicPaths.has(path)) return;
      if (!session) {
        reply.header('set-cookie', clearCookie(ctx.s));
        throw new ConsoleError(401, 'unauthenticated', 'Your session has ended; please sign in again');
      }
      if (MUTATING.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !safeEq(sent, session.csrf)) throw new ConsoleError(403, 'csrf', 'Missing or wrong CSRF token; reload the page');
      }
    } catch (e) {
      return sendError(reply, e, ctx.s.log);
    }
  });
  api.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Wrap a route: results are sent as JSON, failures as console errors. */
export function route(ctx: ConsoleCtx, fn: Handler): Handler {
  return async (req, reply) => {
    try {
      const out = await fn(req, reply);
      if (reply.sent) return reply;
      return reply.send(out ?? { ok: true });
    } catch (e) {
      return sendError(reply, e, ctx.s.log);
    }
  };
}

/** An app this account may see: the operator sees every app; a merchant only the apps it owns. Others are 404. */
export async function appFor(ctx: ConsoleCtx, session: Session, appid: unknown): Promise<AppRow> {
  if (typeof appid !== 'string' || !/^wx[0-9a-f]{1,32}$/.test(appid)) throw notFound('App');
  const app = await ctx.s.apps.get(appid);
  if (!app || !canSee(session, app)) throw notFound('App');
  return app;
}

export function canSee(session: Session, app: AppRow): boolean {
  return session.account.role === Role.Operator || app.owner === ownerKey(session.account.id);
}

/** A room of an app this account may see (404 otherwise, the same as a missing room). */
export async function roomFor(ctx: ConsoleCtx, session: Session, id: unknown): Promise<{ room: RoomRow; app: AppRow }> {
  const roomId = typeof id === 'string' && /^\d{1,9}$/.test(id) ? Number(id) : NaN;
  const room = Number.isFinite(roomId) ? await ctx.s.rooms.getAny(roomId) : undefined;
  if (!room) throw notFound('Room');
  const app = await ctx.s.apps.get(room.appid);
  if (!app || !canSee(session, app)) throw notFound('Room');
  return { room, app };
}

export const params = (req: FastifyRequest) => req.params as Record<string, string>;
export const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
