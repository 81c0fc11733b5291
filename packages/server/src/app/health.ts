/** Liveness: `/healthz` answers while the process serves HTTP (the CLI uses it to find a running server). */
import type { FastifyInstance } from 'fastify';

export function healthRoutes(app: FastifyInstance, dbKind: string): void {
  app.get('/healthz', async () => ({ ok: true, db: dbKind }));
}
