/**
 * Console sessions: a random token in an HttpOnly, SameSite=Lax cookie (+ Secure behind https), stored
 * as its sha256 with an expiry (sliding on use, capped by an absolute lifetime), and a synchronizer CSRF
 * token that every state-changing request must echo in `x-csrf-token`.
 */
import type { Clock } from '@zhibo/core';
import { randomToken, sha256hex } from '../../lib/crypto.js';
import type { Account, ConsoleSql } from './sql.js';

export interface SessionPolicy {
  /** idle timeout: a session unused this long is over */
  idleMs: number;
  /** absolute lifetime, however busy */
  maxMs: number;
}

export const SESSION_DEFAULTS: SessionPolicy = { idleMs: 12 * 3600_000, maxMs: 7 * 86_400_000 };

export interface Session {
  account: Account;
  csrf: string;
  expiresAt: number;
  tokenHash: string;
}

export class SessionService {
  constructor(
    private readonly sql: ConsoleSql,
    private readonly clock: Clock,
    readonly policy: SessionPolicy = SESSION_DEFAULTS,
  ) {}

  async create(accountId: number): Promise<{ token: string; csrf: string; expiresAt: number }> {
    const token = randomToken(32);
    const csrf = randomToken(24);
    const now = this.clock.now();
    const expiresAt = now + this.policy.idleMs;
    await this.sql.insertSession(sha256hex(token), accountId, csrf, now, expiresAt);
    return { token, csrf, expiresAt };
  }

  /** The live session of a cookie token; slides the idle expiry (at most one write a minute). */
  async lookup(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 128) return undefined;
    const h = sha256hex(token);
    const row = await this.sql.session(h);
    const now = this.clock.now();
    if (!row || row.expires_at <= now) {
      if (row) await this.sql.deleteSession(h);
      return undefined;
    }
    let expiresAt = row.expires_at;
    if (now - row.seen_at > 60_000) {
      expiresAt = Math.min(now + this.policy.idleMs, row.created_at_s + this.policy.maxMs);
      await this.sql.touchSession(h, now, expiresAt);
    }
    return {
      account: {
        id: row.id,
        login: row.login,
        name: row.name,
        role: row.role,
        created_at: row.created_at,
        must_change_password: row.must_change_password,
      },
      csrf: row.csrf,
      expiresAt,
      tokenHash: h,
    };
  }

  destroy(tokenHash: string): Promise<void> {
    return this.sql.deleteSession(tokenHash);
  }
}

/** Browsers that signed in to an account before: a random device cookie, stored as its sha256 per account. */
export class KnownDevices {
  constructor(
    private readonly sql: ConsoleSql,
    private readonly clock: Clock,
  ) {}

  async isKnown(token: string | undefined, accountId: number): Promise<boolean> {
    if (!token || token.length > 128) return false;
    return this.sql.knownDevice(sha256hex(token), accountId);
  }

  /** Remember this browser for the account; returns its device token (the one it had, or a new one). */
  async remember(token: string | undefined, accountId: number): Promise<string> {
    const t = token && /^[A-Za-z0-9_-]{32,128}$/.test(token) ? token : randomToken(32);
    await this.sql.rememberDevice(sha256hex(t), accountId, this.clock.now());
    return t;
  }
}
