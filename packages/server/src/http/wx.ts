/**
 * The WeChat envelope: how every WeChat-compatible route reads its request and answers (HTTP 200,
 * `{errcode, errmsg, ...}`), in one place. Bodies are JSON (any content type, as WeChat clients send) or
 * `application/x-www-form-urlencoded` with PHP-style arrays (`ids[0]=1&ids[1]=2`, EasyWeChat's httpPost).
 * `WxRouter` adds `?access_token=` authentication, so a handler gets `{appid, body, query}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import { asDomainError, wxBody } from './errors.js';
import { noteApp } from './request-log.js';

export type Query = Record<string, string | undefined>;
export type Body = Record<string, unknown>;

/** Parse `a[b][0]=1&c=2` (PHP's http_build_query) into nested objects and arrays; values stay strings. */
export function parseForm(text: string): Body {
  const out: Body = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)] : [rawKey];
    let node: Record<string, unknown> | unknown[] = out;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1]!);
      const key = Array.isArray(node) && seg === '' ? node.length : seg;
      const container = node as Record<string | number, unknown>;
      if (last) container[key] = value;
      else {
        if (typeof container[key] !== 'object' || container[key] === null) container[key] = nextIsIndex ? [] : {};
        node = container[key] as Record<string, unknown> | unknown[];
      }
    }
  }
  return out;
}

/**
 * Input no WeChat API field can hold (47001, data format error): a NUL or another C0 control character but tab and
 * newlines in any string (keys too), or nesting deeper than 32 levels. Checked once for every body, before a handler.
 */
export function badInput(v: unknown, depth = 0): string | undefined {
  if (typeof v === 'string') return CONTROL.test(v) ? 'a string contains a control character (such as NUL)' : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth > 32) return 'the body is nested too deeply';
  for (const [k, x] of Object.entries(v)) {
    if (CONTROL.test(k)) return 'a key contains a control character (such as NUL)';
    const bad = badInput(x, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checked(b: Body): Body {
  const bad = badInput(b);
  if (bad) throw new DomainError(Reason.DataFormat, `data format error: ${bad}`);
  return b;
}

/** A WeChat POST body: empty → 44002; not JSON / form, or not an object, or bad characters → 47001. */
export function wxBodyOf(req: FastifyRequest): Body {
  const raw = req.body;
  if (raw === undefined || raw === null || (Buffer.isBuffer(raw) && raw.length === 0) || (typeof raw === 'string' && raw.trim() === ''))
    throw new DomainError(Reason.EmptyPostData, 'empty post data');
  if (!Buffer.isBuffer(raw) && typeof raw !== 'string') {
    if (typeof raw === 'object' && !Array.isArray(raw)) return checked(raw as Body);
    throw new DomainError(Reason.DataFormat, 'data format error: body must be a JSON object');
  }
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  if (text.trim() === '') throw new DomainError(Reason.EmptyPostData, 'empty post data');
  const type = String(req.headers['content-type'] ?? '');
  if (/application\/x-www-form-urlencoded/i.test(type)) return checked(parseForm(text));
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DomainError(Reason.DataFormat, `data format error: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DomainError(Reason.DataFormat, 'data format error: body must be a JSON object');
  return checked(v as Body);
}

/** Answer a failure as WeChat does; anything unexpected is -1 with one log line. */
export function wxError(reply: FastifyReply, e: unknown, log: Log): FastifyReply {
  return reply
    .code(200)
    .send(wxBody(asDomainError(e, log, `req ${reply.request.id} ${reply.request.method} ${reply.request.routeOptions.url ?? ''}`)));
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Wrap a handler: its result is sent (errcode 0 comes from ok()), its failures as WeChat errors. */
export function wx(log: Log, fn: Handler): Handler {
  return async (req, reply) => {
    try {
      const out = await fn(req, reply);
      if (reply.sent) return reply;
      return reply.send(out);
    } catch (e) {
      return wxError(reply, e, log);
    }
  };
}

export const ok = <T extends object>(fields: T): { errcode: 0; errmsg: 'ok' } & T => ({ errcode: 0, errmsg: 'ok', ...fields });

export interface WxCall {
  appid: string;
  query: Query;
  /** the parsed body of a POST (JSON or form); `{}` for GET */
  body: Body;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface WxRouteOptions {
  /** needs `?access_token=` (default true) */
  auth?: boolean;
  /** parse the POST body as JSON/form (default true; false for multipart uploads) */
  body?: boolean;
}

/** Registers WeChat-style routes: token auth, body parsing and the envelope, once for all. */
export class WxRouter {
  /** path → the methods it is registered with (the fallback answers 43001/43002 for the others) */
  readonly methods = new Map<string, Set<'GET' | 'POST'>>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticate: (token: unknown) => Promise<string>,
    private readonly log: Log,
  ) {}

  get(path: string, fn: (c: WxCall) => Promise<unknown>, opts: WxRouteOptions = {}): void {
    this.note(path, 'GET');
    this.app.get(path, { config: { wx: { auth: opts.auth !== false } } }, this.wrap(fn, opts, false));
  }

  post(path: string, fn: (c: WxCall) => Promise<unknown>, opts: WxRouteOptions = {}): void {
    this.note(path, 'POST');
    this.app.post(path, { config: { wx: { auth: opts.auth !== false } } }, this.wrap(fn, opts, true));
  }

  private note(path: string, method: 'GET' | 'POST'): void {
    const m = this.methods.get(path) ?? new Set();
    m.add(method);
    this.methods.set(path, m);
  }

  private wrap(fn: (c: WxCall) => Promise<unknown>, opts: WxRouteOptions, hasBody: boolean): Handler {
    return wx(this.log, async (req, reply) => {
      const query = req.query as Query;
      const appid = opts.auth === false ? '' : await this.authenticate(query.access_token);
      noteApp(req, appid);
      const body = hasBody && opts.body !== false ? wxBodyOf(req) : {};
      return fn({ appid, query, body, req, reply });
    });
  }
}
