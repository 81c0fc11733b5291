/** The pure parts of issue 15: the one timeline of a live's segments, markers from presents, attribution along the share chain. */
import { describe, expect, it } from 'vitest';
import { clockRange, markersFrom, mediaTime, timelineOf, totalSec } from '../src/modules/replays/highlights/timeline.js';
import { ShareGraph } from '../src/modules/orders/attribution.js';
import { concatList } from '@zhibo/media';

const T0 = 1_800_000_000_000;
// two sessions: 10 s from T0, then (after a 5 s drop) 20 s from T0 + 15 s
const tl = timelineOf([
  { session_id: 'b', clock_started_at: T0 + 15_000, started_at: 0, duration_sec: 20 },
  { session_id: 'a', clock_started_at: T0, started_at: 0, duration_sec: 10 },
]);

describe('the one timeline of a live', () => {
  it('timelineOf: segments in clock order, each after the one before', () => {
    expect(tl.map((s) => [s.sessionId, s.offsetSec])).toEqual([
      ['a', 0],
      ['b', 10],
    ]);
    expect(totalSec(tl)).toBe(30);
  });

  it('mediaTime: inside a segment its place, in a drop the next segment’s start, after the end null', () => {
    expect(mediaTime(tl, T0 - 5000)).toBe(0);
    expect(mediaTime(tl, T0 + 3500)).toBe(3.5);
    expect(mediaTime(tl, T0 + 12_000)).toBe(10);
    expect(mediaTime(tl, T0 + 17_000)).toBe(12);
    expect(mediaTime(tl, T0 + 40_000)).toBeNull();
  });

  it('clockRange: replay seconds back to server time, open at both ends of the replay', () => {
    expect(clockRange(tl, 0, 5)).toEqual({ from: 0, to: T0 + 5000 });
    expect(clockRange(tl, 12, 30)).toEqual({ from: T0 + 17_000, to: Number.MAX_SAFE_INTEGER });
  });

  it('markersFrom: a present runs to the next one, a stop or the end; repeats continue it; a mis-tap under a second is dropped', () => {
    const m = markersFrom(
      [
        { at: T0 + 2000, goodsId: 1 },
        { at: T0 + 4000, goodsId: 1 },
        { at: T0 + 6000, goodsId: 2 },
        { at: T0 + 6500, goodsId: 3 },
        { at: T0 + 9000, goodsId: null },
        { at: T0 + 16_000, goodsId: 1 },
      ],
      tl,
    );
    expect(m).toEqual([
      { goodsId: 1, start: 2, end: 6 },
      { goodsId: 3, start: 6.5, end: 9 },
      { goodsId: 1, start: 11, end: 30 },
    ]);
    expect(markersFrom([{ at: T0 + 50_000, goodsId: 1 }], tl)).toEqual([]);
  });
});

describe('attribution along the share chain', () => {
  const g = new ShareGraph([
    { sharer: 'A', viewer: 'B', at: 1 },
    { sharer: 'B', viewer: 'C', at: 2 },
    { sharer: 'A', viewer: 'D', at: 3 },
    { sharer: 'C', viewer: 'D', at: 4 },
    { sharer: 'D', viewer: 'A', at: 5 },
    { sharer: 'E', viewer: 'E', at: 6 },
  ]);

  it('touches: last = the share the goods page got, first = who first brought the buyer, the chain up to the first sharer', () => {
    expect(g.touches('D', 'C', 10)).toEqual({ first: 'A', last: 'C', chain: ['A', 'B', 'C'] });
    expect(g.touches('D', '', 3)).toEqual({ first: 'A', last: 'A', chain: ['A'] }); // D brought A too: the chain never loops back to the buyer
    expect(g.touches('Z', '', 10)).toEqual({ first: null, last: null, chain: [] });
    expect(g.touches('', 'B', 10)).toEqual({ first: 'B', last: 'B', chain: ['A', 'B'] });
    expect(g.brought.get('A')).toBe(2);
    expect(g.brought.has('E')).toBe(false); // sharing to oneself brings nobody
  });
});

describe('concatList', () => {
  it('quotes every path for the concat demuxer, a quote in a path included', () => {
    expect(concatList(['/d/a.mp4', "/d/it's.mp4"])).toBe("file '/d/a.mp4'\nfile '/d/it'\\''s.mp4'\n");
  });
});
