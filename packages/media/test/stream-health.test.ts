/**
 * Stream health (issue 12 §7): what the hub measures from a real ffmpeg push — bitrate, fps, keyframe interval,
 * codecs and resolution, the encoder — and refused pushes as a media event with their reason (never the key).
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { avcInfoFromSequenceHeader, IngestStats, parseSps, TagKind, buildTag, TAG_VIDEO } from '../src/index.js';
import { ffmpegPublish, killSpawned, startMedia, waitFor, type TestMedia } from './helpers.js';

let t: TestMedia | undefined;
afterEach(async () => {
  await killSpawned();
  await t?.close();
  t = undefined;
});

describe('stream health', () => {
  it('streamStats of an ffmpeg push (640×360, 25 fps, 2 s GOP, 1 Mbps CBR) reads its codecs, size, fps, keyframe interval and bitrate', async () => {
    t = await startMedia();
    ffmpegPublish(t.rtmpUrl('h1'), { seconds: 60, size: '640x360', rate: 25, gop: 50, cbrMbps: 1 });
    await waitFor(() => (t!.media.streamStats('h1')?.keyframeIntervalSec ?? null) !== null && t!.media.streamStats('h1')!.uptimeSec >= 5, {
      what: 'two keyframes and 5 s',
      timeoutMs: 30_000,
    });
    const s = t.media.streamStats('h1')!;
    expect(s.video).toEqual({ codec: 'H.264', profile: 'High', level: expect.stringMatching(/^\d\.\d$/), width: 640, height: 360 });
    expect(s.audio).toMatchObject({ codec: 'AAC', sampleRate: 44100, channels: 1 });
    expect(s.encoder).toMatch(/^Lavf/);
    expect(s.keyframeIntervalSec).toBe(2);
    expect(s.fps).toBeGreaterThan(18); // 25 by design; a loaded 2-core machine may deliver in bursts
    expect(s.fps).toBeLessThan(32);
    expect(s.videoKbps).toBeGreaterThan(400);
    expect(s.videoKbps).toBeLessThan(2500);
    expect(s.audioKbps).toBeGreaterThan(20);
    expect(s.timestampJumps).toBe(0);
    expect(t.media.streamStats('nobody')).toBeUndefined();
  });

  it('streamStats shows a 5 s keyframe interval when the encoder is set to one', async () => {
    t = await startMedia();
    ffmpegPublish(t.rtmpUrl('h2'), { seconds: 60, rate: 25, gop: 125 });
    await waitFor(() => t!.media.streamStats('h2')?.keyframeIntervalSec ?? null, { what: 'a keyframe interval', timeoutMs: 30_000 });
    expect(t.media.streamStats('h2')!.keyframeIntervalSec).toBe(5);
  });

  it('a refused push (wrong key) emits publishRefused with the gate\u2019s reason and the stream name without its query', async () => {
    t = await startMedia();
    ffmpegPublish(t.rtmpUrl('h3', 'not-the-key'), { seconds: 10 });
    const e = await waitFor(() => t!.events.publishRefused[0], { what: 'publishRefused', timeoutMs: 20_000 });
    expect(e).toMatchObject({
      app: 'live',
      streamName: 'h3',
      reason: 'invalid key',
      code: 'NetStream.Publish.BadName',
      remoteAddress: '127.0.0.1',
    });
    expect(JSON.stringify(e)).not.toContain('not-the-key');
  });

  it('IngestStats counts stalls, timestamp jumps and lateness from tags it is fed', () => {
    const st = new IngestStats(0);
    const frame = (ts: number, key: boolean) => buildTag(TAG_VIDEO, ts, Buffer.from([key ? 0x17 : 0x27, 1, 0, 0, 0, 0xaa]));
    for (let i = 0; i < 50; i++) st.onTag(frame(i * 40, i % 25 === 0), i % 25 === 0 ? TagKind.VideoKey : TagKind.Video, i * 40);
    expect(st.snapshot(2000)).toMatchObject({ keyframeIntervalSec: 1, stalls: 0, timestampJumps: 0, lateMs: 0, video: { codec: 'H.264' } });
    st.onTag(frame(2000, false), TagKind.Video, 4500); // arrives 2.5 s late after 2.5 s of silence
    expect(st.snapshot(4500)).toMatchObject({ stalls: 1, lateMs: 2500 });
    st.onTag(frame(100, false), TagKind.Video, 4540); // timestamps went backwards
    expect(st.snapshot(4540).timestampJumps).toBe(1);
  });

  it('parseSps reads the size x264 encodes (1920×1080 is cropped from 1088; odd sizes; Baseline) and garbage gives undefined', () => {
    const spsOf = (size: string, profile: string) => {
      const es = execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=${size}:rate=25`,
        '-frames:v',
        '1',
        '-c:v',
        'libx264',
        '-profile:v',
        profile,
        '-pix_fmt',
        'yuv420p',
        '-f',
        'h264',
        '-',
      ]);
      const at = es.findIndex((_, i) => es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1 && (es[i + 3]! & 0x1f) === 7);
      const end = es.indexOf(Buffer.from([0, 0, 1]), at + 3);
      return es.subarray(at + 3, end > 0 ? (es[end - 1] === 0 ? end - 1 : end) : undefined);
    };
    expect(parseSps(spsOf('1920x1080', 'high'))).toEqual({
      profile: 'High',
      level: expect.stringMatching(/^\d\.\d$/),
      width: 1920,
      height: 1080,
    });
    expect(parseSps(spsOf('720x1280', 'main'))).toMatchObject({ profile: 'Main', width: 720, height: 1280 });
    expect(parseSps(spsOf('426x240', 'baseline'))).toMatchObject({ profile: 'Baseline', width: 426, height: 240 });
    expect(parseSps(Buffer.from([0x67, 0x64]))).toBeUndefined();
    expect(avcInfoFromSequenceHeader(Buffer.from([0x17, 0, 0, 0, 0, 1, 0x64]))).toBeUndefined();
  });
});
