/**
 * Delivery adapters: where a viewer's FLV bytes go. The hub only needs ViewerSink; the server
 * attaches an HTTP response (HTTP-FLV) or a WebSocket (WS-FLV for mpegts.js).
 *
 * Buffers handed to a sink are shared between all viewers and must never be mutated.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ViewerSink {
  /** Write one buffer. */
  write(buf: Buffer): void;
  /** Write several buffers as one batch (one writev / one cork-uncork). */
  writev(bufs: readonly Buffer[]): void;
  /** Bytes accepted but not yet handed to the kernel: socket writableLength / ws bufferedAmount. */
  bufferedBytes(): number;
  /** End the stream. graceful: flush what is queued first; otherwise drop it and close now. */
  close(graceful: boolean): void;
  /** Called once when the peer goes away or close() completes. */
  onClose(cb: () => void): void;
  /** For logs (e.g. remote address). */
  readonly label?: string;
}

/** Headers of an HTTP-FLV response; the caller may add CORS headers on top. */
export const HTTP_FLV_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'video/x-flv',
  'Cache-Control': 'no-cache, no-store',
  Connection: 'close',
  'X-Content-Type-Options': 'nosniff',
};

/** A sink over any byte stream (net.Socket, TLS socket, …): cork/uncork batches into one writev. */
export function createSocketSink(stream: Duplex, label?: string): ViewerSink {
  let closed = false;
  const callbacks: (() => void)[] = [];
  const fire = () => {
    if (closed) return;
    closed = true;
    for (const cb of callbacks.splice(0)) cb();
  };
  stream.once('close', fire);
  stream.on('error', () => stream.destroy());
  if (stream.destroyed) queueMicrotask(fire);
  return {
    label,
    write(buf) {
      if (!closed && stream.writable) stream.write(buf);
    },
    writev(bufs) {
      if (closed || !stream.writable) return;
      stream.cork();
      for (const b of bufs) stream.write(b);
      stream.uncork();
    },
    bufferedBytes: () => stream.writableLength,
    close(graceful) {
      if (graceful && !stream.destroyed) stream.end();
      else stream.destroy();
    },
    onClose(cb) {
      if (closed) queueMicrotask(cb);
      else callbacks.push(cb);
    },
  };
}

/**
 * HTTP-FLV: writes the 200 head (video/x-flv, no-cache, Connection: close, plus `headers`, e.g. CORS)
 * without chunked encoding, then streams FLV straight to the response's socket.
 * The socket gets TCP_NODELAY whatever the HTTP server's options: the hub already coalesces writes
 * (one per batch), so Nagle's algorithm could only hold a batch back behind an unacknowledged one.
 * Use on a response nobody else writes to (Fastify: reply.hijack(); then pass reply.raw).
 */
export function createHttpFlvSink(res: ServerResponse, headers: Record<string, string | number> = {}): ViewerSink {
  res.useChunkedEncodingByDefault = false;
  res.socket?.setNoDelay(true);
  res.writeHead(200, { ...HTTP_FLV_HEADERS, ...headers });
  res.flushHeaders();
  const socket = res.socket;
  const label = socket ? `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` : 'http';
  return socket ? createSocketSink(socket, label) : closedSink(label);
}

/** A sink whose peer is already gone. */
export function closedSink(label?: string): ViewerSink {
  return {
    label,
    write() {},
    writev() {},
    bufferedBytes: () => 0,
    close() {},
    onClose: (cb) => queueMicrotask(cb),
  };
}

/** The part of a `ws` WebSocket the WS-FLV sink uses (structural, so media does not depend on ws). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate?(): void;
  on(event: 'close', listener: () => void): unknown;
}

const WS_OPEN = 1;

/** WS-FLV (mpegts.js): each write is one binary message; backpressure from bufferedAmount. */
export function createWebSocketSink(ws: WebSocketLike, label = 'ws'): ViewerSink {
  let closed = false;
  const callbacks: (() => void)[] = [];
  const fire = () => {
    if (closed) return;
    closed = true;
    for (const cb of callbacks.splice(0)) cb();
  };
  ws.on('close', fire);
  const onErr = (err?: Error) => {
    if (err) fire();
  };
  return {
    label,
    write(buf) {
      if (!closed && ws.readyState === WS_OPEN) ws.send(buf, onErr);
    },
    writev(bufs) {
      if (closed || ws.readyState !== WS_OPEN) return;
      for (const b of bufs) ws.send(b, onErr);
    },
    bufferedBytes: () => ws.bufferedAmount,
    close(graceful) {
      if (graceful || !ws.terminate) ws.close(1000, 'stream ended');
      else ws.terminate();
    },
    onClose(cb) {
      if (closed) queueMicrotask(cb);
      else callbacks.push(cb);
    },
  };
}
