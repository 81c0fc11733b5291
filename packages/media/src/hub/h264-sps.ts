/**
 * The picture size and profile of an H.264 stream, from the SPS in its AVCDecoderConfigurationRecord (the FLV video
 * sequence header): what the encoder really sends, whatever its metadata says. Returns undefined for anything it can
 * not read (never throws).
 */
export interface AvcInfo {
  profile: string;
  level: string;
  width: number;
  height: number;
}

const PROFILES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4',
};

class Bits {
  private bit = 0;
  constructor(private readonly b: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.b[this.bit >> 3];
      if (byte === undefined) throw new RangeError('SPS ends early');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError('bad exp-Golomb code');
    return zeros ? 2 ** zeros - 1 + this.u(zeros) : 0;
  }
  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** The RBSP of a NAL unit: emulation-prevention bytes (00 00 03) removed. */
function rbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < nal.length; i++) {
    if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
    out.push(nal[i]!);
  }
  return Uint8Array.from(out);
}

function skipScalingList(r: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

export function parseSps(nal: Uint8Array): AvcInfo | undefined {
  try {
    const r = new Bits(rbsp(nal.subarray(1)));
    const profileIdc = r.u(8);
    r.u(8); // constraint flags
    const levelIdc = r.u(8);
    r.ue(); // seq_parameter_set_id
    let chroma = 1;
    if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profileIdc)) {
      chroma = r.ue();
      if (chroma === 3) r.u(1);
      r.ue();
      r.ue();
      r.u(1);
      if (r.u(1)) for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) if (r.u(1)) skipScalingList(r, i < 6 ? 16 : 64);
    }
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.u(1);
      r.se();
      r.se();
      const n = r.ue();
      for (let i = 0; i < n; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.u(1);
    const wMbs = r.ue() + 1;
    const hMapUnits = r.ue() + 1;
    const frameMbsOnly = r.u(1);
    if (!frameMbsOnly) r.u(1);
    r.u(1);
    let [cl, cr, ct, cb] = [0, 0, 0, 0];
    if (r.u(1)) [cl, cr, ct, cb] = [r.ue(), r.ue(), r.ue(), r.ue()];
    const cropX = chroma === 0 ? 1 : chroma === 3 ? 1 : 2;
    const cropY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
    const width = wMbs * 16 - (cl + cr) * cropX;
    const height = (2 - frameMbsOnly) * hMapUnits * 16 - (ct + cb) * cropY;
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) return undefined;
    return { profile: PROFILES[profileIdc] ?? `profile ${profileIdc}`, level: (levelIdc / 10).toFixed(1), width, height };
  } catch {
    return undefined;
  }
}

/** The first SPS of an AVCDecoderConfigurationRecord (the FLV payload after its 5-byte AVC video header). */
export function avcInfoFromSequenceHeader(payload: Uint8Array): AvcInfo | undefined {
  const rec = payload.subarray(5);
  if (rec.length < 8 || rec[0] !== 1) return undefined;
  const numSps = rec[5]! & 0x1f;
  if (numSps < 1) return undefined;
  const len = (rec[6]! << 8) | rec[7]!;
  if (8 + len > rec.length) return undefined;
  return parseSps(rec.subarray(8, 8 + len));
}
