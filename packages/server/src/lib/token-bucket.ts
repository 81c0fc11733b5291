/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSec`. Time is a number of ms passed in (a
 * domain clock's now, so fake-clock tests can drive it) or, by default, monotonic `performance.now()` (pacing).
 * One bucket must always be given times from the same source.
 */
import { performance } from 'node:perf_hooks';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly capacity: number,
    now: number = performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.ratePerSec) / 1000);
      this.last = now;
    }
  }

  /** Take up to `max` whole tokens; returns how many were taken. */
  take(max = 1, now: number = performance.now()): number {
    this.refill(now);
    const n = Math.max(0, Math.min(max, Math.floor(this.tokens)));
    this.tokens -= n;
    return n;
  }

  give(n: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /** ms until `n` tokens are there. */
  msUntil(n = 1, now: number = performance.now()): number {
    this.refill(now);
    return this.tokens >= n ? 0 : Math.ceil(((n - this.tokens) * 1000) / this.ratePerSec);
  }
}
