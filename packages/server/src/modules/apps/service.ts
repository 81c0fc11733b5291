/** Merchant apps and WeChat-style access tokens (S-API-5). The appsecret is never stored (lib/crypto.ts). */
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { randomHex, randomToken, safeEqual, secretVerifier, sha256hex, signKeyOf } from '../../lib/crypto.js';
import type { DomainBus, DomainEvents } from '../../lib/domain-events.js';
import { DomainError } from '../../lib/errors.js';
import type { AppRow, AppsSql } from './sql.js';
import { type AppSettings, validateAppSettings } from './settings.js';

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
    private readonly sql: AppsSql,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    private readonly events: DomainBus,
  ) {
    // Caches follow appChanged, whether this process or another one (app/change-feed.ts) made the change.
    events.on('appChanged', (e) => this.applyChange(e));
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
    this.events.emit('appChanged', tokens ? { appid, tokens } : { appid });
  }

  async create(name: string, owner: string | null = null): Promise<{ appid: string; appsecret: string }> {
    if (typeof name !== 'string' || !name.trim() || name.trim().length > 64) throw new DomainError(Reason.BadParameter, 'app name must be 1–64 characters', 'name');
    const appid = `wx${randomHex(8)}`;
    const appsecret = randomHex(16);
    await this.sql.insert({ appid, name: name.trim(), owner, secretVerify: secretVerifier(appsecret), signKey: signKeyOf(appsecret), at: this.clock.now() });
    return { appid, appsecret };
  }

  /** A new secret; the old one stops working at once, and so do its tokens. */
  async resetSecret(appid: string): Promise<string> {
    const appsecret = randomHex(16);
    if (!(await this.sql.replaceSecret(appid, secretVerifier(appsecret), signKeyOf(appsecret)))) throw new DomainError(Reason.NotFound, `no app ${appid}`);
    this.changed(appid, { until: 0 });
    return appsecret;
  }

  async get(appid: string): Promise<AppRow | undefined> {
    const hit = this.appCache.get(appid);
    if (hit) return hit;
    const row = await this.sql.get(appid);
    if (row) this.appCache.set(appid, row);
    return row;
  }

  list(): Promise<AppRow[]> {
    return this.sql.list();
  }

  /**
   * Change settings (validated, app/settings.ts); keys not given keep their values, `reminders` is merged key by key.
   * Returns the settings as stored.
   */
  async updateSettings(appid: string, input: Record<string, unknown>): Promise<AppSettings> {
    const app = await this.get(appid);
    if (!app) throw new DomainError(Reason.NotFound, `no app ${appid}`);
    const patch = validateAppSettings(input);
    if (patch.settings.reminders) patch.settings.reminders = { ...app.settings.reminders, ...patch.settings.reminders };
    await this.sql.updateSettings(appid, patch.settings, patch.dailyQuota);
    this.changed(appid);
    return (await this.get(appid))?.settings ?? {};
  }

  /** GET /cgi-bin/token: a fresh token; the previous ones stay valid for the overlap only. */
  async issueToken(grantType: unknown, appid: unknown, secret: unknown): Promise<{ access_token: string; expires_in: number }> {
    if (grantType !== 'client_credential') throw new DomainError(Reason.InvalidGrantType, 'grant_type must be client_credential', 'grant_type');
    if (typeof appid !== 'string' || !appid) throw new DomainError(Reason.InvalidAppid, 'appid missing', 'appid');
    const verify = await this.sql.secretVerifier(appid);
    if (!verify) throw new DomainError(Reason.InvalidAppid, `invalid appid ${appid.slice(0, 40)}`, 'appid');
    if (typeof secret !== 'string' || !safeEqual(secretVerifier(secret), verify)) throw new DomainError(Reason.InvalidAppsecret, 'invalid appsecret', 'secret');
    const now = this.clock.now();
    const token = randomToken(48);
    const overlapEnd = now + this.policy.overlapSec * 1000;
    await this.sql.storeToken(appid, sha256hex(token), now, now + this.policy.ttlSec * 1000, overlapEnd);
    this.changed(appid, { until: overlapEnd, except: sha256hex(token) });
    return { access_token: token, expires_in: this.policy.ttlSec };
  }

  /** The app a token belongs to, or a WeChat errcode (41001 missing, 40001 invalid, 42001 expired). */
  async authenticate(token: unknown): Promise<string> {
    if (typeof token !== 'string' || token === '') throw new DomainError(Reason.AccessTokenMissing, 'access_token missing');
    if (token.length > 512) throw new DomainError(Reason.InvalidCredential, 'invalid credential, access_token is invalid or not latest');
    const h = sha256hex(token);
    let t = this.tokenCache.get(h);
    if (!t) {
      const row = await this.sql.token(h);
      if (!row) throw new DomainError(Reason.InvalidCredential, 'invalid credential, access_token is invalid or not latest');
      t = { appid: row.appid, expiresAt: row.expires_at };
      if (this.tokenCache.size > 10_000) this.tokenCache.clear();
      this.tokenCache.set(h, t);
    }
    if (t.expiresAt <= this.clock.now()) throw new DomainError(Reason.AccessTokenExpired, 'access_token expired');
    return t.appid;
  }
}
