/**
 * One fMP4 media fragment (a CMAF-style chunk: moof + mdat) holding a run of samples per track.
 * tfhd uses default-base-is-moof; tfdt carries the 64-bit base media decode time; trun (version 1)
 * carries every sample's duration, size, flags and signed composition offset. Written into a
 * single buffer: one allocation and one copy of the sample data per fragment.
 */

export interface FragmentSample {
  data: Buffer;
  /** In the track's timescale. */
  duration: number;
  /** Composition time offset (PTS − DTS) in the track's timescale; may be negative. */
  cts: number;
  /** Sync sample (IDR frame; every AAC frame). */
  key: boolean;
}

export interface TrackRun {
  trackId: number;
  /** tfdt: decode time of the first sample, in the track's timescale. */
  baseDecodeTime: number;
  samples: readonly FragmentSample[];
}

const FLAGS_SYNC = 0x02000000; // sample_depends_on = 2 (does not depend on others)
const FLAGS_NON_SYNC = 0x01010000; // sample_depends_on = 1, sample_is_non_sync_sample = 1
const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800; // data offset, duration, size, flags, cts
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

const MFHD_SIZE = 16;
const TFHD_SIZE = 16;
const TFDT_SIZE = 20;
const TRUN_HEAD = 20;
const SAMPLE_ENTRY = 16;

/** moof + mdat for `runs` (tracks with no samples are left out). `sequence` is the mfhd sequence number. */
export function mediaFragment(sequence: number, runs: readonly TrackRun[]): Buffer {
  const used = runs.filter((r) => r.samples.length > 0);
  let moofSize = 8 + MFHD_SIZE;
  let dataSize = 0;
  for (const r of used) {
    moofSize += 8 + TFHD_SIZE + TFDT_SIZE + TRUN_HEAD + SAMPLE_ENTRY * r.samples.length;
    for (const s of r.samples) dataSize += s.data.length;
  }
  const out = Buffer.allocUnsafe(moofSize + 8 + dataSize);
  let o = 0;
  const head = (size: number, type: string) => {
    out.writeUInt32BE(size, o);
    out.write(type, o + 4, 'latin1');
    o += 8;
  };
  const u32 = (v: number) => {
    out.writeUInt32BE(v >>> 0, o);
    o += 4;
  };
  head(moofSize, 'moof');
  head(MFHD_SIZE, 'mfhd');
  u32(0);
  u32(sequence);
  let dataOffset = moofSize + 8; // first byte of mdat's payload, relative to the moof
  for (const r of used) {
    head(8 + TFHD_SIZE + TFDT_SIZE + TRUN_HEAD + SAMPLE_ENTRY * r.samples.length, 'traf');
    head(TFHD_SIZE, 'tfhd');
    u32(TFHD_DEFAULT_BASE_IS_MOOF);
    u32(r.trackId);
    head(TFDT_SIZE, 'tfdt');
    u32(0x01000000); // version 1: 64-bit time
    out.writeBigUInt64BE(BigInt(Math.max(0, Math.round(r.baseDecodeTime))), o);
    o += 8;
    head(TRUN_HEAD + SAMPLE_ENTRY * r.samples.length, 'trun');
    u32(0x01000000 | TRUN_FLAGS); // version 1: signed composition offsets
    u32(r.samples.length);
    u32(dataOffset);
    for (const s of r.samples) {
      u32(s.duration);
      u32(s.data.length);
      u32(s.key ? FLAGS_SYNC : FLAGS_NON_SYNC);
      out.writeInt32BE(s.cts, o);
      o += 4;
      dataOffset += s.data.length;
    }
  }
  head(8 + dataSize, 'mdat');
  for (const r of used) {
    for (const s of r.samples) o += s.data.copy(out, o);
  }
  return out;
}
