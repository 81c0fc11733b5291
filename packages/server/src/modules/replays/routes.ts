/** The replays module's routes: the MP4 files (range requests) and the room page's replay list (S-PLAYER-5). */
import type { FastifyInstance } from 'fastify';
import { type PluginReplaysResponse, PluginRoutes } from '@zhibo/protocol';
import { sendFile } from '../../http/files.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import { isoSeconds, type ReplayService } from './service.js';

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, content-range' };

export function webRoutes(app: FastifyInstance, replays: ReplayService, visible: (roomId: number) => Promise<boolean>): void {
  app.get('/replay/:room/:file', async (req, reply) => {
    const { room, file } = req.params as { room: string; file: string };
    const m = /^([A-Za-z0-9_-]{1,64})\.mp4$/.exec(file);
    if (!m || !/^\d{1,10}$/.test(room)) return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay' });
    // A deleted room, or one with replays closed (closeReplay 1), serves none of its files.
    if (!(await visible(Number(room))))
      return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay (replays of this room are closed)' });
    const path = await replays.fileOf(Number(room), m[1]!);
    if (!path) return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay (or it expired)' });
    return sendFile(req, reply, path, 'video/mp4', 'public, max-age=86400');
  });
}

export interface ReplayRouteDeps {
  replays: ReplayService;
  /** the room's closeReplay switch */
  replayClosed(roomId: number): Promise<boolean>;
  base(req: import('fastify').FastifyRequest): string;
}

export function pluginRoutes(r: PluginRouter, d: ReplayRouteDeps): void {
  r.route({
    method: 'GET',
    path: PluginRoutes.replays,
    roomFrom: 'query',
    cache: 'public, max-age=30',
    async handler({ req, room }) {
      const closed = await d.replayClosed(room.id);
      const rows = closed ? [] : await d.replays.playable(room.id);
      const pending = closed ? 0 : (await d.replays.notExpired(room.id)).filter((x) => x.status === 'recording').length;
      const base = d.base(req);
      const body: PluginReplaysResponse = {
        roomId: room.id,
        pending,
        replays: rows.map((x) => ({
          media_url: d.replays.mediaUrl(base, room.id, x.session_id),
          create_time: isoSeconds(x.create_time),
          expire_time: isoSeconds(x.expire_time),
          duration_sec: x.duration_sec,
        })),
      };
      return body;
    },
  });
}
