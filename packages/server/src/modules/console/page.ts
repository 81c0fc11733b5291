/** The console's page (`/console/`) and its bundle (`/console/assets/*`, built by scripts/build-web.mjs). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SDK_VERSION } from '@zhibo/protocol';
import { pageCsp } from '../../http/security.js';

const ASSETS: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.js.map': 'application/json',
  'console.css': 'text/css; charset=utf-8',
  'console.css.map': 'application/json',
  'console-assistant.js': 'text/javascript; charset=utf-8',
  'console-assistant.js.map': 'application/json',
  'console-assistant.css': 'text/css; charset=utf-8',
  'console-assistant.css.map': 'application/json',
};

/** Scripts and styles from this origin only (the console sets styles through the CSSOM, never inline); no framing. */
const CSP = pageCsp({ frameAncestors: "'none'" });

/** The assistant's phone page (/console/assistant/): its sign-in link carries the token in the fragment (#t=…). */
export function assistantHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<title>zhibo · room assistant</title>
<link rel="stylesheet" href="/console/assets/console-assistant.css">
</head>
<body>
<div id="app"><noscript>The assistant page needs JavaScript.</noscript></div>
<script type="module" src="/console/assets/console-assistant.js"></script>
</body>
</html>`;
}

export function consoleHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<title>zhibo console</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%23e5484d'/%3E%3Ccircle cx='16' cy='16' r='6' fill='white'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body>
<div id="app" data-sdk-version="${SDK_VERSION}"><noscript>The zhibo console needs JavaScript.</noscript></div>
<script type="module" src="/console/assets/console.js"></script>
</body>
</html>`;
}

export function pageRoutes(app: FastifyInstance, buildDir: string, sourceMaps: boolean): void {
  const html = (body: () => string) => async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(body());
  const page = html(consoleHtml);
  app.get('/console/assistant', async (_req, reply) => reply.redirect('/console/assistant/'));
  app.get('/console/assistant/', html(assistantHtml));
  app.get('/console', async (_req, reply) => reply.redirect('/console/'));
  app.get('/console/', page);
  app.get('/console/assets/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const type = ASSETS[file];
    if (!type || (!sourceMaps && file.endsWith('.map'))) return reply.code(404).send({ error: 'not_found' });
    try {
      const body = await readFile(join(buildDir, file));
      return reply.type(type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body);
    } catch {
      return reply.code(404).type('text/plain').send(`${file} is not built yet: run npm run build (scripts/build-web.mjs)`);
    }
  });
}
