/**
 * Server → client WebSocket text frames built once per message (RFC 6455 §5.2: FIN + text opcode, unmasked).
 * A room-wide message becomes one Buffer holding header and payload, written as is to every member's socket:
 * no per-viewer serialization, header building or write batching. Compression is off on the gateway, so a
 * frame is always a complete, independent write (ws's own sender only queues while compressing).
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** One text frame holding `json` (UTF-8). */
export function textFrame(json: string): Buffer {
  const len = Buffer.byteLength(json);
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const buf = Buffer.allocUnsafe(head + len);
  buf[0] = 0x81;
  if (head === 2) buf[1] = len;
  else if (head === 4) {
    buf[1] = 126;
    buf.writeUInt16BE(len, 2);
  } else {
    buf[1] = 127;
    buf.writeUInt32BE(0, 2);
    buf.writeUInt32BE(len, 6);
  }
  buf.write(json, head, 'utf8');
  return buf;
}

/** The payload of a frame made by textFrame (for the fallback path). */
export function framePayload(frame: Buffer): Buffer {
  const b = frame[1]! & 0x7f;
  return frame.subarray(b === 126 ? 4 : b === 127 ? 10 : 2);
}

/** The TCP socket under a server-side `ws` WebSocket (ws keeps it as `_socket`); undefined if ws changes that. */
export function rawSocket(ws: WebSocket): Socket | undefined {
  const s = (ws as unknown as { _socket?: unknown })._socket;
  return s && typeof (s as Socket).write === 'function' && typeof (s as Socket).writableLength === 'number' ? (s as Socket) : undefined;
}
