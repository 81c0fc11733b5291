/**
 * Where /metrics is served: on the HTTP port behind the admin token (`Authorization: Bearer`), and — when
 * ZHIBO_METRICS is set — on a separate listener without a token (with /healthz and /readyz), for a scraper on a
 * private network. The separate listener is a component: started after the HTTP server, stopped before it.
 */
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { isAdmin } from '../http/admin.js';
import type { HostPort } from './settings.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './health.js';
import type { Component } from '../modules/module.js';

export function metricsRoute(app: FastifyInstance, metrics: Metrics, adminToken: string): void {
  app.get('/metrics', async (req, reply) => {
    if (!isAdmin(req.headers.authorization, adminToken))
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: '/metrics needs Authorization: Bearer <admin token> (DATA/admin-token)' });
    return reply
      .type(metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.text());
  });
}

export class MetricsListener implements Component {
  readonly name = 'metrics listener';
  private server: Server | undefined;
  private boundPort = 0;

  constructor(
    private readonly at: HostPort,
    private readonly metrics: Metrics,
    private readonly readiness: Readiness,
    private readonly dbKind: string,
  ) {}

  port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const send = (status: number, type: string, body: string) =>
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', '{"error":"method_not_allowed"}');
      if (path === '/metrics') {
        this.metrics.text().then(
          (t) => send(200, this.metrics.contentType, t),
          (e: unknown) => send(500, 'text/plain', String(e)),
        );
      } else if (path === '/healthz') send(200, 'application/json', JSON.stringify({ ok: true, db: this.dbKind }));
      // not awaited: a request handler; check() turns every probe failure or timeout into a reason (it never rejects)
      else if (path === '/readyz')
        void this.readiness.check().then((r) => send(r.ready ? 200 : 503, 'application/json', JSON.stringify(r)));
      else send(404, 'application/json', '{"error":"not_found","message":"this listener serves /metrics, /healthz and /readyz"}');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.at.port, this.at.host, () => resolve());
    });
    this.server = server;
    const a = server.address();
    this.boundPort = typeof a === 'object' && a ? a.port : this.at.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
