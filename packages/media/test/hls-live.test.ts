/** LL-HLS from a real ffmpeg RTMP push (H.264 + AAC), read back with ffprobe/ffmpeg over HTTP. */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ffmpegPublish, ffprobeStreams, killSpawned, spawnTracked, startMedia, waitFor, type TestMedia } from './helpers.js';
import { startHlsHttp, type HlsHttp } from './hls-http.js';
import { parsePlaylist, type ParsedPlaylist } from './hls-fixtures.js';

let t: TestMedia | undefined;
let http: HlsHttp | undefined;

afterEach(async () => {
  await killSpawned();
  await http?.close();
  await t?.close();
  t = undefined;
  http = undefined;
});

async function start(opts: Parameters<typeof startMedia>[0] = {}): Promise<{ t: TestMedia; http: HlsHttp }> {
  t = await startMedia({ hls: true, ...opts });
  http = await startHlsHttp(t.media);
  return { t, http };
}

async function get(url: string): Promise<{ status: number; text: string; headers: Headers }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text(), headers: r.headers };
}

async function playlist(url: string): Promise<ParsedPlaylist> {
  const r = await get(url);
  expect(r.status).toBe(200);
  return parsePlaylist(r.text);
}

interface Packet {
  type: string;
  pts: number;
  dts: number;
  key: boolean;
}

