/**
 * Console HTTP plumbing: cookies, JSON bodies, the session/CSRF gate, one error shape `{error, message, fields}`
 * (http/errors.ts), and ownership checks on every object. Everything else goes through module services.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { safeEqual } from '../../lib/crypto.js';
import { DomainError } from '../../lib/errors.js';
import { positiveId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import { asDomainError, fieldBody } from '../../http/errors.js';
import type { AppRow } from '../apps/sql.js';
import type { RoomRow } from '../rooms/sql.js';
import { type AccountService, ownerKey, Role } from './accounts.js';
import type { ConsoleDeps } from './deps.js';
import type { KnownDevices, Session, SessionService } from './sessions.js';
import type { SignInThrottle } from './shared-throttle.js';

export interface ConsoleCtx {
  d: ConsoleDeps;
  clock: Clock;
  accounts: AccountService;
  sessions: SessionService;
  /** LoginThrottle (per process) or SharedLoginThrottle (cluster mode) */
  throttle: SignInThrottle;
  devices: KnownDevices;
  /** the session each request came with (set by the gate) */
  bySession: WeakMap<FastifyRequest, Session>;
}

export const CSRF_HEADER = 'x-csrf-token';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What a session that must change its password may call. */
const PASSWORD_CHANGE_PATHS = new Set(['/console/api/session', '/console/api/password', '/console/api/logout']);

/** Service field names → console form field names (the forms use WeChat's names where they exist). */
const FIELD_ALIASES: Record<string, string> = {
  coverImgUrl: 'coverImg',
  goodsInfo: 'name',
  ids: 'goods',
  roomId: 'room',
  id: 'room',
  media: 'file',
};

/**
 * The console's cookies never reach viewer pages: Path=/console (and, with ZHIBO_CONSOLE_URL, a host of their own; no
 * Domain attribute, so they stay on that host). Over https they are Secure with the `__Secure-` prefix (`__Host-`
 * would need Path=/).
 */
const secure = (ctx: ConsoleCtx) => (ctx.d.consoleUrl || ctx.d.urls().http).startsWith('https:');
export const cookieName = (ctx: ConsoleCtx): string => (secure(ctx) ? '__Secure-zhibo_console' : 'zhibo_console');
export const deviceCookieName = (ctx: ConsoleCtx): string => (secure(ctx) ? '__Secure-zhibo_device' : 'zhibo_device');
export const COOKIE_PATH = '/console';
/** where the device cookie is sent: only to sign-in */
const DEVICE_PATH = '/console/api/login';

export function sessionCookie(ctx: ConsoleCtx, token: string, maxAgeSec: number): string {
  return `${cookieName(ctx)}=${token}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure(ctx) ? '; Secure' : ''}`;
}

export function clearCookie(ctx: ConsoleCtx): string {
  return `${cookieName(ctx)}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=0${secure(ctx) ? '; Secure' : ''}`;
}

/** The device cookie: a year, sent only to the sign-in call. */
export function deviceCookie(ctx: ConsoleCtx, token: string): string {
  return `${deviceCookieName(ctx)}=${token}; Path=${DEVICE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${365 * 86_400}${secure(ctx) ? '; Secure' : ''}`;
}

/** The session cookie of older versions (Path=/, sent to every page): cleared at sign-in. */
export const legacyCookieClear = (ctx: ConsoleCtx): string =>
  secure(ctx)
    ? '__Host-zhibo_console=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure'
    : 'zhibo_console=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0';

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
    throw new DomainError(Reason.DataFormat, 'The request body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DomainError(Reason.DataFormat, 'The request body must be a JSON object');
  return v as Record<string, unknown>;
}

export function sessionOf(ctx: ConsoleCtx, req: FastifyRequest): Session {
  const s = ctx.bySession.get(req);
  if (!s) throw new DomainError(Reason.Unauthenticated, 'Please sign in');
  return s;
}

export function sendError(reply: FastifyReply, e: unknown, log: Log): FastifyReply {
  const err = asDomainError(e, log, `req ${reply.request.id} console ${reply.request.method} ${reply.request.url.split('?')[0]}`);
  return reply.code(err.status).send(fieldBody(err, FIELD_ALIASES, true));
}

/**
 * The gate for /console/api: every route but the public ones needs a live session; every state-changing request
 * needs the session's CSRF token (and, when the browser sends one, a same-origin Origin header).
 */
export function installGate(api: FastifyInstance, ctx: ConsoleCtx, publicPaths: Set<string>): void {
  api.addHook('onRequest', async (req, reply) => {
    try {
      const path = req.url.split('?')[0]!;
      if (MUTATING.has(req.method)) {
        const origin = req.headers.origin;
        if (origin === 'null') throw new DomainError(Reason.Csrf, 'Cross-origin request refused');
        if (origin) {
          let host = '';
          try {
            host = new URL(origin).host;
          } catch {
            host = '';
          }
          if (host !== req.headers.host) throw new DomainError(Reason.Csrf, 'Cross-origin request refused');
        }
      }
      const session = await ctx.sessions.lookup(readCookie(req, cookieName(ctx)));
      if (session) ctx.bySession.set(req, session);
      if (publicPaths.has(path)) return;
      if (!session) {
        reply.header('set-cookie', clearCookie(ctx));
        throw new DomainError(Reason.Unauthenticated, 'Your session has ended; please sign in again');
      }
      // A generated password (first start, reset) works once: until the account chooses its own, only that is allowed.
      if (session.account.must_change_password && !PASSWORD_CHANGE_PATHS.has(path))
        throw new DomainError(Reason.PasswordChangeRequired, 'Choose your own password first (the one you signed in with was generated)');
      if (MUTATING.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !safeEqual(sent, session.csrf))
          throw new DomainError(Reason.Csrf, 'Missing or wrong CSRF token; reload the page');
      }
    } catch (e) {
      return sendError(reply, e, ctx.d.log);
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
      return sendError(reply, e, ctx.d.log);
    }
  };
}

const notFound = (what: string) => new DomainError(Reason.NotFound, `${what} does not exist or is not yours`);

export function canSee(session: Session, app: AppRow): boolean {
  return session.account.role === Role.Operator || app.owner === ownerKey(session.account.id);
}

/** An app this account may see: the operator sees every app; a merchant only the apps it owns. Others are 404. */
export async function appFor(ctx: ConsoleCtx, session: Session, appid: unknown): Promise<AppRow> {
  if (typeof appid !== 'string' || !/^wx[0-9a-f]{1,32}$/.test(appid)) throw notFound('App');
  const app = await ctx.d.apps.get(appid);
  if (!app || !canSee(session, app)) throw notFound('App');
  return app;
}

/** A room of an app this account may see (404 otherwise, the same as a missing room). */
export async function roomFor(ctx: ConsoleCtx, session: Session, id: unknown): Promise<{ room: RoomRow; app: AppRow }> {
  const roomId = positiveId(id);
  const room = roomId === undefined ? undefined : await ctx.d.rooms.getAny(roomId);
  if (!room) throw notFound('Room');
  const app = await ctx.d.apps.get(room.appid);
  if (!app || !canSee(session, app)) throw notFound('Room');
  return { room, app };
}

export const params = (req: FastifyRequest) => req.params as Record<string, string>;
export const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;

/** A console-only validation failure on a form field (400, `fields[field] = message`). */
export const fieldError = (field: string, message: string): DomainError => new DomainError(Reason.BadParameter, message, field);
