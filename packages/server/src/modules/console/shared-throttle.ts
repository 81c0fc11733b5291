/**
 * The console's sign-in throttle of a cluster (issue 13): the same rules as LoginThrottle (login-throttle.ts: per
 * account, known devices exempt, doubling locks; per client IP within a window), but the counts live in Redis so every
 * node sees every attempt. One Lua script counts an attempt before its password is checked, another records its
 * outcome. While Redis is unreachable each node falls back to its own LoginThrottle (the embedded behaviour).
 */
import type { Clock } from '@zhibo/core';
import type { RedisLink } from '../../lib/redis.js';
import { type Attempt, LoginThrottle, type ThrottlePolicy } from './login-throttle.js';

/** What the sign-in route needs: LoginThrottle (per process) or SharedLoginThrottle (cluster). */
export interface SignInThrottle {
  begin(login: string, ip: string, knownDevice: boolean): Attempt | Promise<Attempt>;
}

// KEYS: account hash, IP hash. ARGV: now, known (0/1), accountMax, accountLockMs, ipMax, ipWindowMs, accountTtlMs.
// Returns {1} (counted) or {0, waitMs, scope}.
const BEGIN = `
local now, known = tonumber(ARGV[1]), ARGV[2] == '1'
local accountMax, lockMs, ipMax, ipWindow, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local ip = redis.call('HMGET', KEYS[2], 'n', 'since')
local ipn, since = tonumber(ip[1]) or 0, tonumber(ip[2]) or 0
if since > 0 and now - since >= ipWindow then ipn = 0; since = 0; redis.call('DEL', KEYS[2]) end
if ipn >= ipMax then return {0, since + ipWindow - now, 'ip'} end
if not known then
  local a = redis.call('HMGET', KEYS[1], 'n', 'until')
  local n, untl = tonumber(a[1]) or 0, tonumber(a[2]) or 0
  if untl > now then return {0, untl - now, 'account'} end
  if n >= accountMax then return {0, lockMs, 'account'} end
  redis.call('HINCRBY', KEYS[1], 'n', 1)
  redis.call('PEXPIRE', KEYS[1], ttl)
end
if since == 0 then
  redis.call('HSET', KEYS[2], 'since', tostring(now))
  redis.call('PEXPIRE', KEYS[2], ipWindow)
end
redis.call('HINCRBY', KEYS[2], 'n', 1)
return {1}`;

// KEYS: account hash, IP hash. ARGV: now, success (0/1), account counted (0/1), accountMax, accountLockMs, accountLockMaxMs, accountTtlMs.
const FINISH = `
local now, success, counted = tonumber(ARGV[1]), ARGV[2] == '1', ARGV[3] == '1'
local accountMax, lockMs, lockMax, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if success then
  if (tonumber(redis.call('HGET', KEYS[2], 'n')) or 0) > 0 then redis.call('HINCRBY', KEYS[2], 'n', -1) end
  if counted then redis.call('DEL', KEYS[1]) end
  return 0
end
if counted then
  local a = redis.call('HMGET', KEYS[1], 'n', 'until', 'locks')
  local n, untl, locks = tonumber(a[1]) or 0, tonumber(a[2]) or 0, tonumber(a[3]) or 0
  if n >= accountMax and untl <= now then
    redis.call('HSET', KEYS[1], 'until', tostring(now + math.min(lockMax, lockMs * 2 ^ locks)), 'locks', tostring(locks + 1), 'n', '0')
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
return 0`;

export class SharedLoginThrottle implements SignInThrottle {
  private readonly local: LoginThrottle;

  constructor(
    private readonly redis: RedisLink,
    private readonly clock: Clock,
    readonly policy: ThrottlePolicy,
    private readonly warn: (m: string) => void,
  ) {
    this.local = new LoginThrottle(clock, policy);
  }

  private keys(login: string, ip: string): [string, string] {
    const enc = (s: string) => Buffer.from(s).toString('base64url').slice(0, 200);
    return [this.redis.key('login', `account:${enc(login)}`), this.redis.key('login', `ip:${enc(ip)}`)];
  }

  /** how long an account's state is kept: past its longest lock */
  private get ttlMs(): number {
    return Math.max(24 * 3600_000, 2 * this.policy.accountLockMaxMs);
  }

  async begin(login: string, ip: string, knownDevice: boolean): Promise<Attempt> {
    if (!this.redis.ready()) return this.local.begin(login, ip, knownDevice);
    const p = this.policy;
    const [ka, ki] = this.keys(login, ip);
    let r: [number, number?, string?];
    try {
      r = (await this.redis.cmd.eval(
        BEGIN,
        2,
        ka,
        ki,
        this.clock.now(),
        knownDevice ? 1 : 0,
        p.accountMax,
        p.accountLockMs,
        p.ipMax,
        p.ipWindowMs,
        this.ttlMs,
      )) as [number, number?, string?];
    } catch (e) {
      this.warn(`console: shared sign-in throttle: ${(e as Error).message}; this node's own throttle meanwhile`);
      return this.local.begin(login, ip, knownDevice);
    }
    if (Number(r[0]) !== 1) return { ok: false, waitMs: Math.max(0, Number(r[1] ?? 0)), scope: r[2] === 'ip' ? 'ip' : 'account' };
    let done = false;
    return {
      ok: true,
      finish: (success) => {
        if (done) return;
        done = true;
        this.redis.cmd
          .eval(
            FINISH,
            2,
            ka,
            ki,
            this.clock.now(),
            success ? 1 : 0,
            knownDevice ? 0 : 1,
            p.accountMax,
            p.accountLockMs,
            p.accountLockMaxMs,
            this.ttlMs,
          )
          .catch((e: unknown) => this.warn(`console: shared sign-in throttle: ${(e as Error).message}`));
      },
    };
  }
}
