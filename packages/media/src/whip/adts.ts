/**
 * ADTS (AAC in a byte stream, as ffmpeg writes with -f adts) → raw AAC frames and the
 * AudioSpecificConfig; plus the FLV audio tags for them (AAC, sequence header / raw frame).
 */
import { finishTagInPlace, TAG_AUDIO, TAG_HEADER_SIZE } from '../flv/tag.js';

export interface AdtsFrame {
  /** Raw AAC frame (ADTS header removed). */
  data: Buffer;
  /** 2-byte AudioSpecificConfig of this frame's header. */
  config: Buffer;
  sampleRate: number;
}

const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const MAX_BUFFER = 1 << 20;

/** Incremental ADTS parser; resynchronises on the 0xFFF sync word after garbage. */
export class AdtsParser {
  /** Bytes skipped while looking for a sync word. */
  skipped = 0;
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (f: AdtsFrame) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let o = 0;
    while (this.buf.length - o >= 7) {
      const b = this.buf;
      if (b[o] !== 0xff || (b[o + 1]! & 0xf6) !== 0xf0) {
        o++;
        this.skipped++;
        continue;
      }
      const protectionAbsent = b[o + 1]! & 1;
      const profile = b[o + 2]! >> 6; // audio object type − 1
      const sfi = (b[o + 2]! >> 2) & 0x0f;
      const channels = ((b[o + 2]! & 1) << 2) | (b[o + 3]! >> 6);
      const len = ((b[o + 3]! & 3) << 11) | (b[o + 4]! << 3) | (b[o + 5]! >> 5);
      const headerLen = protectionAbsent ? 7 : 9;
      if (len < headerLen || sfi >= RATES.length) {
        o++;
        this.skipped++;
        continue;
      }
      if (b.length - o < len) break;
      const aot = profile + 1;
      const config = Buffer.from([(aot << 3) | (sfi >> 1), ((sfi & 1) << 7) | (channels << 3)]);
      this.onFrame({ data: b.subarray(o + headerLen, o + len), config, sampleRate: RATES[sfi]! });
      o += len;
    }
    this.buf = this.buf.subarray(o);
    if (this.buf.length > MAX_BUFFER) {
      this.skipped += this.buf.length;
      this.buf = Buffer.alloc(0);
    }
  }
}

/** FLV audio tag: AAC (0xAF = AAC, 44 kHz flag, 16-bit, stereo) + packet type + data. */
export function aacTag(packetType: 0 | 1, data: Buffer, timestamp: number): Buffer {
  const frame = Buffer.allocUnsafe(TAG_HEADER_SIZE + 2 + data.length + 4);
  frame[TAG_HEADER_SIZE] = 0xaf;
  frame[TAG_HEADER_SIZE + 1] = packetType;
  data.copy(frame, TAG_HEADER_SIZE + 2);
  return finishTagInPlace(frame, TAG_AUDIO, timestamp, 2 + data.length);
}
