/**
 * An internal HTTP-FLV pull (cluster edges, issue 13): GET an FLV stream from another node and hand every whole tag
 * (header + data + PreviousTagSize, as one Buffer the caller may rewrite before pushing it on) to `onTag`.
 * Resolves when the stream ends, rejects when it cannot be opened or breaks; `abort()` ends it early.
 */
import { request, type IncomingMessage } from 'node:http';
import { MediaError } from '../errors.js';

const MAX_TAG = 16 << 20;

export interface FlvPull {
  /** resolves with the response headers once the upstream answered 200 */
  readonly opened: Promise<IncomingMessage['headers']>;
  /** resolves when the upstream ended (normally or not): the reason */
  readonly done: Promise<string>;
  abort(reason?: string): void;
}

export interface FlvPullOptions {
  headers?: Record<string, string>;
  /** no byte for this long: the upstream is considered gone (default 5000) */
  idleMs?: number;
  onTag(tag: Buffer): void;
}

export function pullFlv(url: string, o: FlvPullOptions): FlvPull {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let headerSeen = false;
  let finish!: (reason: string) => void;
  const done = new Promise<string>((r) => (finish = r));
  let open!: (h: IncomingMessage['headers']) => void;
  let fail!: (e: Error) => void;
  const opened = new Promise<IncomingMessage['headers']>((res, rej) => {
    open = res;
    fail = rej;
  });
  opened.catch(() => undefined);
  let ended = false;
  const end = (reason: string, err?: Error) => {
    if (ended) return;
    ended = true;
    if (err) fail(err);
    finish(reason);
    req.destroy();
  };
  const parse = (b: Buffer): Buffer => {
    let o2 = 0;
    if (!headerSeen) {
      if (b.length < 13) return b;
      if (b.toString('latin1', 0, 3) !== 'FLV') throw new MediaError('upstream is not FLV', 'RELAY');
      o2 = b.readUInt32BE(5) + 4;
      if (b.length < o2) return b;
      headerSeen = true;
    }
    while (b.length - o2 >= 11) {
      const size = b.readUIntBE(o2 + 1, 3);
      if (size > MAX_TAG) throw new MediaError(`upstream FLV tag of ${size} bytes`, 'RELAY');
      if (b.length - o2 < 15 + size) break;
      o.onTag(b.subarray(o2, o2 + 15 + size));
      o2 += 15 + size;
    }
    return b.subarray(o2);
  };
  /** Bytes the pending unit (the file header or one tag) needs in all; 0 while that is not known yet. */
  const unitLength = (): number => {
    const head = pending[0]!.length >= 11 ? pending[0]! : Buffer.concat(pending, pendingLen);
    if (!headerSeen) return head.length >= 9 ? head.readUInt32BE(5) + 4 : 0;
    return head.length >= 4 ? 15 + head.readUIntBE(1, 3) : 0;
  };
  const req = request(url, { headers: o.headers }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      return end(`HTTP ${res.statusCode}`, new MediaError(`upstream ${url} answered ${res.statusCode}`, 'RELAY'));
    }
    res.socket.setNoDelay(true);
    open(res.headers);
    res.on('data', (chunk: Buffer) => {
      if (ended) return;
      try {
        let c = chunk;
        // A tag split over chunks: join only its own bytes (the rest of the chunk stays a view, never copied).
        while (pendingLen > 0 && c.length > 0) {
          const want = unitLength();
          const take = want === 0 ? c.length : Math.min(want - pendingLen, c.length);
          pending.push(c.subarray(0, take));
          pendingLen += take;
          c = c.subarray(take);
          if (want === 0 || pendingLen < want) {
            if (want !== 0) return;
            const rest = parse(Buffer.concat(pending, pendingLen));
            pending = rest.length ? [rest] : [];
            pendingLen = rest.length;
            continue;
          }
          const unit = Buffer.concat(pending, pendingLen);
          pending = [];
          pendingLen = 0;
          const rest = parse(unit);
          if (rest.length) {
            pending = [rest];
            pendingLen = rest.length;
          }
        }
        if (c.length === 0) return;
        const rest = parse(c);
        pending = rest.length ? [rest] : [];
        pendingLen = rest.length;
      } catch (e) {
        end((e as Error).message);
      }
    });
    res.on('end', () => end('upstream ended'));
    res.on('error', (e) => end(e.message));
  });
  req.setTimeout(o.idleMs ?? 5000, () => end('upstream silent', new MediaError('upstream silent', 'RELAY')));
  req.on('error', (e) => end(e.message, e));
  req.end();
  return { opened, done, abort: (reason = 'aborted') => end(reason) };
}
