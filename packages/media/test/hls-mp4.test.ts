import { describe, expect, it } from 'vitest';
import { HlsInputError, parseAacConfig, parseAvcConfig } from '../src/hls/codec.js';
import { initSegment } from '../src/hls/mp4-init.js';
import { mediaFragment } from '../src/hls/mp4-fragment.js';
import { FlvTagReader } from '../src/hls/flv-reader.js';
import { buildTag, flvHeader } from '../src/flv/tag.js';
import { ASC_44100_MONO, ASC_48000_STEREO, AVCC_1080_MAIN, AVCC_320x180_BASELINE, AVCC_320x180_HIGH } from './hls-fixtures.js';

interface Box {
  type: string;
  start: number;
  size: number;
  body: Buffer;
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'mvex', 'moof', 'traf', 'dinf']);

/** Every box of an ISO BMFF buffer, depth first (containers and the sample entries we write). */
function boxes(b: Buffer, base = 0): Box[] {
  const out: Box[] = [];
  for (let o = 0; o + 8 <= b.length;) {
    const size = b.readUInt32BE(o);
    const type = b.toString('latin1', o + 4, o + 8);
    if (size < 8 || o + size > b.length) throw new Error(`bad box ${type} of ${size} at ${base + o}`);
    const body = b.subarray(o + 8, o + size);
    out.push({ type, start: base + o, size, body });
    if (CONTAINERS.has(type)) out.push(...boxes(body, base + o + 8));
    if (type === 'stsd') out.push(...boxes(body.subarray(8), base + o + 16));
    if (type === 'avc1') out.push(...boxes(body.subarray(78), base + o + 86));
    if (type === 'mp4a') out.push(...boxes(body.subarray(28), base + o + 36));
    o += size;
  }
  return out;
}
const find = (bs: Box[], type: string) => bs.filter((x) => x.type === type);

describe('codec configuration from FLV sequence headers', () => {
  it('parseAvcConfig reads the RFC 6381 codec and the cropped picture size from x264 records', () => {
    expect(parseAvcConfig(AVCC_320x180_HIGH)).toMatchObject({ codec: 'avc1.64000c', width: 320, height: 180 });
    expect(parseAvcConfig(AVCC_1080_MAIN)).toMatchObject({ codec: 'avc1.4d4028', width: 1920, height: 1080 });
    expect(parseAvcConfig(AVCC_320x180_BASELINE)).toMatchObject({ codec: 'avc1.42c00c', width: 320, height: 180 });
  });

  it('parseAacConfig reads object type, sample rate and channels', () => {
    expect(parseAacConfig(ASC_44100_MONO)).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 44100, channels: 1 });
    expect(parseAacConfig(ASC_48000_STEREO)).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 48000, channels: 2 });
  });

  it('bad sequence headers throw HlsInputError with a reason', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => parseAvcConfig(Buffer.alloc(0)), /not an AVCDecoderConfigurationRecord/],
      [() => parseAvcConfig(Buffer.from('02640028ffe1', 'hex')), /not an AVCDecoderConfigurationRecord/],
      [() => parseAvcConfig(Buffer.from('0164000cffe0000000', 'hex')), /no SPS/],
      [() => parseAvcConfig(Buffer.from('0164000cffe100406764', 'hex')), /SPS is truncated/],
      [() => parseAvcConfig(AVCC_320x180_HIGH.subarray(0, 14)), /truncated/],
      [() => parseAacConfig(Buffer.from('12', 'hex')), /AudioSpecificConfig of 1 bytes/],
      [() => parseAacConfig(Buffer.from('0010', 'hex')), /object type 0/],
      [() => parseAacConfig(Buffer.from('1690', 'hex')), /sampling frequency index 13/],
    ];
    for (const [f, msg] of cases) {
      expect(f).toThrow(HlsInputError);
      expect(f).toThrow(msg);
    }
  });
});

