/**
 * The operator's admin API (`/admin/api/*`) as one Fastify plugin: one bearer-token hook (DATA/admin-token or
 * ZHIBO_ADMIN_TOKEN), JSON bodies, and one error shape `{error, message, fields}` (http/errors.ts). The CLI goes
 * through it when a server runs on the same data. Modules add their routes on the scope this prepares.
 */
import type { FastifyInstance } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { safeEqual } from '../lib/crypto.js';
import { DomainError } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import { asDomainError, fieldBody } from './errors.js';

export const ADMIN_PREFIX = '/admin/api';

/** `Authorization: Bearer <admin token>`, compared in constant time. */
export function isAdmin(authorization: string | undefined, adminToken: string): boolean {
  const h = authorization ?? '';
  return h.startsWith('Bearer ') && safeEqual(h.slice(7), adminToken);
}

export function installAdminApi(scope: FastifyInstance, adminToken: string, log: Log): void {
  scope.addHook('onRequest', async (req) => {
    if (!isAdmin(req.headers.authorization, adminToken))
      throw new DomainError(Reason.Unauthorized, 'admin API needs Authorization: Bearer <admin token> (DATA/admin-token)');
  });
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => {
    const text = String(body).trim();
    if (!text) return done(null, {});
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      done(null, v);
    } catch {
      done(new DomainError(Reason.DataFormat, 'body must be a JSON object'), undefined);
    }
  });
  scope.setErrorHandler((err, req, reply) => {
    const v = (err as { validation?: Array<{ instancePath: string; message?: string }> }).validation;
    const e = v?.length
      ? new DomainError(Reason.BadParameter, `${v[0]!.instancePath.replace(/^\//, '') || 'request'} ${v[0]!.message ?? 'is invalid'}`)
      : asDomainError(err, log, `req ${req.id} admin ${req.method} ${req.url.split('?')[0]}`);
    return reply.code(e.status).send(fieldBody(e));
  });
}
