import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { createWebSocketSink } from '../src/index.js';
import {
  FlvCounter,
  ffmpegPublish,
  ffprobeStreams,
  flvClient,
  killSpawned,
  spawnTracked,
  startFlvHttp,
  startMedia,
  waitFor,
  type TestMedia,
} from './helpers.js';

let t: TestMedia | undefined;
let http: Awaited<ReturnType<typeof startFlvHttp>> | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await killSpawned();
  await http?.close();
  await t?.close();
  t = undefined;
  http = undefined;
});

describe('RTMP publish → HTTP-FLV / WS-FLV', () => {
  it('S-STATUS-2: ffmpeg publish with a valid key emits publishStart, and ffprobe reads H.264 + AAC from HTTP-FLV', async () => {
    t = await startMedia();
    http = await startFlvHttp(t.media);
    ffmpegPublish(t.rtmpUrl('12'), { seconds: 30 });
    const start = await waitFor(() => t!.events.publishStart[0], { what: 'publishStart' });
    expect(start).toMatchObject({ streamId: '12', remoteAddress: '127.0.0.1' });
    expect(start.sessionId).toMatch(/\S+/);
    expect(t.media.hasPublisher('12')).toBe(true);
    expect(await ffprobeStreams(http.url('12'))).toEqual(['aac', 'h264']);
    expect(t.logs.filter((l) => l.startsWith('info') && l.includes('publish start 12'))).toHaveLength(1);
  });

  // The figure (about 1 ms on loopback) is in `npm run bench -- media`; here the bound only tells "from the cache"
  // from "waited for the publisher's next keyframe": the GOP is 20 s, so a miss would take seconds.
  it('attachViewer on a live stream starts on a keyframe from the GOP cache, not at the next keyframe', async () => {
    t = await startMedia();
    http = await startFlvHttp(t.media);
    ffmpegPublish(t.rtmpUrl('7'), { seconds: 60, gop: 500 });
    await waitFor(() => t!.media.hub('7')?.stats().gopTags, { what: 'GOP cache' });
    const t0 = performance.now();
    const c = await flvClient(http.url('7'));
    cleanups.push(() => c.socket.destroy());
    await waitFor(() => c.flv.firstVideoIsKey !== null, { what: 'first video tag', intervalMs: 5 });
    const ttff = performance.now() - t0;
    expect(c.status()).toBe(200);
    expect(c.flv.firstVideoIsKey).toBe(true);
    expect(ttff).toBeLessThan(8000);
    await waitFor(() => t!.events.viewerCount.some((e) => e.streamId === '7' && e.count === 1), { what: 'viewerCount 1' });
  });

  it('a viewer attached before the publisher waits and receives the stream once publishing starts', async () => {
    t = await startMedia({ viewerWaitMs: 15_000 });
    http = await startFlvHttp(t.media);
    const c = await flvClient(http.url('w1'));
    cleanups.push(() => c.socket.destroy());
    await waitFor(() => t!.media.viewerCount('w1') === 1, { what: 'waiting viewer counted' });
    ffmpegPublish(t.rtmpUrl('w1'), { seconds: 30 });
    await waitFor(() => c.flv.keyframes > 0, { what: 'keyframe after publish' });
    expect(c.flv.firstVideoIsKey).toBe(true);
  });

  it('WS-FLV: each write is a binary message and the stream starts with the FLV header and a keyframe', async () => {
    t = await startMedia();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    cleanups.push(() => wss.close());
    wss.on('connection', (ws) => t!.media.attachViewer('ws1', createWebSocketSink(ws)));
    await new Promise((r) => wss.once('listening', r));
    ffmpegPublish(t.rtmpUrl('ws1'), { seconds: 30 });
    await waitFor(() => t!.media.hub('ws1')?.stats().gopTags, { what: 'GOP cache' });
    const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`);
    cleanups.push(() => ws.terminate());
    const flv = new FlvCounter();
    let binary = true;
    ws.on('message', (d: Buffer, isBinary: boolean) => {
      binary &&= isBinary;
      flv.push(d);
    });
    await waitFor(() => flv.keyframes > 0 && flv.audioTags > 0, { what: 'WS-FLV media' });
    expect(binary).toBe(true);
    expect(flv.firstVideoIsKey).toBe(true);
  });

  it('a refused key gets onStatus error, no publishStart and no stream; one info line names the reason', async () => {
    t = await startMedia();
    const p = ffmpegPublish(t.rtmpUrl('9', 'wrong'), { seconds: 10 });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(p.stderr()).toContain('invalid key');
    expect(t.events.publishStart).toHaveLength(0);
    expect(t.media.hasPublisher('9')).toBe(false);
    expect(t.logs.filter((l) => l.startsWith('info') && l.includes('publish refused'))).toHaveLength(1);
    await waitFor(() => t!.media.connectionCount === 0, { what: 'refused connection closed' });
  });

  it('a second publisher for a live stream id is refused and the first keeps publishing', async () => {
    t = await startMedia();
    ffmpegPublish(t.rtmpUrl('dup'), { seconds: 30 });
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'first publish' });
    const second = ffmpegPublish(t.rtmpUrl('dup'), { seconds: 10 });
    expect(await second.exited).not.toBe(0);
    expect(second.stderr()).toContain('already being published');
    expect(t.events.publishStart).toHaveLength(1);
    expect(t.events.publishStop).toHaveLength(0);
    expect(t.media.hasPublisher('dup')).toBe(true);
  });

  it('kick(streamId) disconnects the publisher and reports publishStop with reason kicked', async () => {
    t = await startMedia();
    const p = ffmpegPublish(t.rtmpUrl('k1'), { seconds: 30 });
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publish' });
    expect(t.media.kick('k1', 'banned by admin')).toBe(true);
    await waitFor(() => t!.events.publishStop[0], { what: 'publishStop' });
    expect(t.events.publishStop[0]).toMatchObject({ streamId: 'k1', reason: 'kicked' });
    await p.exited;
    expect(t.media.hasPublisher('k1')).toBe(false);
  });

  it('setPaused: viewers get no media while paused and restart on a keyframe after resume', async () => {
    t = await startMedia();
    http = await startFlvHttp(t.media);
    ffmpegPublish(t.rtmpUrl('p1'), { seconds: 40, gop: 10 });
    await waitFor(() => t!.media.hub('p1')?.stats().gopTags, { what: 'GOP cache' });
    const c = await flvClient(http.url('p1'));
    cleanups.push(() => c.socket.destroy());
    await waitFor(() => c.flv.videoTags > 5, { what: 'media before pause' });
    t.media.setPaused('p1', true);
    await new Promise((r) => setImmediate(r));
    const frozen = c.flv.videoTags + c.flv.audioTags;
    const pausedAt = Date.now();
    await waitFor(() => Date.now() - pausedAt > 800, { what: 'pause window', intervalMs: 100 });
    expect(c.flv.videoTags + c.flv.audioTags).toBeLessThanOrEqual(frozen + 2); // at most what was already in flight
    const keysBefore = c.flv.keyframes;
    t.media.setPaused('p1', false);
    await waitFor(() => c.flv.keyframes > keysBefore, { what: 'keyframe after resume' });
    expect(t.media.isPaused('p1')).toBe(false);
  });
});

describe('recording', () => {
  it('S-REPLAY-1: a publish session becomes an MP4 whose ffprobe duration matches what was pushed (±1 s)', async () => {
    t = await startMedia({}, { record: true });
    const recordDir = join(t.dir, 'rec');
    const p = ffmpegPublish(t.rtmpUrl('r1'), { seconds: 6 });
    await p.exited;
    const ready = await waitFor(() => t!.events.recordingReady[0], { what: 'recordingReady', timeoutMs: 20_000 });
    expect(ready.streamId).toBe('r1');
    expect(ready.sessionId).toBe(t.events.publishStart[0]?.sessionId);
    expect(ready.file).toBe(join(recordDir, 'r1', `${ready.sessionId}.mp4`));
    expect(Math.abs(ready.durationSec - 6)).toBeLessThanOrEqual(1);
    expect(ready.endedAt - ready.startedAt).toBeGreaterThan(4000);
    expect(existsSync(ready.file)).toBe(true);
    expect(existsSync(ready.file.replace(/\.mp4$/, '.flv'))).toBe(false);
    expect(await ffprobeStreams(ready.file)).toEqual(['aac', 'h264']);
  });

  it('setRecording(false) stops the running recording (its part still becomes an MP4) and the next session is not recorded; true records again', async () => {
    t = await startMedia({}, { record: true });
    const p = ffmpegPublish(t.rtmpUrl('r2'), { seconds: 30 });
    await waitFor(() => t!.media.hasPublisher('r2'), { what: 'publishing' });
    const flv = join(t.dir, 'rec', 'r2', `${t.events.publishStart[0]!.sessionId}.flv`);
    await waitFor(() => (existsSync(flv) && statSync(flv).size > 100_000) || undefined, { what: '100 kB recorded', timeoutMs: 15_000 });
    expect(t.media.setRecording(false, 'disk low')).toBe(1);
    expect(t.media.isRecording).toBe(false);
    expect(t.logs.some((l) => l.includes('recording off (disk low): 1 running recording(s) stopped'))).toBe(true);
    p.child.kill('SIGKILL');
    const ready = await waitFor(() => t!.events.recordingReady[0], { what: 'recordingReady of the stopped part', timeoutMs: 20_000 });
    expect(ready.durationSec).toBeLessThan(10);
    // A session that starts while recording is off leaves nothing on disk.
    const q = ffmpegPublish(t.rtmpUrl('r3'), { seconds: 2 });
    await q.exited;
    await waitFor(() => t!.events.publishStop.some((e) => e.streamId === 'r3'), { what: 'r3 stopped' });
    await t.media.idle();
    expect(existsSync(join(t.dir, 'rec', 'r3'))).toBe(false);
    expect(t.events.recordingFailed).toEqual([]);
    t.media.setRecording(true);
    const r = ffmpegPublish(t.rtmpUrl('r4'), { seconds: 2 });
    await r.exited;
    await waitFor(() => t!.events.recordingReady.find((e) => e.streamId === 'r4'), { what: 'r4 recorded again', timeoutMs: 20_000 });
  });

  it('finalizeRecording(file) remuxes an FLV a crash left behind (truncated mid-tag) and emits recordingReady', async () => {
    t = await startMedia();
    const dir = join(t.dir, 'rec', 'r9');
    mkdirSync(dir, { recursive: true });
    const flv = join(dir, 'crashed-session.flv');
    const gen = spawnTracked('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x180:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine',
      '-t',
      '4',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-f',
      'flv',
      flv,
    ]);
    expect(await gen.exited).toBe(0);
    const { truncateSync, statSync } = await import('node:fs');
    truncateSync(flv, statSync(flv).size - 777);
    const e = await t.media.finalizeRecording(flv);
    expect(e).not.toBeNull();
    expect(e).toMatchObject({ streamId: 'r9', sessionId: 'crashed-session', file: join(dir, 'crashed-session.mp4') });
    expect(Math.abs(e!.durationSec - 4)).toBeLessThanOrEqual(1);
    expect(existsSync(flv)).toBe(false);
    expect(t.events.recordingReady).toHaveLength(1);
  });
});
