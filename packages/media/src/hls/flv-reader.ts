/**
 * Incremental FLV reader for the HLS packager: the hub writes an FLV byte stream (header, then whole
 * tags); this splits it into (type, timestamp, payload) at any chunk boundary. Payloads are views
 * into the written buffers (the hub's shared, never-mutated tags); only a tag split across writes
 * is copied, once, when its last piece arrives.
 */
import { HlsInputError } from './codec.js';

const MAX_TAG = 16 << 20;

export class FlvTagReader {
  /** An incomplete unit (the header or one tag) split over writes: its pieces, joined once when complete. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private headerSeen = false;

  constructor(private readonly onTag: (type: number, timestamp: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let c = chunk;
    while (this.pendingLength > 0 && c.length > 0) {
      const want = this.unitLength();
      const take = Math.min(want - this.pendingLength, c.length);
      this.pending.push(c.subarray(0, take));
      this.pendingLength += take;
      c = c.subarray(take);
      if (this.pendingLength < want) return;
      const unit = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
      this.keep(this.parse(unit));
    }
    if (c.length > 0) this.keep(this.parse(c));
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.pending = [rest]; // a view: written buffers are never mutated
    this.pendingLength = rest.length;
  }

  /** Bytes the pending unit needs in all (or, while its length is unknown, the bytes that tell it). */
  private unitLength(): number {
    const head = this.pending[0]!.length >= 11 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLength);
    if (!this.headerSeen) return head.length < 9 ? 13 : head.readUInt32BE(5) + 4;
    return head.length < 11 ? 11 : 11 + head.readUIntBE(1, 3) + 4;
  }

  /** Emit every whole tag in b; returns the incomplete rest. */
  private parse(b: Buffer): Buffer {
    let o = 0;
    if (!this.headerSeen) {
      if (b.length < 13) return b;
      if (b.toString('latin1', 0, 3) !== 'FLV') throw new HlsInputError('HLS input is not FLV');
      o = b.readUInt32BE(5) + 4; // header size (9) + PreviousTagSize0
      if (o > 1024) throw new HlsInputError(`FLV header of ${o} bytes`);
      if (b.length < o) return b;
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
    return b.subarray(o);
  }
}
