/**
 * Headers and host rules every answer gets (issue 10, docs/security.md):
 * - `X-Content-Type-Options: nosniff` on every answer (set on the raw response, so hijacked FLV answers have it too);
 * - a Content-Security-Policy: pages set their own (`pageCsp()`); every other answer but scripts gets `DEFAULT_CSP`,
 *   so a JSON or error body opened as a document can run nothing;
 * - with a separate console origin (ZHIBO_CONSOLE_URL), the console answers only on that host and nothing else does
 *   there: a script on a viewer page can never be same-origin with the console.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Answers that are not pages: nothing may load or run. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `'sha256-…'` of an inline `<style>` or `<script>` body, for a CSP source list. */
export const cspHash = (inline: string): string => `'sha256-${createHash('sha256').update(inline, 'utf8').digest('base64')}'`;

/**
 * A page's policy: scripts only from this origin (no inline script, no `javascript:` URLs, no eval), styles from this
 * origin plus the hashed inline blocks, media and images from anywhere over http(s) (merchant images, CDN media).
 */
export function pageCsp(o: { styleHashes?: string[]; frameAncestors?: string } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${o.styleHashes?.length ? ` ${o.styleHashes.join(' ')}` : ''}`,
    "img-src 'self' data: blob: http: https:",
    "media-src 'self' blob: http: https:",
    "connect-src 'self' http: https: ws: wss:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(o.frameAncestors ? [`frame-ancestors ${o.frameAncestors}`] : []),
  ].join('; ');
}

const isConsolePath = (path: string) => path === '/console' || path.startsWith('/console/');

/** The host part (`name[:port]`, lower case) of a base URL, or '' when unset. */
export function hostOf(url: string): string {
  if (!url) return '';
  return new URL(url).host.toLowerCase();
}

export function installSecurityHeaders(app: FastifyInstance, o: { consoleUrl: string }): void {
  const consoleHost = hostOf(o.consoleUrl);
  app.addHook('onRequest', async (req, reply) => {
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    if (!consoleHost) return;
    const path = req.url.split('?')[0] ?? '';
    const onConsoleHost = (req.headers.host ?? '').toLowerCase().replace(/:(443|80)$/, '') === consoleHost;
    if (onConsoleHost && path === '/') return reply.redirect('/console/');
    // Images are public and stored as paths (/img/ID): the console's pages show them from its own host too.
    if (onConsoleHost !== isConsolePath(path) && path !== '/healthz' && !(onConsoleHost && path.startsWith('/img/')))
      return reply.code(404).header('content-security-policy', DEFAULT_CSP).send({ error: 'not_found', message: 'no such route' });
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('content-security-policy') && !/javascript/.test(String(reply.getHeader('content-type') ?? '')))
      reply.header('content-security-policy', DEFAULT_CSP);
    return payload;
  });
}
