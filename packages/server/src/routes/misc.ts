import type { FastifyInstance } from 'fastify';
import type { Services } from '../services/index.js';

export function miscRoutes(app: FastifyInstance, s: Services): void {
  app.get('/healthz', async () => ({ ok: true, db: s.db.kind }));
  app.get('/img/:id', async (req, reply) => {
    const img = await s.images.read((req.params as { id: string }).id);
    if (!img) return reply.code(404).send({ error: 'not_found' });
    return reply.type(img.contentType).header('cache-control', 'public, max-age=31536000, immutable').header('access-control-allow-origin', '*').send(img.bytes);
  });
}