function probePackets(url: string): Promise<{ packets: Packet[]; codecs: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time,dts_time,flags:stream=codec_name', '-of', 'json', url],
      { timeout: 30_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ffprobe: ${stderr || err.message}`));
        const j = JSON.parse(stdout) as {
          packets: { codec_type: string; pts_time: string; dts_time: string; flags: string }[];
          streams: { codec_name: string }[];
        };
        resolve({
          packets: j.packets.map((p) => ({
            type: p.codec_type,
            pts: Number(p.pts_time),
            dts: Number(p.dts_time),
            key: p.flags.startsWith('K'),
          })),
          codecs: j.streams.map((s) => s.codec_name).sort(),
        });
      },
    );
  });
}

describe('LL-HLS from an RTMP push', () => {
  it('ffprobe reads H.264 + AAC from the live playlist; after unpublish the playlist ends and holds the whole push with sane timestamps', async () => {
    const { t, http } = await start();
    const pusher = ffmpegPublish(t.rtmpUrl('h1'), { seconds: 6 });
    await waitFor(async () => (await get(http.url('h1'))).status === 200, { what: 'first playlist', timeoutMs: 15_000 });
    expect(await ffprobeStreams(http.url('h1'))).toEqual(['aac', 'h264']); // while live
    await pusher.exited;
    await waitFor(() => t.events.publishStop.length === 1, { what: 'publishStop' });
    await t.media.idle();
    const pl = await playlist(http.url('h1'));
    expect(pl.endlist).toBe(true);
    expect(pl.preloadHint).toBeNull();
    const { packets, codecs } = await probePackets(http.url('h1'));
    expect(codecs).toEqual(['aac', 'h264']);
    const video = packets.filter((p) => p.type === 'video');
    const audio = packets.filter((p) => p.type === 'audio');
    expect(video.length).toBeGreaterThanOrEqual(145); // 6 s at 25 fps
    expect(video.length).toBeLessThanOrEqual(152);
    expect(video[0]!.key).toBe(true);
    for (const s of [video, audio]) for (let i = 1; i < s.length; i++) expect(s[i]!.dts).toBeGreaterThan(s[i - 1]!.dts);
    const span = (s: Packet[]) => s.at(-1)!.dts - s[0]!.dts;
    expect(span(video)).toBeCloseTo(6, 0);
    expect(span(audio)).toBeCloseTo(6, 0);
    expect(Math.abs(video[0]!.pts - audio[0]!.pts)).toBeLessThan(0.2);
    expect(pl.segments.reduce((n, s) => n + s.duration, 0)).toBeCloseTo(span(video), 0);
    // every frame decodes
    const dec = spawnTracked('ffmpeg', ['-hide_banner', '-v', 'error', '-i', http.url('h1'), '-f', 'null', '-']);
    expect(await dec.exited).toBe(0);
    expect(dec.stderr()).toBe('');
  });

  it('on a live push the playlist keeps the part rules, and a blocking reload for the next part answers when it lands', async () => {
    const { t, http } = await start();
    ffmpegPublish(t.rtmpUrl('h2'), { seconds: 30 });
    const pl = await waitFor(
      async () => {
        const r = await get(http.url('h2'));
        const p = r.status === 200 ? parsePlaylist(r.text) : null;
        return p && p.segments.length >= 2 ? p : undefined;
      },
      { what: 'two segments', timeoutMs: 20_000 },
    );
    expect(pl.targetDuration).toBe(2);
    expect(pl.partTarget).toBe(0.21);
    for (const s of pl.segments) {
      expect(s.duration).toBeCloseTo(2, 1);
      for (const x of s.parts) expect(x.duration).toBeLessThanOrEqual(pl.partTarget);
    }
    const last = [...pl.segments.flatMap((s) => s.parts), ...pl.openParts].at(-1)!;
    const [, msn, i] = /-p(\d+)\.(\d+)\.m4s$/.exec(last.uri)!;
    const want = Number(i) + 1;
    const t0 = performance.now();
    const r = await get(`${http.url('h2')}?_HLS_msn=${msn}&_HLS_part=${want}`);
    const waited = performance.now() - t0;
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('public, max-age=6');
    const next = parsePlaylist(r.text);
    expect(
      [...next.segments.flatMap((s) => s.parts), ...next.openParts]
        .map((x) => x.uri)
        .some((u) => u.endsWith(`-p${msn}.${want}.m4s`) || u.includes(`-p${Number(msn) + 1}.0.`)),
    ).toBe(true);
    expect(waited).toBeLessThan(3 * 2000); // within three target durations (it is normally one part, ~0.2 s)
    const part = await fetch(`${http.base}/live/h2/${next.openParts.at(-1)?.uri ?? next.segments.at(-1)!.uri}`);
    expect(part.status).toBe(200);
    expect(part.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('a new publish session continues the media sequence numbers under a new URI prefix; an ended stream is dropped after hlsEndedKeepMs', async () => {
    const { t, http } = await start({ hlsEndedKeepMs: 500 });
    const first = ffmpegPublish(t.rtmpUrl('h3'), { seconds: 4 });
    await first.exited;
    await waitFor(() => t.events.publishStop.length === 1, { what: 'first publishStop' });
    await t.media.idle();
    const a = await playlist(http.url('h3'));
    expect(a.endlist).toBe(true);
    ffmpegPublish(t.rtmpUrl('h3'), { seconds: 30 });
    const b = await waitFor(
      async () => {
        const r = await get(http.url('h3'));
        return r.status === 200 && !r.text.includes('#EXT-X-ENDLIST') ? parsePlaylist(r.text) : undefined;
      },
      { what: 'second session playlist', timeoutMs: 15_000 },
    );
    expect(b.mediaSequence).toBe(a.segments.at(-1)!.msn + 1);
    expect(b.segments[0]!.uri.split('-s')[0]).not.toBe(a.segments[0]!.uri.split('-s')[0]);
    expect(b.segments.some((s) => s.discontinuity)).toBe(false);
    await killSpawned();
    await waitFor(() => t.events.publishStop.length === 2, { what: 'second publishStop' });
    await waitFor(async () => (await get(http.url('h3'))).status === 404, { what: 'dropped after 500 ms', timeoutMs: 5000 });
  });

  it('MP3 audio (not AAC): HLS carries the video only and says why in one warn line', async () => {
    const { t, http } = await start();
    spawnTracked('ffmpeg', [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x180:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine',
      '-t',
      '20',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-g',
      '50',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-c:a',
      'libmp3lame',
      '-ar',
      '44100',
      '-f',
      'flv',
      t.rtmpUrl('h4'),
    ]);
    await waitFor(async () => (await get(http.url('h4'))).status === 200, { what: 'playlist', timeoutMs: 15_000 });
    expect(await ffprobeStreams(http.url('h4'))).toEqual(['h264']);
    expect(t.logs.filter((l) => l.includes('HLS without audio'))).toEqual([
      'warn media: h4: HLS without audio for this session: audio codec mp3 is not supported (AAC only)',
    ]);
  });

  it('hlsRequest answers 404 for an unknown stream and when HLS is off', async () => {
    const { t } = await start();
    expect((await t.media.hlsRequest('nope', 'index.m3u8')).status).toBe(404);
    const off = await startMedia();
    try {
      const r = await off.media.hlsRequest('x', 'index.m3u8');
      expect([r.status, r.body]).toEqual([404, 'HLS is off\n']);
    } finally {
      await off.close();
    }
  });
});
