/**
 * The LL-HLS playlist and delivery-directive rules of RFC 8216bis, as tests against LlHlsStream fed
 * by the Segmenter with a synthetic 25 fps / 2 s GOP source (H.264 + AAC configurations from x264).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_WAITERS } from '../src/hls/hls-stream.js';
import { attrs, packager, parsePlaylist, playlistOf, source, type Packaged } from './hls-fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A live stream already `ms` into its media. */
function live(ms: number, opts: Parameters<typeof packager>[0] = {}): Packaged & { src: ReturnType<typeof source> } {
  const p = packager(opts);
  const src = source(p);
  src.until(ms);
  return { ...p, src };
}

/** Whether a promise has settled after the pending microtasks ran. */
async function settled(pr: Promise<unknown>): Promise<boolean> {
  let done = false;
  void pr.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe('playlist rules (RFC 8216bis 4.4, 6.2.1, 6.2.2)', () => {
  it('a live playlist: TARGETDURATION ≥ every rounded EXTINF, parts ≤ PART-TARGET summing to their segment, hold-backs and skip boundary in range, PDT on every segment', async () => {
    const p = live(13_100);
    const pl = await playlistOf(p.out);
    expect(pl.version).toBe(6);
    expect(pl.endlist).toBe(false);
    expect(Number.isInteger(pl.targetDuration)).toBe(true);
    expect(pl.serverControl['CAN-BLOCK-RELOAD']).toBe('YES');
    expect(Number(pl.serverControl['PART-HOLD-BACK'])).toBeGreaterThanOrEqual(3 * pl.partTarget - 1e-9);
    expect(Number(pl.serverControl['CAN-SKIP-UNTIL'])).toBeGreaterThanOrEqual(6 * pl.targetDuration);
    expect(pl.segments.length).toBe(6);
    let pdt = Date.parse(pl.segments[0]!.pdt!);
    for (const s of pl.segments) {
      expect(Math.round(s.duration)).toBeLessThanOrEqual(pl.targetDuration);
      expect(s.map).toBe('t-i0.mp4');
      expect(Date.parse(s.pdt!)).toBeCloseTo(pdt, -1); // each PDT = the previous one + its EXTINF (±10 ms)
      pdt += s.duration * 1000;
      if (s.parts.length > 0) expect(s.parts.reduce((n, x) => n + x.duration, 0)).toBeCloseTo(s.duration, 4);
      for (const x of s.parts) expect(x.duration).toBeLessThanOrEqual(pl.partTarget);
    }
    expect(pl.lines.indexOf('#EXT-X-MAP:URI="t-i0.mp4"')).toBeLessThan(pl.lines.findIndex((l) => l.startsWith('#EXTINF')));
    // segment URIs follow the media sequence numbers
    expect(pl.segments.map((s) => s.uri)).toEqual(pl.segments.map((s) => `t-s${s.msn}.m4s`));
  });

  it('the window slides: EXT-X-MEDIA-SEQUENCE grows by one per segment removed, never below 3 target durations; removed segments stay downloadable a little longer', async () => {
    const p = live(1000, { stream: { listSize: 4, retainSegments: 2 } });
    let prev: { seq: number; uris: string[] } | null = null;
    for (let t = 4000; t <= 30_000; t += 2000) {
      p.src.until(t + 100);
      const pl = await playlistOf(p.out);
      expect(pl.segments.length).toBeLessThanOrEqual(4);
      if (pl.mediaSequence > 0) expect(pl.segments.reduce((n, s) => n + s.duration, 0)).toBeGreaterThanOrEqual(3 * pl.targetDuration);
      if (prev) {
        const removed = prev.uris.filter((u) => !pl.segments.some((s) => s.uri === u)).length;
        expect(pl.mediaSequence).toBe(prev.seq + removed);
      }
      prev = { seq: pl.mediaSequence, uris: pl.segments.map((s) => s.uri) };
    }
    const seq = prev!.seq;
    expect(seq).toBe(11); // 15 complete segments (0–30 s), the last 4 listed
    expect((await p.out.request(`t-s${seq - 1}.m4s`)).status).toBe(200);
    expect((await p.out.request(`t-s${seq - 2}.m4s`)).status).toBe(200);
    expect((await p.out.request(`t-p${seq - 2}.3.m4s`)).status).toBe(200);
    expect((await p.out.request(`t-s${seq - 3}.m4s`)).status).toBe(404);
  });

  it('EXT-X-PART tags stay only for segments ending within three target durations of the end', async () => {
    const pl = await playlistOf(live(15_100).out);
    const total = pl.segments.reduce((n, s) => n + s.duration, 0) + pl.openParts.reduce((n, x) => n + x.duration, 0);
    let end = 0;
    for (const s of pl.segments) {
      end += s.duration;
      expect(s.parts.length > 0, s.uri).toBe(total - end <= 3 * pl.targetDuration);
    }
  });

  it('EXT-X-DISCONTINUITY-SEQUENCE grows when a segment carrying EXT-X-DISCONTINUITY leaves the window', async () => {
    const p = live(3000, { stream: { listSize: 3 } });
    const again = source(p, { startMs: 500 }); // timestamps restart: discontinuity
    again.until(5100);
    let pl = await playlistOf(p.out);
    expect(pl.discontinuitySequence).toBe(0);
    expect(pl.segments.filter((s) => s.discontinuity)).toHaveLength(1);
    again.until(14_100); // the segment with the tag leaves the window
    pl = await playlistOf(p.out);
    expect(pl.discontinuitySequence).toBe(1);
    expect(pl.segments.filter((s) => s.discontinuity)).toHaveLength(0);
  });

  it('the preload hint names the next part; requesting it blocks until that part is complete, then serves it', async () => {
    const p = live(4500);
    const pl = await playlistOf(p.out);
    const hint = pl.preloadHint!;
    const last = pl.openParts.at(-1)!.uri;
    const [, msn, i] = /^t-p(\d+)\.(\d+)\.m4s$/.exec(last)!;
    expect(hint).toBe(`t-p${msn}.${Number(i) + 1}.m4s`);
    const pending = p.out.request(hint);
    expect(await settled(pending)).toBe(false);
    p.src.until(4600);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.headers['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect((r.body as Buffer).subarray(4, 8).toString('latin1')).toBe('moof');
    expect((await playlistOf(p.out)).openParts.at(-1)!.uri).toBe(hint);
  });

  it('segments, parts and init sections are immutable; a name that is not in the window is 404 at once', async () => {
    const p = live(4100);
    for (const name of ['t-i0.mp4', 't-s0.m4s', 't-p1.0.m4s']) {
      const r = await p.out.request(name);
      expect(r.status, name).toBe(200);
      expect(r.headers).toMatchObject({ 'Content-Type': 'video/mp4', 'Cache-Control': 'public, max-age=31536000, immutable' });
    }
    const init = (await p.out.request('t-i0.mp4')).body as Buffer;
    expect(init.subarray(4, 8).toString('latin1')).toBe('ftyp');
    for (const name of ['t-s9.m4s', 't-p9.0.m4s', '../index.m3u8', 'x.ts', '']) {
      const r = await p.out.request(name);
      expect(r.status, name).toBe(404);
      expect(r.headers['Cache-Control']).toBe('no-store');
    }
  });
});

describe('blocking playlist reload (RFC 8216bis 6.2.5.2)', () => {
  it('_HLS_msn/_HLS_part of the next part waits until that part lands, then answers with it in the playlist (cacheable by query)', async () => {
    const p = live(4500);
    const pl = await playlistOf(p.out);
    const [, msn, i] = /^t-p(\d+)\.(\d+)\.m4s$/.exec(pl.openParts.at(-1)!.uri)!;
    const q = { _HLS_msn: msn!, _HLS_part: String(Number(i) + 1) };
    const pending = p.out.request('index.m3u8', q);
    expect(await settled(pending)).toBe(false);
    p.src.until(4600);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.headers['Cache-Control']).toBe('public, max-age=6');
    expect(parsePlaylist(String(r.body)).openParts.at(-1)!.uri).toBe(`t-p${msn}.${Number(i) + 1}.m4s`);
  });

  it('_HLS_msn alone waits for the whole segment', async () => {
    const p = live(4100);
    const pending = p.out.request('index.m3u8', { _HLS_msn: '2' });
    p.src.until(5900);
    expect(await settled(pending)).toBe(false);
    p.src.until(6000);
    const pl = parsePlaylist(String((await pending).body));
    expect(pl.segments.at(-1)!.msn).toBe(2);
  });

  it("a part index past the segment's last part means part 0 of the next segment", async () => {
    const p = live(4100); // segment 1 (2–4 s) has 10 parts
    const pending = p.out.request('index.m3u8', { _HLS_msn: '1', _HLS_part: '10' });
    expect(await settled(pending)).toBe(false);
    p.src.until(4300);
    expect(parsePlaylist(String((await pending).body)).openParts[0]!.uri).toBe('t-p2.0.m4s');
  });

  it('a segment or part already in the past answers at once with the whole playlist', async () => {
    const p = live(6100);
    const r = await p.out.request('index.m3u8', { _HLS_msn: '0', _HLS_part: '3' });
    expect(r.status).toBe(200);
    expect(parsePlaylist(String(r.body)).segments).toHaveLength(3);
  });

  it('400 for bad directives: _HLS_part without _HLS_msn, non-decimal values, repeats, _HLS_msn more than two segments ahead, _HLS_part past the Advance Part Limit, a bad _HLS_skip', async () => {
    const p = live(4100); // last complete segment 1, open segment 2 with 0 parts… at 4.1 s: parts 2.0 exist
    const bad: (Record<string, string> | URLSearchParams)[] = [
      { _HLS_part: '1' },
      { _HLS_msn: '-1' },
      { _HLS_msn: '1.5' },
      { _HLS_msn: 'abc' },
      { _HLS_msn: '' },
      { _HLS_msn: '2', _HLS_part: 'x' },
      new URLSearchParams('_HLS_msn=2&_HLS_msn=3'),
      { _HLS_msn: '4' }, // last complete is 1: 1 + 2 = 3 is the furthest allowed
      { _HLS_msn: '2', _HLS_part: '20' }, // PART-TARGET 0.21 s → the limit is 14 parts ahead
      { _HLS_msn: '3', _HLS_part: '14' },
      { _HLS_skip: 'NO' },
    ];
    for (const q of bad) {
      const r = await p.out.request('index.m3u8', q);
      expect(r.status, String(new URLSearchParams(q as Record<string, string>))).toBe(400);
      expect(r.headers['Cache-Control']).toBe('no-store');
    }
    // within the limits it waits instead
    expect(await settled(p.out.request('index.m3u8', { _HLS_msn: '3', _HLS_part: '0' }))).toBe(false);
  });

  it('503 when the part does not appear within three target durations', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const p = live(4100);
    const pending = p.out.request('index.m3u8', { _HLS_msn: '2', _HLS_part: '5' });
    await vi.advanceTimersByTimeAsync(5999);
    expect(await settled(pending)).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    const r = await pending;
    expect(r.status).toBe(503);
    expect(r.headers['Cache-Control']).toBe('no-store');
  });

  it('publishing stops: waiting reloads get the final playlist (EXT-X-ENDLIST, no preload hint), the hinted part 404; afterwards directives are ignored', async () => {
    const p = live(4100);
    const { preloadHint } = await playlistOf(p.out);
    const reload = p.out.request('index.m3u8', { _HLS_msn: '3', _HLS_part: '0' });
    const part = p.out.request(`${preloadHint!.replace(/\.\d+\.m4s$/, '')}.5.m4s`); // not hinted: 404 at once
    const hinted = p.out.request(preloadHint!);
    expect((await part).status).toBe(404);
    p.seg.end();
    p.out.end();
    const final = parsePlaylist(String((await reload).body));
    expect(final.endlist).toBe(true);
    expect(final.preloadHint).toBeNull();
    expect(final.segments.at(-1)!.duration).toBeGreaterThan(0);
    expect((await hinted).status).toBe(200); // end() emitted the pending samples as that part
    const after = await p.out.request('index.m3u8', { _HLS_msn: '9', _HLS_part: '0', _HLS_skip: 'YES' });
    expect(after.status).toBe(200);
    expect(parsePlaylist(String(after.body)).skipped).toBe(0);
  });

  it('a playlist request before the first segment waits for it (and 503s when it takes longer than readyWaitMs)', async () => {
    const p = packager({ stream: { readyWaitMs: 50 } });
    const src = source(p);
    src.until(1000);
    expect((await p.out.request('index.m3u8')).status).toBe(503);
    const pending = p.out.request('index.m3u8');
    src.until(2000);
    expect((await pending).status).toBe(200);
  });

  it('with MAX_WAITERS blocked requests on one stream, the next one is 503 at once', async () => {
    const p = live(4100);
    const pending = Array.from({ length: MAX_WAITERS }, () => p.out.request('index.m3u8', { _HLS_msn: '3' }));
    const r = await p.out.request('index.m3u8', { _HLS_msn: '3' });
    expect(r.status).toBe(503);
    expect(p.out.stats().waiters).toBe(MAX_WAITERS);
    p.out.dispose();
    expect(new Set((await Promise.all(pending)).map((x) => x.status))).toEqual(new Set([404]));
  });

  it('after dispose() every request is 404', async () => {
    const p = live(4100);
    const pending = p.out.request('index.m3u8', { _HLS_msn: '3' });
    p.out.dispose();
    expect((await pending).status).toBe(404);
    expect((await p.out.request('t-s0.m4s')).status).toBe(404);
  });
});

