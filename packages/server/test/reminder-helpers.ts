/** Test helpers for reminders (issue 6): a local HTTP receiver, browser-like push keys, RFC 8291 decryption. */
import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/** What the receiver does with a request: answer a status, hang (time out), or drop the connection. */
export type Behaviour = number | 'hang' | 'close';

/** A local HTTP server on 127.0.0.1:0 standing in for a merchant's webhook or a push service. */
export class Receiver {
  readonly requests: Received[] = [];
  /** decides per request (default 200) */
  behaviour: (r: Received) => Behaviour = () => 200;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
        this.requests.push(r);
        const b = this.behaviour(r);
        if (b === 'hang') return;
        if (b === 'close') {
          req.socket.destroy();
          return;
        }
        res.writeHead(b, { 'content-type': 'text/plain' }).end(b < 300 ? 'ok' : 'nope');
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  json<T = Record<string, unknown>>(): T[] {
    return this.requests.map((r) => JSON.parse(r.body.toString('utf8')) as T);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** What a browser's PushManager.subscribe() makes: a P-256 key pair and a 16-byte auth secret. */
export function browserPushKeys(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
  };
}

/** RFC 8291 / RFC 8188 (aes128gcm) decryption, as the browser does it with the subscription's private key. */
export function decryptAes128gcm(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid must be the 65-byte application server key, got ${idlen}`);
  if (records.length > rs) throw new Error('more than one record: not expected for a small payload');
  const secret = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([d.update(records.subarray(0, records.length - 16)), d.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('last record must end with the 0x02 padding delimiter');
  return padded.subarray(0, end);
}

/** Admin API call against a test server. */
export async function admin(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** A plugin-API call as the `<zhibo-subscribe>` component makes it (device id header). */
export async function plugin(
  url: string,
  device: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-zhibo-device': device, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}
