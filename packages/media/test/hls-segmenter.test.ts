import { describe, expect, it } from 'vitest';
import { AVCC_1080_MAIN, packager, playlistOf, source, type ParsedPart, type ParsedPlaylist } from './hls-fixtures.js';

/** Every part of the playlist with whether the 85 % floor applies to it (RFC 8216bis 4.4.4.9). */
function partsWithFloor(pl: ParsedPlaylist): { part: ParsedPart; floor: boolean }[] {
  const out: { part: ParsedPart; floor: boolean }[] = [];
  for (const s of pl.segments) s.parts.forEach((p, i) => out.push({ part: p, floor: !p.independent && i < s.parts.length - 1 }));
  for (const p of pl.openParts.slice(0, -1)) out.push({ part: p, floor: !p.independent });
  return out;
}

function expectPartRules(pl: ParsedPlaylist): void {
  const parts = partsWithFloor(pl);
  expect(parts.length).toBeGreaterThan(0);
  for (const { part, floor } of parts) {
    expect(part.duration, part.uri).toBeLessThanOrEqual(pl.partTarget);
    if (floor) expect(part.duration, part.uri).toBeGreaterThanOrEqual(0.85 * pl.partTarget);
  }
  for (const s of pl.segments) {
    expect(Math.round(s.duration), s.uri).toBeLessThanOrEqual(pl.targetDuration);
    if (s.parts.length) expect(s.parts.reduce((n, p) => n + p.duration, 0)).toBeCloseTo(s.duration, 4);
  }
}

