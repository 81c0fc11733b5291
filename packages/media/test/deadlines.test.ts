/**
 * RTMP deadlines: handshake, connect and publish must each happen in time, however busy the client
 * keeps the connection (the idle timer alone is reset by one byte, so it cannot catch a slow-loris).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controlMessages } from '../src/index.js';
import { startMedia, waitFor, type TestMedia } from './helpers.js';
import { TestRtmpClient } from './rtmp-client.js';
import { SlowLoris } from './slow-loris.js';

let t: TestMedia | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await t?.close();
  t = undefined;
});

function client(port: number): TestRtmpClient {
  const c = new TestRtmpClient(port);
  cleanups.push(() => c.close());
  return c;
}

/** Send a User Control ping request every `ms`: traffic that keeps the idle timer from ever firing. */
function keepBusy(c: TestRtmpClient, ms = 100): void {
  const timer = setInterval(() => {
    if (!c.closed) c.send(controlMessages.userControl(6, Date.now() >>> 0));
  }, ms);
  cleanups.push(() => clearInterval(timer));
}

const limitLines = (m: TestMedia) =>
  m.logs.filter((l) => l.startsWith('warn') && (l.includes('closing') || l.includes('closed by connection limits')));

describe('RTMP deadlines', () => {
  it('clients trickling the handshake (a byte every 100 ms, never idle) are closed at handshakeTimeoutMs, with rate-limited log lines', async () => {
    t = await startMedia({ handshakeTimeoutMs: 600 }); // idleTimeoutMs stays 10 s
    const loris = new SlowLoris({ port: t.port, from: ['127.0.0.1'], count: 10, everyMs: 100 });
    cleanups.push(() => loris.stop());
    const startedAt = Date.now();
    await loris.start();
    await waitFor(() => loris.closedByServer === 10, { what: 'all 10 closed by the server', timeoutMs: 5000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(600);
    expect(t.media.connectionCount).toBe(0);
    expect(t.logs.some((l) => l.startsWith('warn') && l.includes('handshake not completed within 600 ms'))).toBe(true);
    await waitFor(() => limitLines(t!).some((l) => l.includes('more connections')), { what: 'summary line' });
    expect(limitLines(t).length).toBeLessThanOrEqual(3);
  });

  it('a client that completes the handshake but never sends connect (pinging every 100 ms) is closed at connectTimeoutMs', async () => {
    t = await startMedia({ connectTimeoutMs: 800 });
    const c = client(t.port);
    await c.handshake();
    keepBusy(c);
    await waitFor(() => c.closed, { what: 'closed for no connect', timeoutMs: 5000 });
    expect(c.received.length).toBeGreaterThan(0); // the pings were answered: it was never idle
    expect(t.logs.some((l) => l.includes('no connect command within 800 ms'))).toBe(true);
  });

  it('a client that connects but never publishes (pinging every 100 ms) is closed at publishTimeoutMs after connect', async () => {
    t = await startMedia({ publishTimeoutMs: 800 });
    const c = client(t.port);
    await c.connect();
    const connectedAt = Date.now();
    keepBusy(c);
    await waitFor(() => c.closed, { what: 'closed for no publish', timeoutMs: 5000 });
    expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(700);
    expect(t.logs.some((l) => l.includes('not publishing 800 ms after connect'))).toBe(true);
  });

  it('an authorizePublish that never answers: the connection is closed at the publish deadline, publishing never starts', async () => {
    t = await startMedia({ publishTimeoutMs: 800, authorizePublish: () => new Promise(() => {}) });
    const c = client(t.port);
    keepBusy(c);
    expect(await c.publish('live', 'hang?key=secret')).toBe('closed');
    expect(t.media.connectionCount).toBe(0);
    expect(t.events.publishStart).toEqual([]);
  });

  it('a publisher that publishes in time and keeps sending media outlives every deadline', async () => {
    t = await startMedia({ handshakeTimeoutMs: 300, connectTimeoutMs: 300, publishTimeoutMs: 300, stallTimeoutMs: 2000 });
    const c = client(t.port);
    expect(await c.publish('live', 'ok?key=secret')).toBe('NetStream.Publish.Start');
    let ts = 0;
    const timer = setInterval(() => c.socket.write(c.video((ts += 40), 500, ts % 400 === 0)), 40);
    cleanups.push(() => clearInterval(timer));
    await waitFor(() => ts >= 1500, { what: '1.5 s of media sent', timeoutMs: 5000 });
    expect(t.media.hub('ok')?.stats().gopTags).toBeGreaterThan(0);
    expect(c.closed).toBe(false);
    expect(t.media.hasPublisher('ok')).toBe(true);
  });
});
