/**
 * Who gets an RTMP slot: per-address limits on unauthenticated and total connections, and the global
 * limit evicting the least advanced, oldest unauthenticated connection so publishers get in.
 * Other loopback source addresses (127.0.0.x) stand in for other clients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startMedia, waitFor, type TestMedia } from './helpers.js';
import { TestRtmpClient } from './rtmp-client.js';

let t: TestMedia | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await t?.close();
  t = undefined;
});

function client(port: number, localAddress?: string): TestRtmpClient {
  const c = new TestRtmpClient(port, { localAddress });
  cleanups.push(() => c.close());
  return c;
}

/** A bare connection that sends C0 and nothing more (stuck in the handshake). */
async function stuck(port: number, localAddress: string): Promise<{ socket: Socket; closed: () => boolean }> {
  let closed = false;
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  cleanups.push(() => socket.destroy());
  await new Promise<void>((r) => socket.once('connect', () => r()).once('close', () => r()));
  socket.write(Buffer.from([3]));
  return { socket, closed: () => closed };
}

describe('RTMP admission', () => {
  it('an address with 16 unauthenticated connections loses its least advanced, oldest one to each new one; other addresses are untouched', async () => {
    t = await startMedia();
    const connected = client(t.port, '127.0.0.2'); // oldest, but further along (connect sent)
    await connected.connect();
    const others = await Promise.all(Array.from({ length: 5 }, () => stuck(t!.port, '127.0.0.3')));
    const mine: Awaited<ReturnType<typeof stuck>>[] = [];
    for (let i = 0; i < 20; i++) mine.push(await stuck(t.port, '127.0.0.2'));
    await waitFor(() => mine.filter((m) => m.closed()).length === 5, { what: '5 of the 20 evicted' });
    expect(mine.slice(0, 5).every((m) => m.closed())).toBe(true); // the oldest stuck ones went first
    expect(mine.slice(5).some((m) => m.closed())).toBe(false);
    expect(connected.closed).toBe(false);
    expect(others.some((m) => m.closed())).toBe(false);
    expect(t.media.rtmpConnectionsFrom('127.0.0.2')).toBe(16);
    expect(t.media.rtmpConnectionsFrom('127.0.0.3')).toBe(5);
    expect(
      t.logs.some((l) => l.startsWith('warn') && l.includes('evicted') && l.includes('16 unauthenticated connections from 127.0.0.2')),
    ).toBe(true);
  });

  it('maxConnectionsPerIp: a new connection from an address whose slots all publish is refused; the publishers go on, other addresses get in', async () => {
    t = await startMedia({ maxConnectionsPerIp: 2 });
    expect(await client(t.port).publish('live', 'p1?key=secret')).toBe('NetStream.Publish.Start');
    expect(await client(t.port).publish('live', 'p2?key=secret')).toBe('NetStream.Publish.Start');
    const third = await stuck(t.port, '127.0.0.1');
    await waitFor(() => third.closed(), { what: 'third connection from 127.0.0.1 refused' });
    const elsewhere = await stuck(t.port, '127.0.0.2');
    await waitFor(() => t!.media.connectionCount === 3, { what: 'the connection from 127.0.0.2 admitted' });
    expect(t.media.liveStreams().sort()).toEqual(['p1', 'p2']);
    expect(elsewhere.closed()).toBe(false);
    expect(t.logs.some((l) => l.includes('connection refused') && l.includes('2 connections from 127.0.0.1'))).toBe(true);
  });

  it('maxConnections reached by unauthenticated connections: a publisher with a valid key evicts the oldest and publishes', async () => {
    t = await startMedia({ maxConnections: 10, maxUnauthenticatedPerIp: 0 });
    const loris: Awaited<ReturnType<typeof stuck>>[] = [];
    for (let i = 0; i < 10; i++) loris.push(await stuck(t.port, '127.0.0.2'));
    await waitFor(() => t!.media.connectionCount === 10, { what: '10 connections' });
    expect(await client(t.port).publish('live', 'in?key=secret')).toBe('NetStream.Publish.Start');
    expect(t.media.connectionCount).toBe(10);
    await waitFor(() => loris[0]!.closed(), { what: 'the oldest evicted' });
    expect(loris.slice(1).some((m) => m.closed())).toBe(false);
  });

  it('maxConnections reached by publishers: a new connection is refused and no publisher is evicted', async () => {
    t = await startMedia({ maxConnections: 2 });
    expect(await client(t.port).publish('live', 'a?key=secret')).toBe('NetStream.Publish.Start');
    expect(await client(t.port, '127.0.0.2').publish('live', 'b?key=secret')).toBe('NetStream.Publish.Start');
    const late = await stuck(t.port, '127.0.0.3');
    await waitFor(() => late.closed(), { what: 'refused' });
    expect(t.media.liveStreams().sort()).toEqual(['a', 'b']);
    expect(t.logs.some((l) => l.includes('connection refused') && l.includes('2 connections in all'))).toBe(true);
  });
});
