/**
 * Request ids and the access log (issue 16). Every request gets an id — a trusted proxy's `X-Request-Id`, else a new
 * one — answered in `x-request-id` and named in error logs. When a request is answered, one access line (id, method,
 * route, status, time, client address, app) is logged at the configured level and the observer (metrics) is told. The transports note
 * which app a request acted for (noteApp) and the WeChat errcode it answered.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Log } from '../lib/log.js';
import { type Transport, transportOf } from './route-catalog.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export interface RequestDone {
  id: string;
  method: string;
  /** the route's path template (`/live/:file`), or `(unmatched)` */
  route: string;
  transport: Transport;
  status: number;
  seconds: number;
  /** the app the request acted for, when known */
  app: string | undefined;
  /** the WeChat API's errcode (wx transport) */
  errcode: number | undefined;
  /** the client's address (through trusted proxies: ZHIBO_TRUST_PROXY); '' when the access log is off */
  ip: string;
}

/** The app each request acted for, as its transport learnt it (keyed by the request object: gone with it). */
const noted = new WeakMap<FastifyRequest, string>();

export function noteApp(req: FastifyRequest, appid: string): void {
  if (appid) noted.set(req, appid);
}

/**
 * Fastify's genReqId: the proxy's X-Request-Id when the peer is trusted and the id is sane, else 16 hex digits —
 * 8 random ones per process (processes of a cluster differ) and a counter (cheap on the hot path).
 */
export function requestIdGenerator(trusted: (addr: string) => boolean): (req: IncomingMessage) => string {
  const prefix = randomBytes(4).toString('hex');
  let n = randomBytes(4).readUInt32BE(0);
  return (req) => {
    const h = req.headers[REQUEST_ID_HEADER];
    if (typeof h === 'string' && VALID_ID.test(h) && trusted(req.socket.remoteAddress ?? '')) return h;
    n = (n + 1) >>> 0;
    return prefix + n.toString(16).padStart(8, '0');
  };
}

export interface RequestLogOptions {
  log: Log;
  /** level of the access lines */
  level: 'debug' | 'info' | 'off';
  observe?: (r: RequestDone) => void;
}

/** Console and admin routes name the app in the path (`/apps/:appid/...`). */
function appParam(req: FastifyRequest): string | undefined {
  const v = (req.params as { appid?: unknown } | undefined)?.appid;
  return typeof v === 'string' && /^wx[0-9a-f]{1,32}$/.test(v) ? v : undefined;
}

export function installRequestLog(app: FastifyInstance, o: RequestLogOptions): void {
  const write = o.level === 'off' ? undefined : o.level === 'info' ? (m: string) => o.log.info(m) : (m: string) => o.log.debug(m);
  // Errors of routes without their own error shape (pages, media, files): one line with the request id.
  app.addHook('onError', async (req, _reply, err) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500 && transportOf(req.routeOptions.url ?? '') === 'web')
      o.log.error(`req ${req.id} ${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}: ${err.stack ?? err.message}`);
  });
  // One callback-style hook on every answer (the status read's hot path included): the id header, the WeChat errcode
  // (the envelope puts it first in the serialized answer), the observer and the access line. The time is the time to
  // answer (until the body is handed over). Hijacked answers (HTTP-FLV streams) are the media plane's to count.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, req.id);
    const route = req.routeOptions.url ?? '(unmatched)';
    const transport = transportOf(route);
    let errcode: number | undefined;
    if (transport === 'wx' && typeof payload === 'string') {
      const m = /^\{"errcode":(-?\d+)/.exec(payload);
      if (m) errcode = Number(m[1]);
    }
    const r: RequestDone = {
      id: req.id,
      method: req.method,
      route,
      transport,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
      app: noted.get(req) ?? appParam(req),
      errcode,
      ip: write ? req.ip : '',
    };
    o.observe?.(r);
    write?.(
      `http ${r.id} ${r.method} ${route} ${r.status} ${reply.elapsedTime.toFixed(1)}ms ip=${r.ip}${r.app ? ` app=${r.app}` : ''}${errcode !== undefined ? ` errcode=${errcode}` : ''}`,
    );
    done(null, payload);
  });
}
