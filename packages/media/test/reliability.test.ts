import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createHttpFlvSink, type ViewerSink } from '../src/index.js';
import { ffmpegPublish, flvClient, killSpawned, startMedia, waitFor, type TestMedia } from './helpers.js';
import { TestRtmpClient } from './rtmp-client.js';

let t: TestMedia | undefined;
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await killSpawned();
  await t?.close();
  t = undefined;
});

describe('publisher loss is reported within seconds', () => {
  it('S-STATUS-3: a publisher that stalls (ffmpeg SIGSTOPped) gets publishStop reason timeout within ~stallTimeout', async () => {
    t = await startMedia({ stallTimeoutMs: 1000 });
    const p = ffmpegPublish(t.rtmpUrl('s1'), { seconds: 60 });
    await waitFor(() => t!.media.hub('s1')?.stats().gopTags, { what: 'media flowing' });
    const stoppedAt = Date.now();
    process.kill(p.pid, 'SIGSTOP');
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop', timeoutMs: 10_000 });
    expect(stop).toMatchObject({ streamId: 's1', reason: 'timeout' });
    // reported by the stall check (1 s here), not by TCP keepalive or the idle timer (tens of seconds)
    expect(Date.now() - stoppedAt).toBeLessThan(8000);
    expect(t.media.hasPublisher('s1')).toBe(false);
    await waitFor(() => t!.media.connectionCount === 0, { what: 'connection closed' });
  });

  it('S-STATUS-3: a dropped publisher connection (ffmpeg SIGKILLed) gets publishStop reason socket_closed at once', async () => {
    t = await startMedia();
    const p = ffmpegPublish(t.rtmpUrl('s2'), { seconds: 60 });
    await waitFor(() => t!.media.hub('s2')?.stats().gopTags, { what: 'media flowing' });
    const killedAt = Date.now();
    process.kill(p.pid, 'SIGKILL');
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop', timeoutMs: 10_000 });
    expect(stop).toMatchObject({ streamId: 's2', reason: 'socket_closed' });
    // the socket's close, not the stall timeout (5 s by default): well under it even on a loaded machine
    expect(Date.now() - killedAt).toBeLessThan(4500);
  });

  it('S-STATUS-3: a publisher that stops mid-chunk is closed on the stall timeout; one that disconnects mid-chunk at once; other streams unaffected', async () => {
    t = await startMedia({ stallTimeoutMs: 800 });
    ffmpegPublish(t.rtmpUrl('ok'), { seconds: 60 });
    await waitFor(() => t!.media.hub('ok')?.stats().gopTags, { what: 'good stream' });
    const stall = new TestRtmpClient(t.port);
    const drop = new TestRtmpClient(t.port);
    cleanups.push(
      () => stall.close(),
      () => drop.close(),
    );
    expect(await stall.publish('live', 'mid1?key=secret')).toBe('NetStream.Publish.Start');
    expect(await drop.publish('live', 'mid2?key=secret')).toBe('NetStream.Publish.Start');
    for (const c of [stall, drop]) {
      const frame = c.video(0, 20_000);
      c.socket.write(frame.subarray(0, 9000)); // header and part of the message
    }
    drop.close();
    const dropStop = await waitFor(() => t!.events.publishStop.find((e) => e.streamId === 'mid2'), { what: 'mid2 stop' });
    expect(dropStop.reason).toBe('socket_closed');
    const stallStop = await waitFor(() => t!.events.publishStop.find((e) => e.streamId === 'mid1'), { what: 'mid1 stop', timeoutMs: 4000 });
    expect(stallStop.reason).toBe('timeout');
    await waitFor(() => stall.closed, { what: 'stalled socket closed by server' });
    expect(t.media.hasPublisher('ok')).toBe(true);
    expect(t.events.publishStop.find((e) => e.streamId === 'ok')).toBeUndefined();
  });

  it('a publisher that sends garbage after publishing is closed with reason error; other streams unaffected', async () => {
    t = await startMedia();
    ffmpegPublish(t.rtmpUrl('ok2'), { seconds: 60 });
    await waitFor(() => t!.media.hub('ok2')?.stats().gopTags, { what: 'good stream' });
    const bad = new TestRtmpClient(t.port);
    cleanups.push(() => bad.close());
    expect(await bad.publish('live', 'junk?key=secret')).toBe('NetStream.Publish.Start');
    bad.socket.write(Buffer.from([0x45, 0, 0, 1, 0, 0, 1, 9])); // fmt 1 on a fresh chunk stream
    bad.socket.write(randomBytes(4096));
    const stop = await waitFor(() => t!.events.publishStop.find((e) => e.streamId === 'junk'), { what: 'junk stop' });
    expect(stop.reason).toBe('error');
    await waitFor(() => bad.closed, { what: 'garbage socket closed' });
    expect(t.logs.some((l) => l.startsWith('warn') && l.includes('closing'))).toBe(true);
    expect(t.media.hasPublisher('ok2')).toBe(true);
  });
});

describe('backpressure', () => {
  it('a slow viewer (never reads) does not stop a fast viewer, its send buffer stays bounded and it is dropped', async () => {
    const policy = { softBytes: 256 << 10, resumeBytes: 64 << 10, hardBytes: 2 << 20, maxBehindMs: 1500 };
    t = await startMedia({ viewerPolicy: policy });
    const sinks: ViewerSink[] = [];
    const server: Server = createServer((_req, res) => {
      const sink = createHttpFlvSink(res);
      sinks.push(sink);
      t!.media.attachViewer('bp', sink);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/bp.flv`;
    ffmpegPublish(t.rtmpUrl('bp'), { seconds: 60, cbrMbps: 8, gop: 25 });
    await waitFor(() => t!.media.hub('bp')?.stats().gopTags, { what: 'media flowing' });

    const slow = await flvClient(url);
    slow.socket.pause(); // never reads: kernel buffers fill, then the server-side queue
    cleanups.push(() => void slow.socket.destroy());
    const fast = await flvClient(url);
    cleanups.push(() => void fast.socket.destroy());
    await waitFor(() => sinks.length === 2, { what: 'two viewers' });
    const slowSink = sinks[0]!;

    let maxBuffered = 0;
    const sample = setInterval(() => (maxBuffered = Math.max(maxBuffered, slowSink.bufferedBytes())), 20);
    cleanups.push(() => clearInterval(sample));
    await waitFor(() => t!.logs.some((l) => l.includes('dropped viewer')), { what: 'slow viewer dropped', timeoutMs: 20_000 });
    await waitFor(() => t!.media.viewerCount('bp') === 1, { what: 'one viewer left' });
    const keysAtDrop = fast.flv.keyframes;
    await waitFor(() => fast.flv.keyframes >= keysAtDrop + 2, { what: 'fast viewer keeps receiving' });
    // Bounded: never more than the soft limit plus one batch (a GOP burst at join at most).
    expect(maxBuffered).toBeLessThan(policy.hardBytes);
    expect(fast.flv.firstVideoIsKey).toBe(true);
  });
});
