/**
 * A small RTP reorder buffer: releases packets in sequence order; a missing packet is waited for up
 * to `maxWaitMs` (time for a NACK retransmission — werift sends the NACKs) before the gap is given
 * up and reported as a loss. Bounded by `maxPackets`; a large jump (sender restart) resets it.
 */

export interface JitterBufferOptions<T> {
  /** How long a gap may hold later packets back. */
  maxWaitMs: number;
  /** Most packets held; beyond that the oldest gap is given up. */
  maxPackets: number;
  onPacket(p: T): void;
  /** `count` packets (sequence numbers) were given up. */
  onLoss(count: number): void;
  now?: () => number;
}

const RESET_JUMP = 3000;

export class JitterBuffer<T> {
  /** Packets given up / duplicates or too-late packets dropped. */
  lost = 0;
  late = 0;
  private readonly held = new Map<number, { p: T; at: number }>();
  private next = -1;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: JitterBufferOptions<T>) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.held.size;
  }

  /** Extend a 16-bit sequence number to the one nearest the next expected. */
  private unwrap(seq: number): number {
    if (this.next < 0) return seq;
    let ext = (this.next & ~0xffff) | seq;
    if (ext - this.next > 0x8000) ext -= 0x10000;
    else if (this.next - ext > 0x8000) ext += 0x10000;
    return ext;
  }

  push(seq: number, p: T): void {
    if (this.closed) return;
    const ext = this.unwrap(seq & 0xffff);
    if (this.next < 0) this.next = ext;
    if (ext < this.next) {
      this.late++;
      return;
    }
    if (ext - this.next > RESET_JUMP) {
      // the sender restarted its sequence (or a long outage): release what we hold, start over
      this.giveUp(Number.POSITIVE_INFINITY);
      this.next = ext;
    }
    if (this.held.has(ext)) {
      this.late++;
      return;
    }
    this.held.set(ext, { p, at: this.now() });
    this.drain();
  }

  private drain(): void {
    for (let e = this.held.get(this.next); e; e = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.next++;
      this.opts.onPacket(e.p);
      if (this.closed) return;
    }
    if (this.held.size === 0) {
      this.clearTimer();
      return;
    }
    const oldest = this.oldestAt();
    if (this.held.size > this.opts.maxPackets || this.now() - oldest >= this.opts.maxWaitMs) {
      this.skipGap();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(
        () => {
          this.timer = null;
          if (!this.closed) this.drain();
        },
        Math.max(1, oldest + this.opts.maxWaitMs - this.now()),
      );
    }
  }

  private oldestAt(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const e of this.held.values()) if (e.at < t) t = e.at;
    return t;
  }

  /** Give up the gap before the lowest held packet and go on from there. */
  private skipGap(): void {
    let min = Number.POSITIVE_INFINITY;
    for (const k of this.held.keys()) if (k < min) min = k;
    this.clearTimer();
    const n = min - this.next;
    this.next = min;
    this.lost += n;
    this.opts.onLoss(n);
    this.drain();
  }

  /** Release everything held (in order), reporting the gaps. */
  private giveUp(until: number): void {
    const keys = [...this.held.keys()].filter((k) => k < until).sort((a, b) => a - b);
    for (const k of keys) {
      if (k > this.next) {
        this.lost += k - this.next;
        this.opts.onLoss(k - this.next);
      }
      const e = this.held.get(k)!;
      this.held.delete(k);
      this.next = k + 1;
      this.opts.onPacket(e.p);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Idempotent: drops what is held, stops the timer. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    this.held.clear();
  }
}
