/**
 * Incremental FLV reader for the HLS packager: the hub writes an FLV byte stream (header, then whole
 * tags); this splits it into (type, timestamp, payload) at any chunk boundary. Payloads are views
 * into the hub's shared buffers (never mutated) unless a tag spans two chunks.
 */
import { HlsInputError } from './codec.js';

const MAX_TAG = 16 << 20;

export class FlvTagReader {
  private pending: Buffer | null = null;
  private headerSeen = false;

  constructor(private readonly onTag: (type: number, timestamp: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    const b = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let o = 0;
    if (!this.headerSeen) {
      if (b.length < 13) {
        this.pending = b;
        return;
      }
      if (b.toString('latin1', 0, 3) !== 'FLV') throw new HlsInputError('HLS input is not FLV');
      o = b.readUInt32BE(5) + 4; // header size (9) + PreviousTagSize0
      this.headerSeen = true;
    }
    while (b.length - o >= 11) {
      const size = b.readUIntBE(o + 1, 3);
      if (size > MAX_TAG) throw new HlsInputError(`FLV tag of ${size} bytes`);
      if (b.length - o < 11 + size + 4) break;
      const ts = (b.readUIntBE(o + 4, 3) | (b[o + 7]! << 24)) >>> 0;
      this.onTag(b[o]! & 0x1f, ts, b.subarray(o + 11, o + 11 + size));
      o += 11 + size + 4;
    }
    if (o < b.length) this.pending = Buffer.from(b.subarray(o));
  }
}
