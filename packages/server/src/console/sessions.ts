/**
 * Console sessions: a random token in an HttpOnly, SameSite=Lax cookie (+ Secure behind https), stored
 * as its sha256 with an expiry (sliding on use, capped by an absolute lifetime), and a synchronizer CSRF
 * token that every state-changing request must echo in `x-csrf-token`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@zhibo/core';
import type { Db } from '../db/index.js';
import type { Account } from './accounts.js';

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

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function safeEq(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly policy: SessionPolicy = SESSION_DEFAULTS,
  ) {}

  async create(accountId: number): Promise<{ token: string; csrf: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    const expiresAt = now + this.policy.idleMs;
    await this.db.query('DELETE FROM console_sessions WHERE expires_at < $1', [now]);
    await this.db.query('INSERT INTO console_sessions (token_hash, account_id, csrf, created_at, seen_at, expires_at) VALUES ($1,$2,$3,$4,$4,$5)',
      [sha256(token), accountId, csrf, now, expiresAt]);
    return { token, csrf, expiresAt };
  }

  /** The live session of a cookie token; slides the idle expiry (at most one write a minute). */
  async lookup(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 128) return undefined;
    const h = sha256(token);
    const [row] = await this.db.query<Account & { csrf: string; created_at_s: number; seen_at: number; expires_at: number }>(
      `SELECT a.id, a.login, a.name, a.role, a.created_at, s.csrf, s.created_at AS created_at_s, s.seen_at, s.expires_at
       FROM console_sessions s JOIN console_accounts a ON a.id = s.account_id WHERE s.token_hash = $1`, [h]);
    const now = this.clock.now();
    if (!row || row.expires_at <= now) {
      if (row) await this.db.query('DELETE FROM console_sessions WHERE token_hash = $1', [h]);
      return undefined;
    }
    let expiresAt = row.expires_at;
    if (now - row.seen_at > 60_000) {
      expiresAt = Math.min(now + this.policy.idleMs, row.created_at_s + this.policy.maxMs);
      await this.db.query('UPDATE console_sessions SET seen_at = $2, expires_at = $3 WHERE token_hash = $1', [h, now, expiresAt]);
    }
    return { account: { id: row.id, login: row.login, name: row.name, role: row.role, created_at: row.created_at }, csrf: row.csrf, expiresAt, tokenHash: h };
  }

  async destroy(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
  }
}

/** Failed sign-ins per login: after `max` failures in a row the login waits `lockMs` (in memory; per process). */
export class LoginThrottle {
  private readonly fails = new Map<string, { n: number; until: number }>();
  constructor(
    private readonly clock: Clock,
    private readonly max = 5,
    private readonly lockMs = 5 * 60_000,
  ) {}
  /** ms to wait before trying again (0: go ahead) */
  waitMs(login: string): number {
    const f = this.fails.get(login);
    return f && f.until > this.clock.now() ? f.until - this.clock.now() : 0;
  }
  failed(login: string): void {
    if (this.fails.size > 10_000) this.fails.clear();
    const f = this.fails.get(login) ?? { n: 0, until: 0 };
    f.n += 1;
    if (f.n >= this.max) {
      f.until = this.clock.now() + this.lockMs;
      f.n = 0;
    }
    this.fails.set(login, f);
  }
  succeeded(login: string): void {
    this.fails.delete(login);
  }
}
