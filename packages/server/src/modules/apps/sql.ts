/** The apps module's tables: apps, access_tokens. */
import type { Db } from '../../db/index.js';
import type { AppSettings } from './settings.js';

export type TokenKind = 'basic' | 'stable';

export interface StablePolicy {
  force: boolean;
  ttlMs: number;
  renewBeforeMs: number;
  /** the quota day (Asia/Shanghai) of now */
  day: string;
  maxForce: number;
  forceGapMs: number;
}

export interface StableToken {
  token: string;
  expiresAt: number;
  /** minted by this call */
  fresh: boolean;
}

export interface AppRow {
  appid: string;
  name: string;
  owner: string | null;
  sign_key: string;
  daily_quota: number | null;
  settings: AppSettings;
  created_at: number;
}

const APP_COLS = 'appid, name, owner, sign_key, daily_quota, settings, created_at';

export class AppsSql {
  constructor(private readonly db: Db) {}

  async insert(a: { appid: string; name: string; owner: string | null; secretVerify: string; signKey: string; at: number }): Promise<void> {
    await this.db.query('INSERT INTO apps (appid, name, owner, secret_verify, sign_key, created_at) VALUES ($1,$2,$3,$4,$5,$6)', [
      a.appid,
      a.name,
      a.owner,
      a.secretVerify,
      a.signKey,
      a.at,
    ]);
  }

  /** New secret derivations; every token of the app is deleted. False when there is no such app. */
  async replaceSecret(appid: string, secretVerify: string, signKey: string): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const rows = await sql.query('UPDATE apps SET secret_verify=$2, sign_key=$3 WHERE appid=$1 RETURNING appid', [
        appid,
        secretVerify,
        signKey,
      ]);
      if (!rows.length) return false;
      await sql.query('DELETE FROM access_tokens WHERE appid=$1', [appid]);
      return true;
    });
  }

  async get(appid: string): Promise<AppRow | undefined> {
    const [row] = await this.db.query<AppRow>(`SELECT ${APP_COLS} FROM apps WHERE appid=$1`, [appid]);
    return row;
  }

  list(): Promise<AppRow[]> {
    return this.db.query<AppRow>(`SELECT ${APP_COLS} FROM apps ORDER BY created_at`);
  }

  async updateSettings(appid: string, patch: AppSettings, dailyQuota: number | null | undefined): Promise<void> {
    await this.db.query(
      `UPDATE apps SET settings = settings || $2::jsonb, daily_quota = CASE WHEN $3::boolean THEN $4::integer ELSE daily_quota END WHERE appid=$1`,
      [appid, JSON.stringify(patch), dailyQuota !== undefined, dailyQuota ?? null],
    );
  }

  async secretVerifier(appid: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ secret_verify: string }>('SELECT secret_verify FROM apps WHERE appid=$1', [appid]);
    return row?.secret_verify;
  }

  /**
   * Store a new token: older tokens of the app keep working until `overlapEnd` only; expired tokens are kept a day
   * so that they answer 42001 (expired) rather than 40001 (unknown).
   */
  async storeToken(appid: string, tokenHash: string, now: number, expiresAt: number, overlapEnd: number): Promise<void> {
    await this.db.tx(async (sql) => {
      // Ordinary tokens only: a stable token (stable_token) is never knocked out by /cgi-bin/token.
      await sql.query(`UPDATE access_tokens SET expires_at = LEAST(expires_at, $2) WHERE appid=$1 AND expires_at > $2 AND kind = 'basic'`, [
        appid,
        overlapEnd,
      ]);
      await sql.query('DELETE FROM access_tokens WHERE appid=$1 AND expires_at < $2', [appid, now - 86_400_000]);
      await sql.query('INSERT INTO access_tokens (token_hash, appid, created_at, expires_at) VALUES ($1,$2,$3,$4)', [
        tokenHash,
        appid,
        now,
        expiresAt,
      ]);
    });
  }

  async token(tokenHash: string): Promise<{ appid: string; expires_at: number; kind: TokenKind } | undefined> {
    const [row] = await this.db.query<{ appid: string; expires_at: number; kind: TokenKind }>(
      'SELECT appid, expires_at, kind FROM access_tokens WHERE token_hash=$1',
      [tokenHash],
    );
    return row;
  }

  /**
   * The app's stable token (stable_token), in one transaction with its row locked so that instances asking at once
   * agree: the current one while it has more than `renewBeforeMs` left, unless `force`; otherwise a new one from `mint`.
   * A forced refresh is refused past `maxForce` a day (`'daily'`) or within `forceGapMs` of the last one (`'gap'`), and
   * ends the previous stable token at once; a normal renewal lets it run out by itself.
   */
  refreshStable(
    appid: string,
    now: number,
    p: StablePolicy,
    mint: () => { token: string; hash: string },
  ): Promise<StableToken | 'daily' | 'gap'> {
    return this.db.tx(async (sql) => {
      await sql.query("INSERT INTO stable_tokens (appid, token, expires_at) VALUES ($1, '', 0) ON CONFLICT (appid) DO NOTHING", [appid]);
      const [row] = await sql.query<{ token: string; expires_at: number; force_day: string; force_count: number; last_force_at: number }>(
        'SELECT token, expires_at, force_day, force_count, last_force_at FROM stable_tokens WHERE appid = $1 FOR UPDATE',
        [appid],
      );
      if (!row) throw new Error(`stable_tokens row of ${appid} vanished`);
      if (!p.force && row.token && row.expires_at - now > p.renewBeforeMs)
        return { token: row.token, expiresAt: row.expires_at, fresh: false };
      const forceCount = row.force_day === p.day ? row.force_count : 0;
      if (p.force && forceCount >= p.maxForce) return 'daily';
      if (p.force && now - row.last_force_at < p.forceGapMs) return 'gap';
      const t = mint();
      const expiresAt = now + p.ttlMs;
      if (p.force)
        await sql.query(`UPDATE access_tokens SET expires_at = $2 WHERE appid = $1 AND kind = 'stable' AND expires_at > $2`, [appid, now]);
      await sql.query(`INSERT INTO access_tokens (token_hash, appid, created_at, expires_at, kind) VALUES ($1, $2, $3, $4, 'stable')`, [
        t.hash,
        appid,
        now,
        expiresAt,
      ]);
      await sql.query(
        `UPDATE stable_tokens SET token = $2, expires_at = $3, force_day = $4, force_count = $5, last_force_at = CASE WHEN $6::boolean THEN $7::bigint ELSE last_force_at END WHERE appid = $1`,
        [appid, t.token, expiresAt, p.day, forceCount + (p.force ? 1 : 0), p.force, now],
      );
      return { token: t.token, expiresAt, fresh: true };
    });
  }
}
