/** Merchant apps and WeChat-style access tokens (S-API-5). The appsecret is never stored (lib/crypto.ts). */
import { Reason } from '@zhibo/protocol';
import { type Clock, quotaDay } from '@zhibo/core';
import { randomHex, randomToken, safeEqual, secretVerifier, sha256hex, signKeyOf } from '../../lib/crypto.js';
import type { DomainBus, DomainEvents } from '../../lib/domain-events.js';
import { DomainError } from '../../lib/errors.js';
import type { AppRow, AppsSql, TokenKind } from './sql.js';
import { type AppSettings, validateAppSettings } from './settings.js';

export interface TokenPolicy {
  ttlSec: number;
  overlapSec: number;
}

interface CachedToken {
  appid: string;
  expiresAt: number;
  kind: TokenKind;
}

/** WeChat's stable_token rules: renewed within 5 minutes of expiry; force_refresh at most 20 times a day, 30 s apart. */
export const STABLE_TOKEN = { renewBeforeMs: 5 * 60_000, maxForce: 20, forceGapMs: 30_000 } as const;

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
      if (v.appid !== appid || k === tokens.except || v.kind !== (tokens.kind ?? 'basic')) continue;
      if (tokens.until === 0) this.tokenCache.delete(k);
      else if (v.expiresAt > tokens.until) v.expiresAt = tokens.until;
    }
  }

  private changed(appid: string, tokens?: { until: number; except?: string; kind?: TokenKind }): void {
    this.events.emit('appChanged', tokens ? { appid, tokens } : { appid });
  }

  async create(name: string, owner: string | null = null): Promise<{ appid: string; appsecret: string }> {
    if (typeof name !== 'string' || !name.trim() || name.trim().length > 64)
      throw new DomainError(Reason.BadParameter, 'app name must be 1–64 characters', 'name');
    const appid = `wx${randomHex(8)}`;
    const appsecret = randomHex(16);
    await this.sql.insert({
      appid,
      name: name.trim(),
      owner,
      secretVerify: secretVerifier(appsecret),
      signKey: signKeyOf(appsecret),
      at: this.clock.now(),
    });
    return { appid, appsecret };
  }

  /** A new secret; the old one stops working at once, and so do its tokens. */
  async resetSecret(appid: string): Promise<string> {
    const appsecret = randomHex(16);
    if (!(await this.sql.replaceSecret(appid, secretVerifier(appsecret), signKeyOf(appsecret))))
      throw new DomainError(Reason.NotFound, `no app ${appid}`);
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

  private async credentials(grantType: unknown, appid: unknown, secret: unknown): Promise<string> {
    if (grantType !== 'client_credential')
      throw new DomainError(Reason.InvalidGrantType, 'grant_type must be client_credential', 'grant_type');
    if (typeof appid !== 'string' || !appid) throw new DomainError(Reason.InvalidAppid, 'appid missing', 'appid');
    const verify = await this.sql.secretVerifier(appid);
    if (!verify) throw new DomainError(Reason.InvalidAppid, `invalid appid ${appid.slice(0, 40)}`, 'appid');
    if (typeof secret !== 'string' || !safeEqual(secretVerifier(secret), verify))
      throw new DomainError(Reason.InvalidAppsecret, 'invalid appsecret', 'secret');
    return appid;
  }

  /**
   * POST /cgi-bin/stable_token: the same token until it is within 5 minutes of expiry (then a new one; the old one runs
   * out by itself), so instances sharing an app never knock each other out; `force_refresh: true` mints a new one at
   * once and ends the previous (at most 20 a day, 30 s apart). Ordinary tokens and stable tokens never end each other.
   */
  async stableToken(
    grantType: unknown,
    appidIn: unknown,
    secret: unknown,
    forceRefresh: unknown,
  ): Promise<{ access_token: string; expires_in: number }> {
    const appid = await this.credentials(grantType, appidIn, secret);
    if (
      forceRefresh !== undefined &&
      forceRefresh !== null &&
      typeof forceRefresh !== 'boolean' &&
      !['true', 'false', '0', '1', 0, 1].includes(forceRefresh as string)
    )
      throw new DomainError(Reason.BadParameter, 'force_refresh must be true or false', 'force_refresh');
    const force = forceRefresh === true || forceRefresh === 'true' || forceRefresh === '1' || forceRefresh === 1;
    const now = this.clock.now();
    let minted = '';
    const r = await this.sql.refreshStable(
      appid,
      now,
      { force, ttlMs: this.policy.ttlSec * 1000, day: quotaDay(now), ...STABLE_TOKEN },
      () => {
        minted = randomToken(48);
        return { token: minted, hash: sha256hex(minted) };
      },
    );
    if (r === 'daily')
      throw new DomainError(
        Reason.QuotaExceeded,
        `reach max api daily quota limit: force_refresh is allowed ${STABLE_TOKEN.maxForce} times a day`,
      );
    if (r === 'gap')
      throw new DomainError(
        Reason.MinuteQuota,
        `api minute-quota reach limit mustslower retry next minute: force_refresh at most once in ${STABLE_TOKEN.forceGapMs / 1000} s`,
      );
    if (r.fresh && force) this.changed(appid, { until: now, except: sha256hex(r.token), kind: 'stable' });
    return { access_token: r.token, expires_in: Math.max(1, Math.floor((r.expiresAt - now) / 1000)) };
  }

  /** GET /cgi-bin/token: a fresh token; the previous ones stay valid for the overlap only. */
  async issueToken(grantType: unknown, appidIn: unknown, secret: unknown): Promise<{ access_token: string; expires_in: number }> {
    const appid = await this.credentials(grantType, appidIn, secret);
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
      t = { appid: row.appid, expiresAt: row.expires_at, kind: row.kind };
      if (this.tokenCache.size > 10_000) this.tokenCache.clear();
      this.tokenCache.set(h, t);
    }
    if (t.expiresAt <= this.clock.now()) throw new DomainError(Reason.AccessTokenExpired, 'access_token expired');
    return t.appid;
  }
}
