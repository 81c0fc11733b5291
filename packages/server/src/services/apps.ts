/** Merchant apps and WeChat-style access tokens (S-API-5). */
import { Errcode } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { Db } from '../db/index.js';
import { randomHex, randomToken, safeEqual, secretVerifier, sha256hex, signKeyOf } from './crypto.js';
import { WxFail } from './errors.js';
import type { DomainEvents, TypedEmitter } from './events.js';

export interface AppRow {
  appid: string;
  name: string;
  owner: string | null;
  sign_key: string;
  daily_quota: number | null;
  settings: AppSettings;
  created_at: number;
}

/** Per-app settings (console, issue 5); everything optional with server defaults. */
export interface AppSettings {
  goodsBaseUrl?: string;
  homeUrl?: string;
  minSdkVersion?: string;
  [k: string]: unknown;
}

export interface TokenPolicy {
  ttlSec: number;
  overlapSec: number;
}

interface CachedToken {
  appid: string;
  expiresAt: number;
}

export class AppService {
  /** token hash → app; tokens are checked on every API call, so they are cached (bounded). */
  private readonly tokenCache = new Map<string, CachedToken>();
  private readonly appCache = new Map<string, AppRow>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    private readonly events?: TypedEmitter<DomainEvents>,
  ) {
    // Caches follow appChanged, whether this process or another one (services/change-feed.ts) made the change.
    events?.on('appChanged', (e) => this.applyChange(e));
  }

  private applyChange({ appid, tokens }: DomainEvents['appChanged'][0]): void {
    this.appCache.delete(appid);
    if (!tokens) return;
    for (const [k, v] of this.tokenCache) {
      if (v.appid !== appid || k === tokens.except) continue;
      if (tokens.until === 0) this.tokenCache.delete(k);
      else if (v.expiresAt > tokens.until) v.expiresAt = tokens.until;
    }
  }

  private changed(appid: string, tokens?: { until: number; except?: string }): void {
    const e = tokens ? { appid, tokens } : { appid };
    if (this.events) this.events.emit('appChanged', e);
    else this.applyChange(e);
  }

  async create(name: string, owner: string | null = null): Promise<{ appid: string; appsecret: string }> {
    if (!name.trim() || name.length > 64) throw new WxFail(Errcode.BadParameter, 'app name must be 1–64 characters');
    const appid = `wx${randomHex(8)}`;
    const appsecret = randomHex(16);
    await this.db.query('INSERT INTO apps (appid, name, owner, secret_verify, sign_key, created_at) VALUES ($1,$2,$3,$4,$5,$6)', [
      appid, name.trim(), owner, secretVerifier(appsecret), signKeyOf(appsecret), this.clock.now(),
    ]);
    return { appid, appsecret };
  }

  /** A new secret; the old one stops working at once, and so do its tokens. */
  async resetSecret(appid: string): Promise<string> {
    const appsecret = randomHex(16);
    const rows = await this.db.query('UPDATE apps SET secret_verify=$2, sign_key=$3 WHERE appid=$1 RETURNING appid', [appid, secretVerifier(appsecret), signKeyOf(appsecret)]);
    if (!rows.length) throw new WxFail(Errcode.InvalidAppid, `no app ${appid}`);
    await this.db.query('DELETE FROM access_tokens WHERE appid=$1', [appid]);
    this.changed(appid, { until: 0 });
    return appsecret;
  }

  async get(appid: string): Promise<AppRow | undefined> {
    const hit = this.appCache.get(appid);
    if (hit) return hit;
    const [row] = await this.db.query<AppRow>('SELECT appid, name, owner, sign_key, daily_quota, settings, created_at FROM apps WHERE appid=$1', [appid]);
    if (row) this.appCache.set(appid, row);
    return row;
  }

  async list(): Promise<AppRow[]> {
    return this.db.query<AppRow>('SELECT appid, name, owner, sign_key, daily_quota, settings, created_at FROM apps ORDER BY created_at');
  }

  async updateSettings(appid: string, patch: Partial<AppSettings>, dailyQuota?: number | null): Promise<void> {
    await this.db.query(
      `UPDATE apps SET settings = settings || $2::jsonb, daily_quota = CASE WHEN $3::boolean THEN $4::integer ELSE daily_quota END WHERE appid=$1`,
      [appid, JSON.stringify(patch), dailyQuota !== undefined, dailyQuota ?? null],
    );
    this.changed(appid);
  }

  /** GET /cgi-bin/token: a fresh token; the previous ones stay valid for the overlap only. */
  async issueToken(grantType: unknown, appid: unknown, secret: unknown): Promise<{ access_token: string; expires_in: number }> {
    if (grantType !== 'client_credential') throw new WxFail(Errcode.InvalidGrantType, 'grant_type must be client_credential');
    if (typeof appid !== 'string' || !appid) throw new WxFail(Errcode.InvalidAppid, 'appid missing');
    const [row] = await this.db.query<{ secret_verify: string }>('SELECT secret_verify FROM apps WHERE appid=$1', [appid]);
    if (!row) throw new WxFail(Errcode.InvalidAppid, `invalid appid ${appid}`);
    if (typeof secret !== 'string' || !safeEqual(secretVerifier(secret), row.secret_verify)) throw new WxFail(Errcode.InvalidAppsecret, 'invalid appsecret');
    const now = this.clock.now();
    const token = randomToken(48);
    const expiresAt = now + this.policy.ttlSec * 1000;
    const overlapEnd = now + this.policy.overlapSec * 1000;
    await this.db.tx(async (sql) => {
      await sql.query('UPDATE access_tokens SET expires_at = LEAST(expires_at, $2) WHERE appid=$1 AND expires_at > $2', [appid, overlapEnd]);
      // Keep expired tokens a day so that they answer 42001 (expired) rather than 40001 (unknown).
      await sql.query('DELETE FROM access_tokens WHERE appid=$1 AND expires_at < $2', [appid, now - 86_400_000]);
      await sql.query('INSERT INTO access_tokens (token_hash, appid, created_at, expires_at) VALUES ($1,$2,$3,$4)', [sha256hex(token), appid, now, expiresAt]);
    });
    this.changed(appid, { until: overlapEnd, except: sha256hex(token) });
    return { access_token: token, expires_in: this.policy.ttlSec };
  }

  /** The app a token belongs to, or a WeChat errcode (41001 missing, 40001 invalid, 42001 expired). */
  async authenticate(token: unknown): Promise<string> {
    if (typeof token !== 'string' || token === '') throw new WxFail(Errcode.AccessTokenMissing, 'access_token missing');
    if (token.length > 512) throw new WxFail(Errcode.InvalidCredential, 'invalid credential, access_token is invalid or not latest');
    const h = sha256hex(token);
    let t = this.tokenCache.get(h);
    if (!t) {
      const [row] = await this.db.query<{ appid: string; expires_at: number }>('SELECT appid, expires_at FROM access_tokens WHERE token_hash=$1', [h]);
      if (!row) throw new WxFail(Errcode.InvalidCredential, 'invalid credential, access_token is invalid or not latest');
      t = { appid: row.appid, expiresAt: row.expires_at };
      if (this.tokenCache.size > 10_000) this.tokenCache.clear();
      this.tokenCache.set(h, t);
    }
    if (t.expiresAt <= this.clock.now()) throw new WxFail(Errcode.AccessTokenExpired, 'access_token expired');
    return t.appid;
  }
}
