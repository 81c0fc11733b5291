/** A request rate per client address (IPv4, IPv6 /64): token buckets that are forgotten once full again. */
import { performance } from 'node:perf_hooks';
import { KeyedBuckets } from './keyed-buckets.js';

export class IpRateLimiter {
  private readonly buckets = new KeyedBuckets();
  private lastSweep = performance.now();

  /** `ratePerSec` requests a second per address, bursts of `burst`; rate 0 lets everything through. */
  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
  ) {}

  /** One request from `ipKey`: allowed? */
  allow(ipKey: string): boolean {
    if (this.ratePerSec <= 0) return true;
    const now = performance.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.buckets.sweep(now);
    }
    return this.buckets.take(ipKey, 1, now, this.ratePerSec, this.burst) === 1;
  }
}
