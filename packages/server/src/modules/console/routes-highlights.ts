/** /console/api: the replay's markers (看点) after the live — list, add, move, delete; each change re-cuts its clip. */
import type { FastifyInstance } from 'fastify';
import { type ConsoleCtx, jsonOf, params, roomFor, route, sessionOf } from './http.js';

export function highlightRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const d = ctx.d;
  api.get(
    '/rooms/:id/highlights',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return d.highlights.forConsole(room, d.urls().http);
    }),
  );

  api.post(
    '/rooms/:id/highlights',
    route(ctx, async (req, reply) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const id = await d.highlights.addMarker(room, jsonOf(req));
      return reply.code(201).send({ id });
    }),
  );

  api.put(
    '/rooms/:id/highlights/:mid',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.highlights.updateMarker(room, params(req).mid, jsonOf(req));
      return { ok: true };
    }),
  );

  api.delete(
    '/rooms/:id/highlights/:mid',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.highlights.deleteMarker(room, params(req).mid);
      return { ok: true };
    }),
  );
}
