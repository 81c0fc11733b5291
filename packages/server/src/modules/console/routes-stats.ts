/** /console/api: numbers per room (JSON and CSV). */
import type { FastifyInstance } from 'fastify';
import { type ConsoleCtx, params, roomFor, route, sessionOf } from './http.js';
import type { ConsoleSql } from './sql.js';
import { numbersCsv, roomNumbers } from './stats.js';

export function statsRoutes(api: FastifyInstance, ctx: ConsoleCtx, sql: ConsoleSql): void {
  api.get(
    '/rooms/:id/stats',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return roomNumbers(ctx.d, sql, room);
    }),
  );

  api.get(
    '/rooms/:id/stats.csv',
    route(ctx, async (req, reply) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const csv = numbersCsv(await roomNumbers(ctx.d, sql, room));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="room-${room.id}-numbers.csv"`)
        .send(`\ufeff${csv}`);
    }),
  );
}
