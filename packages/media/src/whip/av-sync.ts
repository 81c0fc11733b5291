/**
 * One timeline for a WHIP publisher's audio and video. Each track's RTP clock is unwrapped and
 * anchored at its first packet's arrival; RTCP sender reports (NTP ↔ RTP of each track, from the
 * sender's one wall clock) then re-anchor the tracks so that audio and video captured at the same
 * instant get the same FLV time. A sender report is only trusted once the next one of the same
 * track agrees with it (NTP advanced as the RTP clock did, within 30 ms): a sender with a broken
 * NTP clock falls back to arrival times instead of desynchronising the stream.
 */

const SR_TOLERANCE_MS = 30;
const MIN_SHIFT_MS = 3;
const MAX_SHIFT_MS = 5000;

export class TrackClock {
  private last32 = -1;
  private ext = 0;
  private anchorMs = Number.NaN;
  private anchorRtp = 0;
  private lastSr: { ntpMs: number; rtp: number } | null = null;
  /** Sender reports used / refused as inconsistent. */
  srUsed = 0;
  srRefused = 0;

  constructor(
    readonly kind: 'audio' | 'video',
    readonly clockRate: number,
  ) {}

  get anchored(): boolean {
    return !Number.isNaN(this.anchorMs);
  }

  /** Extend a 32-bit RTP timestamp (packets in order, small steps back allowed). */
  unwrap(ts32: number): number {
    ts32 >>>= 0;
    if (this.last32 < 0) {
      this.last32 = ts32;
      this.ext = ts32;
      return ts32;
    }
    this.ext += (ts32 - this.last32) << 0; // signed 32-bit difference
    this.last32 = ts32;
    return this.ext;
  }

  /** The extension of ts32 nearest the last one, without moving the state (sender reports). */
  near(ts32: number): number {
    return this.last32 < 0 ? ts32 >>> 0 : this.ext + (((ts32 >>> 0) - this.last32) << 0);
  }

  /** Local-clock ms of an extended RTP time. */
  toMs(ext: number): number {
    return this.anchorMs + ((ext - this.anchorRtp) * 1000) / this.clockRate;
  }

  anchor(ms: number, ext: number): void {
    this.anchorMs = ms;
    this.anchorRtp = ext;
  }

  /** Remember a sender report; returns it if the previous one of this track confirms it. */
  confirm(ntpMs: number, rtp: number): { ntpMs: number; rtp: number } | null {
    const prev = this.lastSr;
    this.lastSr = { ntpMs, rtp };
    if (!prev || rtp <= prev.rtp) return null;
    const expected = ((rtp - prev.rtp) * 1000) / this.clockRate;
    if (Math.abs(ntpMs - prev.ntpMs - expected) > SR_TOLERANCE_MS) {
      this.srRefused++;
      return null;
    }
    return this.lastSr;
  }
}

/** NTP 64-bit timestamp (RFC 3550: seconds since 1900 . fraction/2^32) → ms. */
export function ntpToMs(ntp: bigint): number {
  return Number(ntp >> 32n) * 1000 + (Number(ntp & 0xffffffffn) * 1000) / 0x100000000;
}

export class AvSync {
  readonly video = new TrackClock('video', 90_000);
  readonly audio = new TrackClock('audio', 48_000);
  /** Sender NTP ms − local ms, fixed by the first trusted sender report. */
  private offset = Number.NaN;
  private base = Number.NaN;

  constructor(private readonly now: () => number = Date.now) {}

  /** A packet arrived: unwrap its timestamp; the track's first packet anchors it at its arrival. */
  packet(clock: TrackClock, ts32: number): number {
    const ext = clock.unwrap(ts32);
    if (!clock.anchored) {
      const t = this.now();
      clock.anchor(t, ext);
      if (Number.isNaN(this.base)) this.base = t;
    }
    return ext;
  }

  /** A sender report of this track (NTP as the 64-bit value). Returns the shift applied (ms), 0 if none. */
  senderReport(clock: TrackClock, ntp: bigint, rtp32: number): number {
    if (!clock.anchored) return 0;
    const ntpMs = ntpToMs(ntp);
    const sr = clock.confirm(ntpMs, clock.near(rtp32));
    if (!sr) return 0;
    if (Number.isNaN(this.offset)) this.offset = sr.ntpMs - clock.toMs(sr.rtp);
    const local = sr.ntpMs - this.offset;
    const shift = local - clock.toMs(sr.rtp);
    if (Math.abs(shift) > MAX_SHIFT_MS) {
      clock.srRefused++;
      return 0;
    }
    clock.srUsed++;
    if (Math.abs(shift) < MIN_SHIFT_MS) return 0;
    clock.anchor(local, sr.rtp);
    return shift;
  }

  /** FLV time (ms from the first packet of the session, ≥ 0) of an extended RTP time. */
  flvTime(clock: TrackClock, ext: number): number {
    return Math.max(0, Math.round(clock.toMs(ext) - this.base));
  }
}
