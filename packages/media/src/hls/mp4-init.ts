/**
 * The fMP4 initialization segment (ISO/IEC 14496-12): ftyp + moov with one trak per track
 * (avc1/avcC for H.264, mp4a/esds for AAC), empty sample tables and mvex/trex, so every sample
 * lives in the media fragments (mp4-fragment.ts).
 */
import type { AacConfig, AvcConfig } from './codec.js';

export const VIDEO_TRACK_ID = 1;
export const AUDIO_TRACK_ID = 2;
export const VIDEO_TIMESCALE = 90_000;

export type TrackConfig =
  { kind: 'video'; id: number; timescale: number; avc: AvcConfig } | { kind: 'audio'; id: number; timescale: number; aac: AacConfig };

export function box(type: string, ...payload: Buffer[]): Buffer {
  const size = payload.reduce((n, b) => n + b.length, 8);
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...payload], size);
}

export function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  return box(type, u32((version << 24) | flags), ...payload);
}

export function u8(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}
export function u16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}
export function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
const zeros = (n: number) => Buffer.alloc(n);

const MATRIX = Buffer.concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

function mvhd(nextTrackId: number): Buffer {
  return fullBox(
    'mvhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(1000),
    u32(0),
    u32(0x00010000),
    u16(0x0100),
    zeros(10),
    MATRIX,
    zeros(24),
    u32(nextTrackId),
  );
}

function tkhd(t: TrackConfig): Buffer {
  const [w, h] = t.kind === 'video' ? [t.avc.width, t.avc.height] : [0, 0];
  return fullBox(
    'tkhd',
    0,
    3,
    u32(0),
    u32(0),
    u32(t.id),
    u32(0),
    u32(0),
    zeros(8),
    u16(0),
    u16(0),
    u16(t.kind === 'audio' ? 0x0100 : 0),
    u16(0),
    MATRIX,
    u32(w * 65536),
    u32(h * 65536),
  );
}

function mdia(t: TrackConfig): Buffer {
  const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(t.timescale), u32(0), u16(0x55c4 /* und */), u16(0));
  const [handler, name] = t.kind === 'video' ? ['vide', 'VideoHandler'] : ['soun', 'SoundHandler'];
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from(handler, 'latin1'), zeros(12), Buffer.from(`${name}\0`, 'latin1'));
  const header = t.kind === 'video' ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(t)),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  return box('mdia', mdhd, hdlr, box('minf', header, dinf, stbl));
}

function sampleEntry(t: TrackConfig): Buffer {
  const base = Buffer.concat([zeros(6), u16(1)]); // reserved, data_reference_index
  if (t.kind === 'video') {
    const compressor = zeros(32);
    return box(
      'avc1',
      base,
      zeros(16),
      u16(t.avc.width),
      u16(t.avc.height),
      u32(0x00480000),
      u32(0x00480000),
      u32(0),
      u16(1),
      compressor,
      u16(0x0018),
      u16(0xffff),
      box('avcC', t.avc.record),
    );
  }
  const rate = t.aac.sampleRate < 65536 ? t.aac.sampleRate : 0;
  return box('mp4a', base, zeros(8), u16(t.aac.channels || 2), u16(16), u16(0), u16(0), u32(rate * 65536), esds(t.id, t.aac.asc));
}

/** esds: ES_Descriptor { DecoderConfigDescriptor { AAC LC/HE, DecoderSpecificInfo = ASC }, SLConfigDescriptor }. */
function esds(trackId: number, asc: Buffer): Buffer {
  const desc = (tag: number, ...body: Buffer[]) => {
    const b = Buffer.concat(body);
    return Buffer.concat([u8(tag), u8(b.length), b]); // every length here is < 128
  };
  const dsi = desc(0x05, asc);
  const dcd = desc(0x04, u8(0x40 /* MPEG-4 audio */), u8(0x15 /* audio stream */), zeros(3), u32(0), u32(0), dsi);
  const es = desc(0x03, u16(trackId), u8(0), dcd, desc(0x06, u8(0x02)));
  return fullBox('esds', 0, 0, es);
}

/** ftyp + moov for the given tracks (video first). */
export function initSegment(tracks: readonly TrackConfig[]): Buffer {
  const ftyp = box('ftyp', Buffer.from('iso5', 'latin1'), u32(512), Buffer.from('iso5iso6mp41', 'latin1'));
  const traks = tracks.map((t) => box('trak', tkhd(t), mdia(t)));
  const trex = tracks.map((t) => fullBox('trex', 0, 0, u32(t.id), u32(1), u32(0), u32(0), u32(0)));
  const next = Math.max(0, ...tracks.map((t) => t.id)) + 1;
  return Buffer.concat([ftyp, box('moov', mvhd(next), ...traks, box('mvex', ...trex))]);
}

/** RFC 6381 CODECS value for the tracks, e.g. "avc1.42c01f,mp4a.40.2". */
export function codecsOf(tracks: readonly TrackConfig[]): string {
  return tracks.map((t) => (t.kind === 'video' ? t.avc.codec : t.aac.codec)).join(',');
}
