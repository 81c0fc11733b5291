/**
 * The highlight routes: goods/getVideo (WeChat envelope), the room page's reads (the one replay with its markers, the
 * chat replay, a product's explanation clip) and the files (MP4, range requests: phones seek without downloading).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type PluginExplanationResponse, PluginRoutes } from '@zhibo/protocol';
import { sendFile } from '../../../http/files.js';
import type { PluginRouter } from '../../../http/plugin-api.js';
import { ok, type WxRouter } from '../../../http/wx.js';
import type { RoomService } from '../../rooms/service.js';
import { CHAT_WINDOW_MAX_SEC, type HighlightService } from './service.js';

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, content-range' };
const KEY = /^([A-Za-z0-9_-]{8,64})\.mp4$/;

export interface HighlightRouteDeps {
  highlights: HighlightService;
  rooms: RoomService;
  base(req: FastifyRequest): string;
  /** a replay file is public only while its room exists and shows replays */
  visible(roomId: number): Promise<boolean>;
}

export function wxRoutes(r: WxRouter, d: HighlightRouteDeps): void {
  r.post('/wxaapi/broadcast/goods/getVideo', async ({ appid, body, req }) =>
    ok({ url: await d.highlights.getVideo(appid, body.roomId, body.goodsId, d.base(req)) }),
  );
}

export function webRoutes(app: FastifyInstance, d: HighlightRouteDeps): void {
  for (const what of ['live', 'clips'] as const) {
    app.get(`/replay/:room/${what}/:file`, async (req, reply) => {
      const { room, file } = req.params as { room: string; file: string };
      const m = KEY.exec(file);
      if (!m || !/^\d{1,10}$/.test(room)) return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay' });
      const path = (await d.visible(Number(room))) ? await d.highlights.fileOf(Number(room), what, m[1]!) : undefined;
      if (!path) return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay (or it expired)' });
      // a key names one build of a file: it never changes, so it may be cached for long
      return sendFile(req, reply, path, 'video/mp4', 'public, max-age=86400');
    });
  }
}

export function pluginRoutes(r: PluginRouter, d: HighlightRouteDeps): void {
  r.route({
    method: 'GET',
    path: PluginRoutes.replay,
    roomFrom: 'query',
    cache: 'public, max-age=5',
    handler: async ({ req, room }) => d.highlights.replay(room.id, d.base(req)),
  });
  r.route<{ room_id: number; from: number; to: number }>({
    method: 'GET',
    path: PluginRoutes.replayChat,
    roomFrom: 'query',
    query: { from: { type: 'number', minimum: 0, maximum: 1e7 }, to: { type: 'number', minimum: 0, maximum: 1e7 + CHAT_WINDOW_MAX_SEC } },
    required: ['from', 'to'],
    cache: 'public, max-age=30',
    handler: async ({ query, room }) => d.highlights.chat(room.id, query.from, query.to),
  });
  r.route<{ room_id: number; goods_id: number }>({
    method: 'GET',
    path: PluginRoutes.explanation,
    roomFrom: 'query',
    query: { goods_id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
    required: ['goods_id'],
    cache: 'public, max-age=30',
    async handler({ req, query, room }) {
      const row = await d.rooms.getAny(room.id);
      if (!row) throw new Error(`room ${room.id} vanished`);
      const c = await d.highlights.explanation(row, query.goods_id, d.base(req));
      const body: PluginExplanationResponse = {
        roomId: room.id,
        goods_id: query.goods_id,
        url: c.url,
        duration_sec: c.durationSec,
        start: c.start,
      };
      return body;
    },
  });
}
