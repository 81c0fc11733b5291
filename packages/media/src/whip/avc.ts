/**
 * H.264 access units → FLV video tag payloads (AVC, AVCC with 4-byte lengths, CTS 0: WebRTC
 * encoders send no B-frames) and the AVC sequence header (AVCDecoderConfigurationRecord).
 */
import { finishTagInPlace, TAG_HEADER_SIZE, TAG_VIDEO } from '../flv/tag.js';
import { NAL } from './h264-depacketizer.js';

const nalType = (n: Buffer) => n[0]! & 0x1f;

/** FLV tag (header + data + PreviousTagSize) of the AVC sequence header for this SPS/PPS. */
export function avcSequenceHeaderTag(sps: Buffer, pps: Buffer, timestamp: number): Buffer {
  const dataSize = 5 + 6 + 2 + sps.length + 1 + 2 + pps.length;
  const frame = Buffer.allocUnsafe(TAG_HEADER_SIZE + dataSize + 4);
  let o = TAG_HEADER_SIZE;
  frame[o++] = 0x17; // keyframe, AVC
  frame[o++] = 0; // AVC sequence header
  frame[o++] = 0;
  frame[o++] = 0;
  frame[o++] = 0; // composition time
  frame[o++] = 1; // configurationVersion
  frame[o++] = sps[1] ?? 0x42; // AVCProfileIndication
  frame[o++] = sps[2] ?? 0; // profile_compatibility
  frame[o++] = sps[3] ?? 0x1f; // AVCLevelIndication
  frame[o++] = 0xff; // lengthSizeMinusOne = 3
  frame[o++] = 0xe1; // one SPS
  frame.writeUInt16BE(sps.length, o);
  o += 2;
  sps.copy(frame, o);
  o += sps.length;
  frame[o++] = 1; // one PPS
  frame.writeUInt16BE(pps.length, o);
  o += 2;
  pps.copy(frame, o);
  return finishTagInPlace(frame, TAG_VIDEO, timestamp, dataSize);
}

/** FLV tag of one access unit (AUD dropped; SPS/PPS kept in band so HLS and mid-stream joins can decode). */
export function avcFrameTag(nalus: readonly Buffer[], keyframe: boolean, timestamp: number): Buffer {
  let size = 5;
  for (const n of nalus) if (nalType(n) !== NAL.Aud) size += 4 + n.length;
  const frame = Buffer.allocUnsafe(TAG_HEADER_SIZE + size + 4);
  let o = TAG_HEADER_SIZE;
  frame[o++] = keyframe ? 0x17 : 0x27;
  frame[o++] = 1; // AVC NALU
  frame[o++] = 0;
  frame[o++] = 0;
  frame[o++] = 0;
  for (const n of nalus) {
    if (nalType(n) === NAL.Aud) continue;
    frame.writeUInt32BE(n.length, o);
    o += 4;
    n.copy(frame, o);
    o += n.length;
  }
  return finishTagInPlace(frame, TAG_VIDEO, timestamp, size);
}

/** The parameter sets of an access unit (last of each), if any. */
export function parameterSets(nalus: readonly Buffer[]): { sps: Buffer | null; pps: Buffer | null } {
  let sps: Buffer | null = null;
  let pps: Buffer | null = null;
  for (const n of nalus) {
    const t = nalType(n);
    if (t === NAL.Sps) sps = n;
    else if (t === NAL.Pps) pps = n;
  }
  return { sps, pps };
}
