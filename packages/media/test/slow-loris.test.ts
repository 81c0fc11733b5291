/**
 * Slow-loris against the RTMP port: 1000 connections trickling the handshake (one byte a second, so
 * the idle timer never fires), reconnecting whenever the server drops them; a real ffmpeg publisher
 * with a valid key must still get in and its stream must play over HTTP-FLV.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ffmpegPublish, flvClient, killSpawned, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';
import { loopbackAddresses, SlowLoris } from './slow-loris.js';

let t: TestMedia | undefined;
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await killSpawned();
  await t?.close();
  t = undefined;
});

async function publishAndWatch(media: TestMedia, stream: string): Promise<{ keyframes: number; ms: number }> {
  const http = await startFlvHttp(media.media);
  cleanups.push(() => http.close());
  const startedAt = Date.now();
  ffmpegPublish(media.rtmpUrl(stream), { seconds: 30, size: '160x90', rate: 10, gop: 10 });
  await waitFor(() => media.media.hasPublisher(stream), { what: `${stream} publishing`, timeoutMs: 15_000 });
  const viewer = await flvClient(http.url(stream));
  cleanups.push(() => void viewer.socket.destroy());
  await waitFor(() => viewer.flv.keyframes >= 2, { what: `${stream} plays (2 keyframes)`, timeoutMs: 15_000 });
  return { keyframes: viewer.flv.keyframes, ms: Date.now() - startedAt };
}

describe('slow-loris: publishers with a valid key are never starved', () => {
  it('1000 slow-loris connections from one address, reconnecting: that address holds at most 16 and a real ffmpeg publisher gets in and plays', async () => {
    t = await startMedia();
    const attack = new SlowLoris({ port: t.port, from: ['127.0.0.2'], count: 1000, everyMs: 1000, reconnect: true, reconnectMs: 500 });
    cleanups.push(() => attack.stop());
    await attack.start();
    expect(attack.connects).toBeGreaterThanOrEqual(1000);
    const r = await publishAndWatch(t, 'real1');
    expect(t.media.rtmpConnectionsFrom('127.0.0.2')).toBeLessThanOrEqual(16);
    expect(t.media.rtmpConnectionsFrom('127.0.0.1')).toBe(1); // the publisher
    expect(t.events.publishStop.filter((e) => e.streamId === 'real1')).toEqual([]);
    // Evictions are logged, but at most about one line per second.
    const lines = t.logs.filter((l) => l.includes('evicted') || l.includes('closed by connection limits'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(40);
    console.log(
      `slow-loris one address: ${attack.connects} attacker connects, ${attack.closedByServer} closed by the server; ` +
        `publisher playing after ${r.ms} ms; held from the attacker: ${t.media.rtmpConnectionsFrom('127.0.0.2')}; ${lines.length} log lines`,
    );
  });

  it('1000 slow-loris connections from 63 addresses fill maxConnections (1000); the real publisher evicts the oldest unauthenticated one and plays', async () => {
    t = await startMedia();
    // 63 × 16 = 1008 attacker connections for 1000 slots: the attacker alone keeps the server full and churning.
    const attack = new SlowLoris({
      port: t.port,
      from: loopbackAddresses(2, 63),
      count: 1008,
      everyMs: 1000,
      reconnect: true,
      reconnectMs: 50,
    });
    cleanups.push(() => attack.stop());
    await attack.start();
    await waitFor(() => t!.media.connectionCount === 1000, { what: 'server full (1000 connections)' });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, t!.media.connectionCount)), 20);
    cleanups.push(() => clearInterval(sampler));
    const r = await publishAndWatch(t, 'real2');
    expect(t.media.hasPublisher('real2')).toBe(true);
    expect(most).toBeLessThanOrEqual(1000);
    expect(t.media.connectionCount).toBeLessThanOrEqual(1000);
    expect(t.media.rtmpStats().unauthenticated).toBeGreaterThan(900); // the attacker still holds the rest
    expect(t.media.rtmpStats().bufferedBytes).toBe(0);
    console.log(
      `slow-loris 63 addresses: ${attack.connects} attacker connects, ${attack.closedByServer} closed by the server; ` +
        `publisher playing after ${r.ms} ms; most connections seen ${most}; ${t.media.connectionCount} open now`,
    );
  });
});
