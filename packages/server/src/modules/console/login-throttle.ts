/**
 * Sign-in attempts (issue 10; docs/security.md). An attempt is counted BEFORE its password is checked (synchronously,
 * so 40 parallel guesses get at most `accountMax` checks), per account and per client IP:
 * - per account: `accountMax` failures in a row lock the login for `accountLockMs`, doubling with each further lock
 *   (at most `accountLockMaxMs`); a success resets it. A device that signed in to that account before (its device
 *   cookie) is exempt, so an attacker can not lock the owner out;
 * - per IP: `ipMax` failures within `ipWindowMs` refuse every sign-in from that IP (known devices too) until the
 *   window ends; successes do not count.
 * In memory, per process: with several processes on one PostgreSQL each counts its own attempts.
 */
import type { Clock } from '@zhibo/core';

export interface ThrottlePolicy {
  accountMax: number;
  accountLockMs: number;
  accountLockMaxMs: number;
  ipMax: number;
  ipWindowMs: number;
}

export const THROTTLE_DEFAULTS: ThrottlePolicy = {
  accountMax: 5,
  accountLockMs: 5 * 60_000,
  accountLockMaxMs: 60 * 60_000,
  ipMax: 30,
  ipWindowMs: 15 * 60_000,
};

interface AccountState {
  /** failures in a row plus attempts in flight */
  n: number;
  until: number;
  locks: number;
}

interface IpState {
  n: number;
  since: number;
}

export type Attempt = { ok: true; finish(success: boolean): void } | { ok: false; waitMs: number; scope: 'account' | 'ip' };

export class LoginThrottle {
  private accounts = new Map<string, AccountState>();
  private ips = new Map<string, IpState>();

  constructor(
    private readonly clock: Clock,
    readonly policy: ThrottlePolicy = THROTTLE_DEFAULTS,
  ) {}

  /** Count an attempt before checking it; `knownDevice` skips the account's lockout (not the IP's). */
  begin(login: string, ip: string, knownDevice: boolean): Attempt {
    const now = this.clock.now();
    const p = this.policy;
    let ipState = this.ips.get(ip);
    if (ipState && now - ipState.since >= p.ipWindowMs) ipState = undefined;
    if (ipState && ipState.n >= p.ipMax) return { ok: false, waitMs: ipState.since + p.ipWindowMs - now, scope: 'ip' };
    let acct: AccountState | undefined;
    if (!knownDevice) {
      acct = this.accounts.get(login) ?? { n: 0, until: 0, locks: 0 };
      if (acct.until > now) return { ok: false, waitMs: acct.until - now, scope: 'account' };
      if (acct.n >= p.accountMax) return { ok: false, waitMs: p.accountLockMs, scope: 'account' }; // the rest are in flight
      acct.n++;
      if (this.accounts.size >= 10_000) this.accounts = new Map();
      this.accounts.set(login, acct);
    }
    if (!ipState) {
      if (this.ips.size >= 50_000) this.ips = new Map();
      this.ips.set(ip, (ipState = { n: 0, since: now }));
    }
    ipState.n++;
    const ipCounted = ipState;
    let done = false;
    return {
      ok: true,
      finish: (success) => {
        if (done) return;
        done = true;
        if (success) {
          ipCounted.n = Math.max(0, ipCounted.n - 1);
          if (acct) this.accounts.delete(login);
          return;
        }
        if (acct && acct.n >= p.accountMax && acct.until <= this.clock.now()) {
          acct.until = this.clock.now() + Math.min(p.accountLockMaxMs, p.accountLockMs * 2 ** acct.locks);
          acct.locks++;
          acct.n = 0;
        }
      },
    };
  }
}
