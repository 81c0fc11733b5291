/**
 * What a connection that has not proved a stream key can make the server hold: parser buffers
 * (message size and unfinished bytes capped at 64 KiB until publishing is authorised) and replies
 * queued for a peer that does not read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commandMessage, encodeMessage, MSG } from '../src/index.js';
import { startMedia, waitFor, type TestMedia } from './helpers.js';
import { TestRtmpClient } from './rtmp-client.js';

let t: TestMedia | undefined;
const clients: TestRtmpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.close();
  t = undefined;
});

function client(port: number): TestRtmpClient {
  const c = new TestRtmpClient(port);
  clients.push(c);
  return c;
}

/** A type-0 chunk header on chunk stream `csid` announcing a message of `length` bytes, then `send` bytes of it. */
function declare(length: number, send: number, csid = 3, typeId: number = MSG.CommandAmf0): Buffer {
  const h = Buffer.alloc(12);
  h[0] = csid;
  h.writeUIntBE(length, 4, 3);
  h[7] = typeId;
  return Buffer.concat([h, Buffer.alloc(Math.min(send, 128), 0x02)]); // one chunk (chunk size 128)
}

// The deadlines and per-address limits are moved out of the way: these tests are about memory only.
const isolate = {
  idleTimeoutMs: 60_000,
  handshakeTimeoutMs: 60_000,
  connectTimeoutMs: 60_000,
  publishTimeoutMs: 60_000,
  maxUnauthenticatedPerIp: 0,
  maxConnectionsPerIp: 0,
};

describe('RTMP memory before publishing is authorised', () => {
  it('50 clients each declaring a 1 MiB message before connect are closed at once and leave nothing buffered', async () => {
    t = await startMedia(isolate);
    const cs = Array.from({ length: 50 }, () => client(t!.port));
    await Promise.all(cs.map((c) => c.handshake()));
    for (const c of cs) c.socket.write(declare(1 << 20, 1000));
    await waitFor(() => cs.every((c) => c.closed), { what: 'all 50 closed', timeoutMs: 5000 });
    const stats = t.media.rtmpStats();
    expect(stats).toMatchObject({ connections: 0, bufferedBytes: 0 });
    expect(t.logs.some((l) => l.startsWith('warn') && l.includes('message of 1048576 bytes exceeds 65536'))).toBe(true);
  });

  it('50 clients each holding an allowed 60 KiB unfinished message: the parsers hold at most 64 KiB each', async () => {
    t = await startMedia(isolate);
    const cs = Array.from({ length: 50 }, () => client(t!.port));
    await Promise.all(cs.map((c) => c.handshake()));
    for (const c of cs) c.socket.write(declare(60 << 10, 1000));
    await waitFor(() => t!.media.rtmpStats().bufferedBytes === 50 * (60 << 10), { what: 'all 50 messages begun' });
    expect(cs.some((c) => c.closed)).toBe(false);
    expect(t.media.rtmpStats().bufferedBytes).toBeLessThanOrEqual(50 * (64 << 10));
    console.log(
      `pre-auth memory: 50 connections hold ${t.media.rtmpStats().bufferedBytes} bytes of parser buffers (cap ${50 * (64 << 10)})`,
    );
  });

  it('after connect but before publish a 1 MiB message is refused the same way', async () => {
    t = await startMedia(isolate);
    const big = client(t.port);
    await big.connect();
    big.socket.write(declare(1 << 20, 128, 4, MSG.Video));
    await waitFor(() => big.closed, { what: '1 MiB after connect closed' });
    expect(t.logs.some((l) => l.includes('message of 1048576 bytes exceeds 65536'))).toBe(true);
  });

  it('before publish, two 40 KiB unfinished messages on two chunk streams exceed the 64 KiB total and close the connection', async () => {
    t = await startMedia(isolate);
    const split = client(t.port);
    await split.connect();
    split.socket.write(Buffer.concat([declare(40 << 10, 128, 4), declare(40 << 10, 128, 5)]));
    await waitFor(() => split.closed, { what: 'two 40 KiB unfinished messages closed' });
    expect(t.logs.some((l) => l.includes('unfinished messages exceed 65536 bytes'))).toBe(true);
  });

  it('once publishing is authorised a 1 MiB keyframe is accepted (the full rtmpLimits apply)', async () => {
    t = await startMedia(isolate);
    const c = client(t.port);
    expect(await c.publish('live', 'big?key=secret')).toBe('NetStream.Publish.Start');
    c.socket.write(c.video(0, 1 << 20, true));
    await waitFor(() => (t!.media.hub('big')?.stats().gopBytes ?? 0) > 1 << 20, { what: '1 MiB keyframe in the GOP cache' });
    expect(c.closed).toBe(false);
  });

  it('a peer that sends commands but never reads the replies is closed once 1 MiB is queued for it', async () => {
    t = await startMedia(isolate);
    const c = client(t.port);
    await c.connect();
    c.socket.pause(); // never read again
    const one = encodeMessage(commandMessage(0, 'FCPublish', 2, null, 'x'), c.chunkSize);
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => one));
    for (let i = 0; i < 200 && !c.closed; i++) {
      if (!c.socket.write(burst)) await new Promise((r) => c.socket.once('drain', r).once('close', r));
    }
    await waitFor(() => c.closed || t!.media.connectionCount === 0, { what: 'non-reading peer closed', timeoutMs: 10_000 });
    expect(t.media.connectionCount).toBe(0);
    expect(t.logs.some((l) => l.includes('peer is not reading'))).toBe(true);
  });
});
