/**
 * Viewer delivery: HTTP-FLV and WS-FLV at /live/ROOMID.flv, HLS at /live/ROOMID/index.m3u8. Access follows the
 * room's status (no video for 104/103/107). CORS is open so the room page on another origin can play.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebSocketServer } from 'ws';
import { type LiveStatus, LiveStatus as S, STATUS_NAMES } from '@zhibo/protocol';
import { createHttpFlvSink, createWebSocketSink, ipKey as ipKeyOf, type MediaServer } from '@zhibo/media';
import type { ClientIps } from '../../lib/client-ip.js';
import type { RoomService } from '../rooms/service.js';
import { deviceOf, type ViewerGate } from './viewer-gate.js';
import { CHAIN_HEADER, RELAY_HEADER, type EdgeRelays } from './edge.js';
import { hlsFromOrigin } from './hls-proxy.js';

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, content-range' };
const FLV_PATH = /^\/live\/(\d{1,10})\.flv(?:\?.*)?$/;

/** Statuses in which a viewer may attach to the live stream (102 waits for the publisher; 105 gets the paused stream). */
export function playable(status: LiveStatus | undefined): { ok: true } | { ok: false; http: number; message: string } {
  if (status === undefined) return { ok: false, http: 404, message: 'room does not exist' };
  if (status === S.Live || status === S.Paused || status === S.Abnormal || status === S.NotStarted) return { ok: true };
  return { ok: false, http: status === S.Banned ? 403 : 410, message: `room is ${status} (${STATUS_NAMES[status]}): no live video` };
}

/** Where viewers come in: the gate (per-device and per-address caps), the client address and, in cluster mode, the edge relays. */
export interface ViewerDoor {
  gate: ViewerGate;
  ips: ClientIps;
  edges?: EdgeRelays | undefined;
}

const TOO_MANY = 'too many video connections from this address';

/** Cluster mode: an internal pull from a node below this one in the relay tree would make a loop (508). */
function relayLoop(edges: EdgeRelays | undefined, streamId: string, requester: string | string[] | undefined): boolean {
  return typeof requester === 'string' && edges !== undefined && edges.chain(streamId).slice(0, -1).includes(requester);
}

export function webRoutes(app: FastifyInstance, rooms: RoomService, media: MediaServer, door: ViewerDoor): void {
  const edges = door.edges;
  const deny = (reply: FastifyReply, http: number, message: string) =>
    reply.code(http).headers(CORS).send({ error: 'not_playable', message });

  app.get('/live/:file', async (req, reply) => {
    const m = /^(\d{1,10})\.flv$/.exec((req.params as { file: string }).file);
    if (!m) return deny(reply, 404, 'use /live/ROOMID.flv or /live/ROOMID/index.m3u8');
    const roomId = Number(m[1]);
    const p = playable(rooms.cachedStatus(roomId)?.status);
    if (!p.ok) return deny(reply, p.http, p.message);
    const id = String(roomId);
    // Cluster mode: another node's internal pull (its header names the puller) passes the same gate as any viewer,
    // but media does not count it as a viewer here (its viewers are counted on that node).
    const relay = edges !== undefined && typeof req.headers[RELAY_HEADER] === 'string';
    if (relayLoop(edges, id, req.headers[RELAY_HEADER])) return deny(reply, 508, 'relay loop');
    const ticket = door.gate.admit(id, door.ips.keyOf(req.raw), deviceOf(req.url, req.headers));
    if (!ticket) return reply.code(429).headers(CORS).send({ error: 'too_many_connections', message: TOO_MANY });
    edges?.ensure(id); // cluster mode: relay the stream from the node that holds it (the viewer waits for it)
    reply.hijack();
    const sink = createHttpFlvSink(reply.raw, edges ? { ...CORS, [CHAIN_HEADER]: edges.chain(id).join(',') } : CORS);
    sink.onClose(ticket.release);
    media.attachViewer(id, sink, { viewerKey: ticket.viewerKey, maxPerKey: ticket.maxPerKey, protocol: 'flv', relay });
  });

  app.get('/live/:room/:file', async (req, reply) => {
    const { room, file } = req.params as { room: string; file: string };
    const roomId = /^\d{1,10}$/.test(room) ? Number(room) : NaN;
    const p = playable(rooms.cachedStatus(roomId)?.status);
    if (!p.ok) return deny(reply, p.http, p.message);
    // Cluster mode: a node that does not hold the stream answers with the origin's HLS.
    const q = req.url.indexOf('?');
    const proxied =
      edges && !media.hasPublisher(String(roomId))
        ? await hlsFromOrigin(edges.lease, String(roomId), file, q >= 0 ? req.url.slice(q) : '')
        : undefined;
    if (proxied)
      return reply
        .code(proxied.status)
        .headers({ ...CORS, ...proxied.headers })
        .send(proxied.body);
    // LL-HLS from memory: blocking playlist reloads and hinted parts resolve when the part exists; Cache-Control from media.
    const r = await media.hlsRequest(String(roomId), file, req.query as Record<string, unknown>, req.ip);
    return reply
      .code(r.status)
      .headers({ ...CORS, ...r.headers })
      .send(r.body);
  });
}

/** WS-FLV for mpegts.js: the same path over a WebSocket. */
export class WsFlv {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  constructor(
    private readonly rooms: RoomService,
    private readonly media: MediaServer,
    private readonly door: ViewerDoor,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const m = FLV_PATH.exec(req.url ?? '');
    if (!m) return false;
    const roomId = Number(m[1]);
    const p = playable(this.rooms.cachedStatus(roomId)?.status);
    if (!p.ok) {
      socket.end(
        `HTTP/1.1 ${p.http} ${p.http === 403 ? 'Forbidden' : p.http === 404 ? 'Not Found' : 'Gone'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return true;
    }
    const ip = this.door.ips.of(req);
    const ticket = this.door.gate.admit(String(roomId), ipKeyOf(ip), deviceOf(req.url, req.headers));
    if (!ticket) {
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: ${TOO_MANY.length}\r\n\r\n${TOO_MANY}`);
      return true;
    }
    socket.once('close', ticket.release);
    this.door.edges?.ensure(String(roomId)); // cluster mode: relay the stream from the node that holds it
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const sink = createWebSocketSink(ws, `ws:${ip}`);
      sink.onClose(ticket.release);
      this.media.attachViewer(String(roomId), sink, { viewerKey: ticket.viewerKey, maxPerKey: ticket.maxPerKey, protocol: 'ws-flv' });
    });
    return true;
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
