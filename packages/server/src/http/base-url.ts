/**
 * The base URL a viewer reached us by, for links we hand back to that viewer: the configured public URL when it is
 * a real one, else this request's Host (so a phone on the LAN gets links it can open).
 */
import type { FastifyRequest } from 'fastify';

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/;

export function requestBase(req: FastifyRequest, configuredPublicUrl: string, fallback: string): string {
  if (configuredPublicUrl && !LOOPBACK.test(configuredPublicUrl)) return configuredPublicUrl;
  const host = req.headers.host;
  return host ? `${req.protocol}://${host}` : fallback;
}
