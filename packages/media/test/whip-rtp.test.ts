/** WHIP media path units: H.264 depacketizer, jitter buffer, AVC tags. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { H264Depacketizer, type AccessUnit } from '../src/whip/h264-depacketizer.js';
import { JitterBuffer } from '../src/whip/jitter-buffer.js';
import { avcFrameTag, avcSequenceHeaderTag } from '../src/whip/avc.js';
import { classifyVideo, TagKind } from '../src/flv/tag.js';

const nal = (type: number, len = 10, nri = 3) => Buffer.concat([Buffer.from([(nri << 5) | type]), Buffer.alloc(len - 1, type)]);
const SPS = Buffer.from([0x67, 0x42, 0xe0, 0x1f, 0xda, 0x05]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);

function stapA(...nalus: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x78]), ...nalus.flatMap((n) => [Buffer.from([n.length >> 8, n.length & 0xff]), n])]);
}

function fuA(n: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  const body = n.subarray(1);
  for (let o = 0; o < body.length; o += size) {
    const start = o === 0 ? 0x80 : 0;
    const end = o + size >= body.length ? 0x40 : 0;
    out.push(Buffer.concat([Buffer.from([(n[0]! & 0xe0) | 28, start | end | (n[0]! & 0x1f)]), body.subarray(o, o + size)]));
  }
  return out;
}

function depack() {
  const aus: AccessUnit[] = [];
  const drops: string[] = [];
  const d = new H264Depacketizer(
    (au) => aus.push(au),
    (w) => drops.push(w),
  );
  return { d, aus, drops };
}

describe('H264Depacketizer', () => {
  it('single NAL unit packets make one access unit per timestamp, closed by the marker bit', () => {
    const { d, aus } = depack();
    d.push(nal(1), 3000, false);
    d.push(nal(1), 3000, true);
    d.push(nal(1), 6000, true);
    expect(aus.map((a) => [a.timestamp, a.nalus.length, a.idr])).toEqual([
      [3000, 2, false],
      [6000, 1, false],
    ]);
  });

  it('STAP-A (SPS + PPS) and an FU-A fragmented IDR become one keyframe access unit with the NAL header rebuilt', () => {
    const { d, aus, drops } = depack();
    const idr = nal(5, 3000);
    d.push(stapA(SPS, PPS), 9000, false);
    const frags = fuA(idr, 1000);
    frags.forEach((f, i) => d.push(f, 9000, i === frags.length - 1));
    expect(drops).toEqual([]);
    expect(aus).toHaveLength(1);
    expect(aus[0]!.idr).toBe(true);
    expect(aus[0]!.nalus.map((n) => n[0]! & 0x1f)).toEqual([7, 8, 5]);
    expect(aus[0]!.nalus[2]!.equals(idr)).toBe(true);
  });

  it('a timestamp change without a marker bit closes the previous access unit', () => {
    const { d, aus } = depack();
    d.push(nal(1), 1, false);
    d.push(nal(1), 2, true);
    expect(aus.map((a) => a.timestamp)).toEqual([1, 2]);
  });

  it('a loss inside an FU-A drops that access unit only; the next one is whole and decodes', () => {
    const { d, aus, drops } = depack();
    const frags = fuA(nal(5, 3000), 1000);
    d.push(frags[0]!, 100, false);
    d.lost(); // frags[1] never came
    d.push(frags[2]!, 100, true);
    expect(aus).toEqual([]);
    expect(drops).toEqual(['packet loss']);
    d.push(nal(1), 200, true);
    expect(aus.map((a) => a.timestamp)).toEqual([200]);
  });

  it('a loss between access units drops the one the next packet starts (its first packets may be gone)', () => {
    const { d, aus, drops } = depack();
    d.push(nal(1), 100, true);
    d.lost();
    d.push(nal(1), 200, true);
    d.push(nal(1), 300, true);
    expect(aus.map((a) => a.timestamp)).toEqual([100, 300]);
    expect(drops).toEqual(['packet loss']);
  });

  it('an FU-A without its start, a STAP-A with a bad size and interleaved-mode packets are dropped with a reason', () => {
    const { d, aus, drops } = depack();
    d.push(fuA(nal(1, 3000), 1000)[1]!, 1, true);
    d.push(Buffer.from([0x78, 0x00, 0x40, 0x67]), 2, true);
    d.push(Buffer.from([0x79, 0, 0, 0, 1, 0x65]), 3, true); // STAP-B
    d.push(Buffer.from([0x81]), 4, true); // forbidden bit
    expect(aus).toEqual([]);
    expect(drops).toEqual([
      'FU-A without its start',
      'STAP-A size out of bounds',
      'NAL type 25 (interleaved mode) is not supported',
      'forbidden_zero_bit set',
    ]);
    expect(d.dropped).toBe(4);
  });

  it('an access unit larger than the limit is dropped instead of growing without bound', () => {
    const drops: string[] = [];
    const d = new H264Depacketizer(
      () => {
        throw new Error('no AU expected');
      },
      (w) => drops.push(w),
      { maxAuBytes: 5000 },
    );
    for (const f of fuA(nal(5, 20_000), 1000)) d.push(f, 1, false);
    d.push(nal(1), 1, true);
    expect(drops).toEqual(['FU-A too large']);
  });
});

describe('JitterBuffer', () => {
  afterEach(() => vi.useRealTimers());

  function jb(maxWaitMs = 100, maxPackets = 100) {
    const out: number[] = [];
    const losses: number[] = [];
    const b = new JitterBuffer<number>({ maxWaitMs, maxPackets, onPacket: (p) => out.push(p), onLoss: (n) => losses.push(n) });
    return { b, out, losses };
  }

  it('reordered packets come out in sequence order without a loss', () => {
    vi.useFakeTimers();
    const { b, out, losses } = jb();
    for (const s of [10, 12, 11, 14, 13]) b.push(s, s);
    expect(out).toEqual([10, 11, 12, 13, 14]);
    expect(losses).toEqual([]);
  });

  it('a gap is waited for (a NACKed retransmission can fill it), then given up after maxWaitMs and reported', () => {
    vi.useFakeTimers();
    const { b, out, losses } = jb(100);
    b.push(1, 1);
    b.push(3, 3);
    vi.advanceTimersByTime(50);
    expect(out).toEqual([1]);
    b.push(2, 2); // the retransmission
    expect(out).toEqual([1, 2, 3]);
    b.push(5, 5);
    b.push(6, 6);
    vi.advanceTimersByTime(99);
    expect(out).toEqual([1, 2, 3]);
    vi.advanceTimersByTime(1);
    expect(out).toEqual([1, 2, 3, 5, 6]);
    expect(losses).toEqual([1]);
    b.push(4, 4); // too late now
    expect(b.late).toBe(1);
    expect(out).toEqual([1, 2, 3, 5, 6]);
  });

  it('sequence numbers wrap from 65535 to 0', () => {
    const { b, out, losses } = jb();
    for (const s of [65534, 0, 65535, 1]) b.push(s, s);
    expect(out).toEqual([65534, 65535, 0, 1]);
    expect(losses).toEqual([]);
  });

  it('more than maxPackets held gives the gap up at once; duplicates are dropped', () => {
    const { b, out, losses } = jb(10_000, 3);
    b.push(1, 1);
    b.push(1, 1);
    for (const s of [3, 4, 5, 6]) b.push(s, s);
    expect(out).toEqual([1, 3, 4, 5, 6]);
    expect(losses).toEqual([1]);
    expect(b.late).toBe(1);
  });

  it('a jump of thousands (sender restart) starts over instead of waiting', () => {
    const { b, out } = jb();
    b.push(100, 100);
    b.push(30_000, 30_000);
    b.push(30_001, 30_001);
    expect(out).toEqual([100, 30_000, 30_001]);
    b.close();
    b.push(30_002, 1);
    expect(out).toHaveLength(3);
  });
});

describe('RTP path under garbage', () => {
  it('20 000 random packets (random sequence numbers, types, sizes) never throw and keep the buffers bounded', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let aus = 0;
    const d = new H264Depacketizer(
      () => aus++,
      () => {},
      { maxAuBytes: 64 << 10 },
    );
    const b = new JitterBuffer<{ p: Buffer; ts: number; m: boolean }>({
      maxWaitMs: 60_000,
      maxPackets: 64,
      onPacket: (x) => d.push(x.p, x.ts, x.m),
      onLoss: () => d.lost(),
    });
    let seq = 1000;
    for (let i = 0; i < 20_000; i++) {
      const len = Math.floor(rnd() * 1400);
      const p = Buffer.alloc(len);
      for (let j = 0; j < len; j++) p[j] = Math.floor(rnd() * 256);
      if (len > 0 && rnd() < 0.5) p[0] = (p[0]! & 0x60) | [1, 5, 7, 8, 24, 28, 28, 28][Math.floor(rnd() * 8)]!;
      seq = rnd() < 0.9 ? seq + 1 : Math.floor(rnd() * 65536);
      b.push(seq & 0xffff, { p, ts: Math.floor(i / 5), m: rnd() < 0.2 });
      expect(b.size).toBeLessThanOrEqual(65);
    }
    b.close();
    expect(aus).toBeGreaterThan(0);
    expect(d.dropped).toBeGreaterThan(0);
  });
});

describe('AVC FLV tags', () => {
  it('the sequence header carries profile/level from the SPS and one SPS and PPS; frames are AVCC without AUD', () => {
    const h = avcSequenceHeaderTag(SPS, PPS, 40);
    const data = h.subarray(11, h.length - 4);
    expect(classifyVideo(data)).toBe(TagKind.VideoHeader);
    expect([...data.subarray(0, 11)]).toEqual([0x17, 0, 0, 0, 0, 1, 0x42, 0xe0, 0x1f, 0xff, 0xe1]);
    expect(h.readUIntBE(4, 3)).toBe(40);
    const f = avcFrameTag([nal(9, 2), nal(5, 6)], true, 80);
    const fd = f.subarray(11, f.length - 4);
    expect(classifyVideo(fd)).toBe(TagKind.VideoKey);
    expect(fd.readUInt32BE(5)).toBe(6);
    expect(fd.length).toBe(5 + 4 + 6);
    expect(f.readUInt32BE(f.length - 4)).toBe(f.length - 4);
    expect(classifyVideo(avcFrameTag([nal(1)], false, 0).subarray(11))).toBe(TagKind.Video);
  });
});
