/**
 * `Upgrade: h2c` (Java 11+ HttpClient's default, `curl --http2`) on a plain request: Node hands any request with an
 * Upgrade header to the server's 'upgrade' listeners, and zhibo has one (WebSockets), so such a request would be
 * dropped. Answering it over HTTP/1.1 is what RFC 7540 §3.2 allows ("a server MAY ignore the upgrade"): the request
 * is written back onto its socket without the upgrade headers and the socket is handed to the HTTP server again, so
 * it is parsed and answered as an ordinary request (body and keep-alive included).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The request is a WebSocket handshake (the only upgrade zhibo takes). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return /(^|,)\s*websocket\s*(,|$)/i.test(String(req.headers.upgrade ?? ''));
}

const HOP = new Set(['upgrade', 'http2-settings']);

/** The request's head as HTTP/1.1 bytes, without `Upgrade`, `HTTP2-Settings` and their `Connection` tokens. */
export function headWithoutUpgrade(req: IncomingMessage): Buffer {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion === '1.0' ? '1.0' : '1.1'}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP.has(lower)) continue;
    if (lower === 'connection') {
      const kept = raw[i + 1]!.split(',')
        .map((t) => t.trim())
        .filter((t) => t && !HOP.has(t.toLowerCase()));
      if (kept.length) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${raw[i + 1]!}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Answer a non-WebSocket upgrade request over HTTP/1.1 on the same socket. */
export function answerAsHttp1(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.unshift(head.length ? Buffer.concat([headWithoutUpgrade(req), head]) : headWithoutUpgrade(req));
  server.emit('connection', socket);
}
