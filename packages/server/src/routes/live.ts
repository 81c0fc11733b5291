/**
 * Viewer delivery (issue 3): HTTP-FLV and WS-FLV at /live/ROOMID.flv, HLS at /live/ROOMID/index.m3u8,
 * replays at /replay/ROOMID/SESSION.mp4. Access follows the room's status (no video for 104).
 * CORS is open so the room page on another origin can play.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebSocketServer } from 'ws';
import { LiveStatus, STATUS_NAMES } from '@zhibo/protocol';
import { createHttpFlvSink, createWebSocketSink, type MediaServer } from '@zhibo/media';
import type { Services } from '../services/index.js';
import { sendFile } from '../http/files.js';

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, content-range' };
const FLV_PATH = /^\/live\/(\d{1,10})\.flv(?:\?.*)?$/;

/** Statuses in which a viewer may attach to the live stream (102 waits for the publisher; 105 gets the paused stream). */
function playable(status: LiveStatus | undefined): { ok: true } | { ok: false; http: number; message: string } {
  if (status === undefined) return { ok: false, http: 404, message: 'room does not exist' };
  if (status === LiveStatus.Live || status === LiveStatus.Paused || status === LiveStatus.Abnormal || status === LiveStatus.NotStarted) return { ok: true };
  return { ok: false, http: status === LiveStatus.Banned ? 403 : 410, message: `room is ${status} (${STATUS_NAMES[status]}): no live video` };
}

export function liveRoutes(app: FastifyInstance, s: Services, media: MediaServer): { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean; close(): void } {
  const deny = (reply: FastifyReply, http: number, message: string) => reply.code(http).headers(CORS).send({ error: 'not_playable', message });

  app.get('/live/:file', async (req, reply) => {
    const m = /^(\d{1,10})\.flv$/.exec((req.params as { file: string }).file);
    if (!m) return deny(reply, 404, 'use /live/ROOMID.flv or /live/ROOMID/index.m3u8');
    const roomId = Number(m[1]);
    const p = playable(s.rooms.cachedStatus(roomId)?.status);
    if (!p.ok) return deny(reply, p.http, p.message);
    reply.hijack();
    media.attachViewer(String(roomId), createHttpFlvSink(reply.raw, CORS));
  });

  app.get('/live/:room/:file', async (req, reply) => {
    const { room, file } = req.params as { room: string; file: string };
    const roomId = /^\d{1,10}$/.test(room) ? Number(room) : NaN;
    const p = playable(s.rooms.cachedStatus(roomId)?.status);
    if (!p.ok) return deny(reply, p.http, p.message);
    // LL-HLS from memory: blocking playlist reloads and hinted parts resolve when the part exists; Cache-Control from media.
    const r = await media.hlsRequest(String(roomId), file, req.query as Record<string, unknown>);
    return reply.code(r.status).headers({ ...CORS, ...r.headers }).send(r.body);
  });

  app.get('/replay/:room/:file', async (req, reply) => {
    const { room, file } = req.params as { room: string; file: string };
    const m = /^([A-Za-z0-9_-]{1,64})\.mp4$/.exec(file);
    if (!m || !/^\d{1,10}$/.test(room)) return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay' });
    const [row] = await s.db.query<{ file: string }>(`SELECT file FROM replays WHERE room_id = $1 AND session_id = $2 AND status = 'ready'`, [Number(room), m[1]]);
    if (!row) return reply.code(404).headers(CORS).send({ error: 'not_found', message: 'no such replay (or it expired)' });
    return sendFile(req, reply, row.file, 'video/mp4', 'public, max-age=86400');
  });

  // WS-FLV for mpegts.js: the same path over a WebSocket.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  return {
    handleUpgrade(req, socket, head) {
      const m = FLV_PATH.exec(req.url ?? '');
      if (!m) return false;
      const roomId = Number(m[1]);
      const p = playable(s.rooms.cachedStatus(roomId)?.status);
      if (!p.ok) {
        socket.end(`HTTP/1.1 ${p.http} ${p.http === 403 ? 'Forbidden' : p.http === 404 ? 'Not Found' : 'Gone'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => media.attachViewer(String(roomId), createWebSocketSink(ws, `ws:${req.socket.remoteAddress ?? ''}`)));
      return true;
    },
    close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
