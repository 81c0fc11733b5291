/** /console/api: numbers per room (JSON and CSV), and the room page's goods-tap beacon. */
import type { FastifyInstance } from 'fastify';
import { ConsoleError } from './errors.js';
import { type ConsoleCtx, jsonOf, params, roomFor, route, sessionOf } from './http.js';
import { numbersCsv, roomNumbers } from './stats.js';

export function statsRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  api.get('/rooms/:id/stats', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    return roomNumbers(ctx.s, ctx.clock, room);
  }));

  api.get('/rooms/:id/stats.csv', route(ctx, async (req, reply) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const csv = numbersCsv(await roomNumbers(ctx.s, ctx.clock, room));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="room-${room.id}-numbers.csv"`).send(`\ufeff${csv}`);
  }));
}

const OPENID = /^o[A-Za-z0-9_-]{27}$/;

/**
 * `POST /api/plugin/v1/goods-tap {room_id, goods_id, openid?}` — the room page reports a tap on a product
 * (sendBeacon) before it opens the goods page. Counted for the console's numbers; unauthenticated like
 * the other plugin reads, so the count is indicative (one row per tap, bounded by a per-process rate).
 */
export function tapRoutes(app: FastifyInstance, ctx: ConsoleCtx): void {
  let windowStart = 0;
  let inWindow = 0;
  app.post('/api/plugin/v1/goods-tap', route(ctx, async (req, reply) => {
    reply.header('access-control-allow-origin', '*');
    const b = jsonOf(req);
    const roomId = Number(b.room_id);
    const goodsId = Number(b.goods_id);
    if (!Number.isInteger(roomId) || roomId <= 0 || !Number.isInteger(goodsId) || goodsId <= 0) throw new ConsoleError(400, 'invalid', 'room_id and goods_id must be positive integers');
    const now = ctx.clock.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow > 500) throw new ConsoleError(429, 'throttled', 'too many taps; try later');
    const openid = typeof b.openid === 'string' && OPENID.test(b.openid) ? b.openid : '';
    const rows = await ctx.s.db.query(
      `INSERT INTO goods_taps (room_id, goods_id, openid, at) SELECT $1, $2, $3, $4
       WHERE EXISTS (SELECT 1 FROM room_goods WHERE room_id = $1 AND goods_id = $2) RETURNING id`, [roomId, goodsId, openid, now]);
    if (!rows.length) throw new ConsoleError(404, 'not_found', `goods ${goodsId} is not on the shelf of room ${roomId}`);
    return { ok: true };
  }));
}