describe('playlist delta updates (RFC 8216bis 6.2.5.1)', () => {
  it('_HLS_skip=YES replaces the segments ending more than CAN-SKIP-UNTIL before the end with EXT-X-SKIP (version 9); the rest is unchanged', async () => {
    const p = live(24_100); // 12 complete 2 s segments, 10 listed (4–24 s)
    const full = await playlistOf(p.out);
    for (const skip of ['YES', 'v2']) {
      const r = await p.out.request('index.m3u8', { _HLS_skip: skip });
      expect(r.headers['Cache-Control']).toBe('public, max-age=1');
      const delta = parsePlaylist(String(r.body));
      const boundary = Number(full.serverControl['CAN-SKIP-UNTIL']);
      expect(delta.version).toBe(9);
      expect(delta.mediaSequence).toBe(full.mediaSequence);
      expect(delta.skipped).toBe(4);
      // the skipped segments end at least CAN-SKIP-UNTIL before the last segment's end; the first kept one does not
      const ends = full.segments.map((_, i) => full.segments.slice(0, i + 1).reduce((n, s) => n + s.duration, 0));
      const total = ends.at(-1)!;
      for (let i = 0; i < delta.skipped; i++) expect(total - ends[i]!).toBeGreaterThanOrEqual(boundary);
      expect(total - ends[delta.skipped]!).toBeLessThan(boundary);
      expect(delta.segments.map((s) => s.uri)).toEqual(full.segments.slice(delta.skipped).map((s) => s.uri));
      expect(delta.segments[0]!.map).toBe('t-i0.mp4'); // EXT-X-MAP repeated before the first kept segment
      expect(delta.openParts).toEqual(full.openParts);
      expect(delta.preloadHint).toBe(full.preloadHint);
    }
  });

  it('a blocking reload with _HLS_skip answers with a delta update when its part lands', async () => {
    const p = live(24_100);
    const pending = p.out.request('index.m3u8', { _HLS_msn: '12', _HLS_part: '1', _HLS_skip: 'YES' });
    p.src.until(24_500);
    const r = parsePlaylist(String((await pending).body));
    expect(r.skipped).toBeGreaterThan(0);
    expect(r.openParts.map((x) => x.uri)).toContain('t-p12.1.m4s');
  });

  it('a short playlist has nothing to skip', async () => {
    const delta = parsePlaylist(String((await live(8100).out.request('index.m3u8', { _HLS_skip: 'YES' })).body));
    expect(delta.skipped).toBe(0);
    expect(delta.version).toBe(6);
    expect(delta.lines.some((l) => l.startsWith('#EXT-X-SKIP'))).toBe(false);
  });
});

describe('attribute lists', () => {
  it('parses quoted and unquoted values', () => {
    expect(attrs('DURATION=0.20000,URI="a,b.m4s",INDEPENDENT=YES')).toEqual({ DURATION: '0.20000', URI: 'a,b.m4s', INDEPENDENT: 'YES' });
  });
});
