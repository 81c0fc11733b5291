/**
 * Codec configuration for the fMP4 muxer, read from the FLV sequence headers:
 * the H.264 AVCDecoderConfigurationRecord (avcC; its first SPS gives the picture size) and the AAC
 * AudioSpecificConfig (object type, sample rate, channels). Bad input throws HlsInputError.
 */
import { MediaError } from '../errors.js';

/** A sequence header or sample the HLS packager cannot use (the stream itself goes on for FLV viewers). */
export class HlsInputError extends MediaError {
  constructor(message: string) {
    super(message, 'hls_input');
  }
}

export interface AvcConfig {
  /** The AVCDecoderConfigurationRecord as sent (becomes the avcC box). */
  record: Buffer;
  /** RFC 6381 codec string, e.g. avc1.42c01f */
  codec: string;
  width: number;
  height: number;
}

export interface AacConfig {
  /** The AudioSpecificConfig as sent (goes into esds). */
  asc: Buffer;
  /** RFC 6381 codec string, e.g. mp4a.40.2 */
  codec: string;
  objectType: number;
  /** Core sample rate: the track timescale; one AAC frame is 1024 samples of it. */
  sampleRate: number;
  channels: number;
}

/** MSB-first bit reader with Exp-Golomb codes (H.264 7.2). Reads past the end throw HlsInputError. */
class BitReader {
  private pos = 0;
  constructor(private readonly b: Buffer) {}

  bit(): number {
    const byte = this.b[this.pos >> 3];
    if (byte === undefined) throw new HlsInputError('SPS is truncated');
    const v = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return v;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new HlsInputError('SPS has an invalid Exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** NAL payload without its header byte and with emulation-prevention bytes (00 00 03) removed. */
function rbsp(nal: Buffer): Buffer {
  const out = Buffer.allocUnsafe(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = 1; i < nal.length; i++) {
    const v = nal[i]!;
    if (zeros >= 2 && v === 3) {
      zeros = 0;
      continue;
    }
    zeros = v === 0 ? zeros + 1 : 0;
    out[n++] = v;
  }
  return out.subarray(0, n);
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Picture size from an H.264 sequence parameter set NAL unit (with cropping). */
export function spsSize(nal: Buffer): { width: number; height: number } {
  const r = new BitReader(rbsp(nal));
  const profile = r.bits(8);
  r.bits(16); // constraint flags, level
  r.ue(); // seq_parameter_set_id
  let chroma = 1;
  if (HIGH_PROFILES.has(profile)) {
    chroma = r.ue();
    if (chroma === 3) r.bit(); // separate_colour_plane_flag
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.bit(); // qpprime_y_zero_transform_bypass_flag
    if (r.bit()) {
      for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) {
        if (!r.bit()) continue;
        let last = 8;
        let next = 8;
        for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
          if (next !== 0) next = (last + r.se() + 256) % 256;
          last = next === 0 ? last : next;
        }
      }
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit();
  r.bit(); // direct_8x8_inference_flag
  let [cl, cr, ct, cb] = [0, 0, 0, 0];
  if (r.bit()) [cl, cr, ct, cb] = [r.ue(), r.ue(), r.ue(), r.ue()];
  const cropX = chroma === 0 || chroma === 3 ? 1 : 2;
  const cropY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - (cl + cr) * cropX;
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - (ct + cb) * cropY;
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    throw new HlsInputError(`SPS gives an impossible size ${width}x${height}`);
  return { width, height };
}

/** Parse an AVCDecoderConfigurationRecord (the payload of an FLV AVC sequence header after its 5-byte header). */
export function parseAvcConfig(record: Buffer): AvcConfig {
  if (record.length < 7 || record[0] !== 1) throw new HlsInputError('AVC sequence header is not an AVCDecoderConfigurationRecord');
  const numSps = record[5]! & 0x1f;
  if (numSps < 1) throw new HlsInputError('AVC sequence header has no SPS');
  const spsLen = record.readUInt16BE(6);
  if (8 + spsLen > record.length || spsLen < 4) throw new HlsInputError('AVC sequence header: SPS is truncated');
  const { width, height } = spsSize(record.subarray(8, 8 + spsLen));
  const hex = (i: number) => record[i]!.toString(16).padStart(2, '0');
  return { record: Buffer.from(record), codec: `avc1.${hex(1)}${hex(2)}${hex(3)}`, width, height };
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Parse an AAC AudioSpecificConfig (ISO 14496-3 1.6.2.1; the FLV AAC sequence header after its 2-byte header). */
export function parseAacConfig(asc: Buffer): AacConfig {
  if (asc.length < 2 || asc.length > 64) throw new HlsInputError(`AAC AudioSpecificConfig of ${asc.length} bytes`);
  const r = new BitReader(asc);
  let objectType = r.bits(5);
  if (objectType === 31) objectType = 32 + r.bits(6);
  const idx = r.bits(4);
  const sampleRate = idx === 15 ? r.bits(24) : AAC_RATES[idx];
  const channels = r.bits(4);
  if (objectType === 0) throw new HlsInputError('AAC object type 0 is invalid');
  if (!sampleRate || sampleRate < 1000 || sampleRate > 192_000) throw new HlsInputError(`AAC sampling frequency index ${idx} is invalid`);
  return { asc: Buffer.from(asc), codec: `mp4a.40.${objectType}`, objectType, sampleRate, channels };
}
