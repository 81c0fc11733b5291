/**
 * Anonymous reads per client address (issue 10: an anonymous read flood stretched live video's frame gaps). One
 * onRequest hook on the root, by path: the plugin API (not its status read, which is memory only and polled by every
 * viewer) and the rendered images (`/qr`, `/poster`, `/card`: CPU). Over the rate: 429 `throttled` with CORS, so the
 * browser SDK sees why.
 */
import type { FastifyInstance } from 'fastify';
import { ipKey } from '@zhibo/media';
import { PluginRoutes, Reason } from '@zhibo/protocol';
import { DomainError } from '../lib/errors.js';
import type { IpRateLimiter } from '../lib/ip-limiter.js';
import { pluginBody } from './errors.js';
import { PLUGIN_CORS } from './plugin-api.js';

const PLUGIN_PREFIX = '/api/plugin/';
const RENDERED = ['/qr/', '/poster/', '/card/'];

export function installAnonReadLimits(app: FastifyInstance, limits: { plugin: IpRateLimiter; render: IpRateLimiter }): void {
  app.addHook('onRequest', async (req, reply) => {
    const url = req.url;
    let limiter: IpRateLimiter | undefined;
    if (url.startsWith(PLUGIN_PREFIX)) {
      if (req.method === 'OPTIONS' || url.startsWith(PluginRoutes.status)) return;
      limiter = limits.plugin;
    } else if (RENDERED.some((p) => url.startsWith(p))) limiter = limits.render;
    if (!limiter || limiter.allow(ipKey(req.ip))) return;
    const e = new DomainError(Reason.Throttled, `more than ${limiter.ratePerSec} requests a second from this address; try again shortly`);
    return reply.code(429).headers(PLUGIN_CORS).header('retry-after', '1').send(pluginBody(e));
  });
}
