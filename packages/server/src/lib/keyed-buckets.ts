/** Token buckets by key (a viewer, an address), made on first use; buckets that filled up again are forgotten by sweep(). */
import { TokenBucket } from './token-bucket.js';

export class KeyedBuckets {
  private readonly buckets = new Map<string, { b: TokenBucket; capacity: number }>();

  /** Take up to `n` tokens from `key`'s bucket (`capacity` tokens, refilled at `ratePerSec`); returns how many were taken. */
  take(key: string, n: number, now: number, ratePerSec: number, capacity: number): number {
    let e = this.buckets.get(key);
    if (!e) this.buckets.set(key, (e = { b: new TokenBucket(ratePerSec, capacity, now), capacity }));
    return e.b.take(n, now);
  }

  give(key: string, n: number): void {
    this.buckets.get(key)?.b.give(n);
  }

  /** Forget buckets that are full again (idle keys): memory follows the active keys. */
  sweep(now: number): void {
    for (const [k, e] of this.buckets) if (e.b.msUntil(e.capacity, now) === 0) this.buckets.delete(k);
  }

  get size(): number {
    return this.buckets.size;
  }
}
