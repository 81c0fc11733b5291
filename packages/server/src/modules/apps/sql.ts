/** The apps module's tables: apps, access_tokens. */
import type { Db } from '../../db/index.js';
import type { AppSettings } from './settings.js';

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
      a.appid, a.name, a.owner, a.secretVerify, a.signKey, a.at,
    ]);
  }

  /** New secret derivations; every token of the app is deleted. False when there is no such app. */
  async replaceSecret(appid: string, secretVerify: string, signKey: string): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const rows = await sql.query('UPDATE apps SET secret_verify=$2, sign_key=$3 WHERE appid=$1 RETURNING appid', [appid, secretVerify, signKey]);
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
      await sql.query('UPDATE access_tokens SET expires_at = LEAST(expires_at, $2) WHERE appid=$1 AND expires_at > $2', [appid, overlapEnd]);
      await sql.query('DELETE FROM access_tokens WHERE appid=$1 AND expires_at < $2', [appid, now - 86_400_000]);
      await sql.query('INSERT INTO access_tokens (token_hash, appid, created_at, expires_at) VALUES ($1,$2,$3,$4)', [tokenHash, appid, now, expiresAt]);
    });
  }

  async token(tokenHash: string): Promise<{ appid: string; expires_at: number } | undefined> {
    const [row] = await this.db.query<{ appid: string; expires_at: number }>('SELECT appid, expires_at FROM access_tokens WHERE token_hash=$1', [tokenHash]);
    return row;
  }
}
