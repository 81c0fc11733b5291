/**
 * Cluster-wide limits on Redis (issue 13): a token bucket shared by every node, so the reminder send rate and the
 * goods-tap limit hold for the cluster, not per process (the console's sign-in throttle: modules/console/shared-throttle.ts). The hot path
 * stays synchronous: a node takes tokens from a local allotment that it refills from Redis in small chunks. While
 * Redis is unreachable each node falls back to its own local limit (the embedded behaviour) and says so once.
 */
import type { Log } from './log.js';
import type { RedisLink } from './redis.js';
import { TokenBucket } from './token-bucket.js';

/** What the rate limiters need (TokenBucket is one). */
export interface Bucket {
  take(max?: number): number;
  msUntil(n?: number): number;
  give(n: number): void;
}

/** A bucket factory: local (embedded) or shared (cluster). `name` keys the shared bucket. */
export type BucketFactory = (name: string, ratePerSec: number, capacity: number) => Bucket;

export const localBuckets: BucketFactory = (_name, rate, capacity) => new TokenBucket(rate, capacity);

// KEYS: bucket hash. ARGV: rate/s, capacity, wanted. Refilled by Redis' own clock; returns the tokens granted.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, cap, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(h[1]) or cap
local ts = tonumber(h[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
local got = math.min(want, math.floor(tokens))
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - got), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], 600000)
return got`;

interface TakeCommand {
  zhiboBucketTake(key: string, rate: number, capacity: number, want: number): Promise<number>;
}

class SharedBucket implements Bucket {
  private local = 0;
  private fetching = false;
  private readonly fallback: TokenBucket;
  private readonly chunk: number;

  constructor(
    private readonly redis: RedisLink,
    private readonly key: string,
    private readonly rate: number,
    private readonly capacity: number,
    private readonly warn: (m: string) => void,
  ) {
    this.fallback = new TokenBucket(rate, capacity);
    this.chunk = Math.max(1, Math.min(capacity, Math.ceil(rate / 20)));
  }

  private refill(): void {
    if (this.fetching) return;
    if (!this.redis.ready()) return;
    this.fetching = true;
    (this.redis.cmd as unknown as TakeCommand).zhiboBucketTake(this.key, this.rate, this.capacity, this.chunk).then(
      (got) => {
        this.fetching = false;
        this.local += Number(got);
      },
      (e: unknown) => {
        this.fetching = false;
        this.warn(`shared limit ${this.key}: ${(e as Error).message}; using this node's own limit meanwhile`);
      },
    );
  }

  take(max = 1): number {
    if (!this.redis.ready()) return this.fallback.take(max);
    const n = Math.min(max, this.local);
    this.local -= n;
    if (this.local < this.chunk) this.refill();
    return n;
  }

  msUntil(n = 1): number {
    if (!this.redis.ready()) return this.fallback.msUntil(n);
    if (this.local >= n) return 0;
    this.refill();
    return Math.max(5, Math.min(100, Math.ceil((n * 1000) / this.rate)));
  }

  give(n: number): void {
    this.local += n;
  }
}

/** Buckets shared by every node of the cluster through Redis. */
export function sharedBuckets(redis: RedisLink, log: Log): BucketFactory {
  redis.cmd.defineCommand('zhiboBucketTake', { numberOfKeys: 1, lua: TAKE });
  let lastWarn = 0;
  const warn = (m: string) => {
    if (Date.now() - lastWarn > 10_000) {
      lastWarn = Date.now();
      log.warn(m);
    }
  };
  return (name, rate, capacity) => new SharedBucket(redis, redis.key(`limit:${name}`, 'bucket'), rate, capacity, warn);
}
