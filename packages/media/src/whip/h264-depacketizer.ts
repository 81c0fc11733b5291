/**
 * H.264 RTP depacketizer (RFC 6184, packetization-mode 0 and 1): single NAL unit packets, STAP-A
 * and FU-A → NAL units → access units (one per RTP timestamp, closed by the marker bit or by the
 * next timestamp). Input must be in sequence order (the jitter buffer's job); a gap is announced
 * with lost(), which drops the access unit in progress. Sizes are bounded.
 */

export interface AccessUnit {
  /** RTP timestamp (90 kHz), unwrapped by the caller. */
  timestamp: number;
  nalus: Buffer[];
  /** Contains an IDR slice (NAL type 5). */
  idr: boolean;
}

export const NAL = {
  NonIdr: 1,
  Idr: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  Aud: 9,
  StapA: 24,
  StapB: 25,
  Mtap16: 26,
  Mtap24: 27,
  FuA: 28,
  FuB: 29,
} as const;

export interface DepacketizerLimits {
  /** Largest access unit (sum of NAL sizes). */
  maxAuBytes: number;
  /** Most NAL units in one access unit. */
  maxNalus: number;
}

const DEFAULT_LIMITS: DepacketizerLimits = { maxAuBytes: 8 << 20, maxNalus: 1024 };

export class H264Depacketizer {
  /** Access units dropped (loss, bad packets, unsupported modes) — each one needs a keyframe to recover. */
  dropped = 0;
  private nalus: Buffer[] = [];
  private bytes = 0;
  private ts = -1;
  private broken = false;
  private lossPending = false;
  private fu: Buffer[] | null = null;
  private fuBytes = 0;
  private readonly limits: DepacketizerLimits;

  constructor(
    private readonly onAccessUnit: (au: AccessUnit) => void,
    /** An access unit could not be completed (why). */
    private readonly onDrop: (why: string) => void = () => {},
    limits: Partial<DepacketizerLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** One RTP packet's payload, in sequence order. */
  push(payload: Buffer, timestamp: number, marker: boolean): void {
    if (timestamp !== this.ts) {
      if (this.ts >= 0 && (this.nalus.length > 0 || this.broken)) this.finish(); // the previous AU lost its marker packet
      this.ts = timestamp;
    }
    if (this.lossPending) {
      this.lossPending = false;
      this.markBroken('packet loss');
    }
    this.parse(payload);
    if (marker) this.finish();
  }

  /**
   * Packets were lost: the access unit in progress and the one the next packet belongs to can not
   * be decoded (the gap may hold the end of one and the start of the other).
   */
  lost(): void {
    if (this.nalus.length > 0 || this.fu) this.markBroken('packet loss');
    this.lossPending = true;
  }

  private parse(p: Buffer): void {
    if (p.length < 1) return this.markBroken('empty payload');
    const type = p[0]! & 0x1f;
    if (p[0]! & 0x80) return this.markBroken('forbidden_zero_bit set');
    if (type >= 1 && type <= 23) {
      this.endFuIfOpen();
      return this.add(p);
    }
    if (type === NAL.StapA) {
      this.endFuIfOpen();
      let off = 1;
      while (off + 2 <= p.length) {
        const size = p.readUInt16BE(off);
        off += 2;
        if (size === 0 || off + size > p.length) return this.markBroken('STAP-A size out of bounds');
        this.add(p.subarray(off, off + size));
        off += size;
      }
      if (off !== p.length) this.markBroken('STAP-A trailing bytes');
      return;
    }
    if (type === NAL.FuA) return this.fragment(p);
    if (type === NAL.StapB || type === NAL.Mtap16 || type === NAL.Mtap24 || type === NAL.FuB) {
      return this.markBroken(`NAL type ${type} (interleaved mode) is not supported`);
    }
    // 0, 30, 31: undefined — ignore (RFC 6184 §5.2)
  }

  private fragment(p: Buffer): void {
    if (p.length < 3) return this.markBroken('FU-A too short');
    const start = (p[1]! & 0x80) !== 0;
    const end = (p[1]! & 0x40) !== 0;
    if (start) {
      if (this.fu) this.markBroken('FU-A restarted before its end');
      const header = Buffer.from([(p[0]! & 0xe0) | (p[1]! & 0x1f)]);
      this.fu = [header];
      this.fuBytes = 1;
    } else if (!this.fu) {
      return this.markBroken('FU-A without its start');
    }
    const body = p.subarray(2);
    this.fuBytes += body.length;
    if (this.fuBytes > this.limits.maxAuBytes) {
      this.fu = null;
      return this.markBroken('FU-A too large');
    }
    this.fu.push(body);
    if (end) {
      const nal = Buffer.concat(this.fu, this.fuBytes);
      this.fu = null;
      this.add(nal);
    }
  }

  private endFuIfOpen(): void {
    if (this.fu) {
      this.fu = null;
      this.markBroken('FU-A without its end');
    }
  }

  private add(nal: Buffer): void {
    if (this.broken) return;
    this.bytes += nal.length;
    if (this.bytes > this.limits.maxAuBytes || this.nalus.length >= this.limits.maxNalus) return this.markBroken('access unit too large');
    this.nalus.push(nal);
  }

  private markBroken(why: string): void {
    if (!this.broken) {
      this.broken = true;
      this.dropped++;
      this.onDrop(why);
    }
    this.nalus = [];
    this.bytes = 0;
  }

  private finish(): void {
    if (this.fu) {
      this.fu = null;
      this.markBroken('FU-A without its end');
    }
    const nalus = this.nalus;
    const broken = this.broken;
    this.nalus = [];
    this.bytes = 0;
    this.broken = false;
    if (broken || nalus.length === 0) return;
    this.onAccessUnit({ timestamp: this.ts, nalus, idr: nalus.some((n) => (n[0]! & 0x1f) === NAL.Idr) });
  }
}