describe('Segmenter: segments on keyframes, parts of whole frames', () => {
  it('25 fps with a 2 s GOP: 2 s segments of ten 200 ms parts, PART-TARGET 0.210, TARGETDURATION 2, independent first parts', async () => {
    const p = packager();
    source(p, { fps: 25, gopSec: 2 }).until(9000);
    const pl = await playlistOf(p.out);
    expect(pl.targetDuration).toBe(2);
    expect(pl.partTarget).toBe(0.21);
    expect(pl.segments.map((s) => s.duration)).toEqual([2, 2, 2, 2]);
    // EXT-X-PART is listed for segments ending within 3 target durations of the end: the last three and the open one
    expect(pl.segments.map((s) => s.parts.length)).toEqual([0, 10, 10, 10]);
    expect(pl.openParts.map((x) => x.duration)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]); // 8.0–9.0 s: the frame at 9.0 s closed the fifth
    for (const s of pl.segments.slice(1)) {
      expect(s.parts.map((x) => x.duration)).toEqual(Array(10).fill(0.2));
      expect(s.parts.map((x) => x.independent)).toEqual([true, ...Array(9).fill(false)]);
    }
    expect(p.inits).toEqual(['avc1.64000c,mp4a.40.2']);
    expectPartRules(pl);
  });

  it.each([[30], [60], [24], [15]])(
    '%i fps (whole-ms timestamps): every part ≤ PART-TARGET and ≥ 85 % of it, segments sum their parts',
    async (fps) => {
      const p = packager();
      source(p, { fps, gopSec: 2 }).until(11_000);
      const pl = await playlistOf(p.out);
      expect(pl.partTarget).toBeGreaterThanOrEqual(0.18);
      expect(pl.partTarget).toBeLessThanOrEqual(0.34);
      expectPartRules(pl);
    },
  );

  it('2 fps (a slide show): one-frame parts of 0.5 s under a matching PART-TARGET', async () => {
    const p = packager();
    source(p, { fps: 2, gopSec: 2 }).until(9000);
    const pl = await playlistOf(p.out);
    expect(pl.partTarget).toBe(0.525);
    expect(pl.segments.at(-1)!.parts.map((x) => x.duration)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expectPartRules(pl);
  });

  it('a frame arriving late (a 600 ms stall at 25 fps) does not change the part rhythm afterwards', async () => {
    const p = packager();
    const src = source(p);
    src.until(3000);
    source(p, { startMs: 3600 }).until(9000); // same configuration, timestamps 600 ms later
    const pl = await playlistOf(p.out);
    expect(pl.partTarget).toBe(0.21);
    expect(pl.segments.at(-1)!.parts.map((x) => x.duration)).toEqual(Array(10).fill(0.2));
  });

  it('a 1 s GOP gives 1 s segments (TARGETDURATION stays 2, the minimum)', async () => {
    const p = packager();
    source(p, { gopSec: 1 }).until(6000);
    const pl = await playlistOf(p.out);
    expect(pl.targetDuration).toBe(2);
    expect(new Set(pl.segments.map((s) => s.duration))).toEqual(new Set([1]));
  });

  it('a 4 s GOP sets TARGETDURATION 4 from the first segment', async () => {
    const p = packager();
    source(p, { gopSec: 4 }).until(13_000);
    const pl = await playlistOf(p.out);
    expect(pl.targetDuration).toBe(4);
    expect(pl.segments.map((s) => s.duration)).toEqual([4, 4, 4]);
  });

  it('a 10 s GOP is cut between keyframes so no segment rounds above TARGETDURATION (6); only keyframe parts are independent', async () => {
    const p = packager();
    source(p, { gopSec: 10 }).until(31_000);
    const pl = await playlistOf(p.out);
    expect(pl.targetDuration).toBe(6);
    expectPartRules(pl);
    // parts start at keyframes (every 10 s) exactly when they are INDEPENDENT=YES
    let t = 0;
    let checked = 0;
    for (const s of pl.segments) {
      let pt = t;
      for (const x of s.parts) {
        expect(x.independent, `part at ${pt.toFixed(2)} s`).toBe(Math.abs(pt / 10 - Math.round(pt / 10)) < 1e-6);
        pt += x.duration;
        checked++;
      }
      t += s.duration;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('audio only: AAC frames drive 2 s segments, every part independent', async () => {
    const p = packager();
    source(p, { video: false }).until(7000);
    const pl = await playlistOf(p.out);
    expect(p.inits).toEqual(['mp4a.40.2']);
    expect(pl.targetDuration).toBe(2);
    expect(pl.segments.length).toBe(3);
    expect(pl.segments.every((s) => s.parts.every((x) => x.independent))).toBe(true);
    expectPartRules(pl);
  });

  it('video only works (init has one track)', async () => {
    const p = packager();
    source(p, { audio: false }).until(5000);
    expect(p.inits).toEqual(['avc1.64000c']);
    expect((await playlistOf(p.out)).segments.length).toBe(2);
  });

  it('a new sequence header ends the segment; the next starts at a keyframe with EXT-X-DISCONTINUITY and a new EXT-X-MAP', async () => {
    const p = packager();
    const src = source(p);
    src.until(3000);
    p.seg.setVideoConfig(AVCC_1080_MAIN);
    src.until(9000);
    const pl = await playlistOf(p.out);
    expect(p.inits).toEqual(['avc1.64000c,mp4a.40.2', 'avc1.4d4028,mp4a.40.2']);
    const i = pl.segments.findIndex((s) => s.discontinuity);
    expect(i).toBe(2); // segment 0 (0–2 s), segment 1 (2–3 s, cut by the change), then the new configuration
    expect(pl.segments[1]!.duration).toBeCloseTo(1.04, 2); // up to the change (the last frame's duration is estimated)
    expect(pl.segments[i]!.map).not.toBe(pl.segments[0]!.map);
    expect(pl.segments[i]!.parts[0]!.independent).toBe(true);
    expect(pl.lines.filter((l) => l.startsWith('#EXT-X-MAP'))).toHaveLength(2);
  });

  it('the same sequence header sent again changes nothing', async () => {
    const p = packager();
    const src = source(p);
    src.until(3000);
    source(p, { startMs: 3001 }); // re-sends the same configuration
    src.until(7000);
    expect(p.inits).toHaveLength(1);
    expect((await playlistOf(p.out)).segments.some((s) => s.discontinuity)).toBe(false);
  });

  it('timestamps jumping back start a new segment with EXT-X-DISCONTINUITY (same init section)', async () => {
    const p = packager();
    source(p).until(4500);
    source(p, { startMs: 100 }).until(5000);
    const pl = await playlistOf(p.out);
    expect(p.inits).toHaveLength(1);
    expect(pl.segments.filter((s) => s.discontinuity)).toHaveLength(1);
    expectPartRules(pl);
  });

  it('video stalling while audio goes on: audio still comes out in parts (nothing piles up)', async () => {
    const p = packager();
    const src = source(p);
    src.until(2500);
    for (let t = 2520; t < 5500; t += 23) p.seg.pushAudio(t, Buffer.alloc(100));
    const pl = await playlistOf(p.out);
    const listed = pl.segments.reduce((n, s) => n + s.duration, 0) + pl.openParts.reduce((n, x) => n + x.duration, 0);
    expect(listed).toBeGreaterThan(4.4); // only the last second of audio may still wait
    expect(Math.max(...pl.segments.map((s) => Math.round(s.duration)))).toBeLessThanOrEqual(pl.targetDuration);
  });

  it('end() closes the last part and segment', async () => {
    const p = packager();
    source(p).until(3100);
    p.seg.end();
    p.out.end();
    const pl = await playlistOf(p.out);
    expect(pl.endlist).toBe(true);
    expect(pl.openParts).toEqual([]);
    expect(pl.segments.at(-1)!.duration).toBeCloseTo(1.12, 2); // 2.00–3.08 s plus the last frame's estimated 40 ms
  });
});