describe('fMP4 boxes', () => {
  it('initSegment: ftyp, moov with an avc1/avcC and an mp4a/esds trak (timescales 90000 and the sample rate), mvex/trex per track', () => {
    const avc = parseAvcConfig(AVCC_320x180_HIGH);
    const aac = parseAacConfig(ASC_44100_MONO);
    const init = initSegment([
      { kind: 'video', id: 1, timescale: 90000, avc },
      { kind: 'audio', id: 2, timescale: 44100, aac },
    ]);
    const bs = boxes(init);
    expect(bs[0]!.type).toBe('ftyp');
    expect(bs[0]!.body.toString('latin1', 0, 4)).toBe('iso5');
    expect(bs.reduce((n, b) => (b.start === n ? n + b.size : n), 0)).toBe(init.length); // top level boxes cover the file
    expect(find(bs, 'trak')).toHaveLength(2);
    const tkhd = find(bs, 'tkhd')[0]!.body;
    expect([tkhd.readUInt32BE(76) / 65536, tkhd.readUInt32BE(80) / 65536]).toEqual([320, 180]);
    expect(find(bs, 'mdhd').map((m) => m.body.readUInt32BE(12))).toEqual([90000, 44100]);
    expect(find(bs, 'avcC')[0]!.body.equals(AVCC_320x180_HIGH)).toBe(true);
    expect(find(bs, 'esds')[0]!.body.includes(ASC_44100_MONO)).toBe(true);
    expect(find(bs, 'trex').map((t) => t.body.readUInt32BE(4))).toEqual([1, 2]);
    expect(find(bs, 'hdlr').map((h) => h.body.toString('latin1', 8, 12))).toEqual(['vide', 'soun']);
  });

  it("mediaFragment: mfhd sequence, tfdt, trun entries and data offsets that point at each track's bytes in mdat", () => {
    const v = [Buffer.alloc(10, 1), Buffer.alloc(7, 2)];
    const a = [Buffer.alloc(3, 3), Buffer.alloc(4, 4), Buffer.alloc(5, 5)];
    const frag = mediaFragment(42, [
      {
        trackId: 1,
        baseDecodeTime: 2 ** 33 + 5,
        samples: [
          { data: v[0]!, duration: 3600, cts: -3600, key: true },
          { data: v[1]!, duration: 3600, cts: 7200, key: false },
        ],
      },
      { trackId: 2, baseDecodeTime: 88200, samples: a.map((data) => ({ data, duration: 1024, cts: 0, key: true })) },
      { trackId: 3, baseDecodeTime: 0, samples: [] },
    ]);
    const bs = boxes(frag);
    expect(bs.filter((b) => b.start === 0 || b.type === 'mdat').map((b) => b.type)).toEqual(['moof', 'mdat']);
    expect(find(bs, 'mfhd')[0]!.body.readUInt32BE(4)).toBe(42);
    expect(find(bs, 'traf')).toHaveLength(2);
    expect(find(bs, 'tfhd').map((t) => [t.body.readUInt32BE(0), t.body.readUInt32BE(4)])).toEqual([
      [0x020000, 1],
      [0x020000, 2],
    ]);
    expect(find(bs, 'tfdt').map((t) => t.body.readBigUInt64BE(4))).toEqual([2n ** 33n + 5n, 88200n]);
    const [tv, ta] = find(bs, 'trun').map((t) => t.body);
    expect(tv!.readUInt32BE(4)).toBe(2);
    expect([tv!.readUInt32BE(12), tv!.readUInt32BE(16), tv!.readUInt32BE(20).toString(16), tv!.readInt32BE(24)]).toEqual([
      3600,
      10,
      '2000000',
      -3600,
    ]);
    expect([tv!.readUInt32BE(36).toString(16), tv!.readInt32BE(40)]).toEqual(['1010000', 7200]);
    const moof = bs[0]!;
    expect(frag.subarray(moof.start + tv!.readUInt32BE(8), moof.start + tv!.readUInt32BE(8) + 17)).toEqual(Buffer.concat(v));
    expect(frag.subarray(moof.start + ta!.readUInt32BE(8), moof.start + ta!.readUInt32BE(8) + 12)).toEqual(Buffer.concat(a));
    expect(find(bs, 'mdat')[0]!.body).toEqual(Buffer.concat([...v, ...a]));
  });
});

describe('FlvTagReader', () => {
  it('splits an FLV byte stream into tags at any chunk boundary and refuses what is not FLV', () => {
    const tags = [
      buildTag(9, 40, Buffer.from([0x17, 1, 0, 0, 0, 9])),
      buildTag(8, 2 ** 24 + 3, Buffer.from([0xaf, 1, 7])),
      buildTag(18, 0, Buffer.alloc(300, 2)),
    ];
    const stream = Buffer.concat([flvHeader(), ...tags]);
    for (const step of [1, 7, 13, 1000]) {
      const got: [number, number, number][] = [];
      const r = new FlvTagReader((type, ts, p) => got.push([type, ts, p.length]));
      for (let i = 0; i < stream.length; i += step) r.push(stream.subarray(i, i + step));
      expect(got, `chunks of ${step}`).toEqual([
        [9, 40, 6],
        [8, 2 ** 24 + 3, 3],
        [18, 0, 300],
      ]);
    }
    expect(() => new FlvTagReader(() => {}).push(Buffer.alloc(20))).toThrow(HlsInputError);
  });
});
