/** The console module's tables: console_accounts, console_sessions, room_samples (the numbers chart). */
import type { Db } from '../../db/index.js';

export interface Account {
  id: number;
  login: string;
  name: string;
  role: 'operator' | 'merchant';
  created_at: number;
  /** signed in with a generated password: must choose its own before anything else */
  must_change_password: boolean;
}

const ACCOUNT_COLS = 'id, login, name, role, created_at, must_change_password';

export class ConsoleSql {
  constructor(private readonly db: Db) {}

  // ---- accounts

  async insertAccount(a: {
    login: string;
    name: string;
    role: string;
    passwordHash: string;
    at: number;
    mustChange: boolean;
  }): Promise<Account | undefined> {
    const [row] = await this.db.query<Account>(
      `INSERT INTO console_accounts (login, name, role, password_hash, created_at, password_changed_at, must_change_password) VALUES ($1,$2,$3,$4,$5,$5,$6)
       ON CONFLICT (login) DO NOTHING RETURNING ${ACCOUNT_COLS}`,
      [a.login, a.name, a.role, a.passwordHash, a.at, a.mustChange],
    );
    return row;
  }

  async account(id: number): Promise<Account | undefined> {
    const [row] = await this.db.query<Account>(`SELECT ${ACCOUNT_COLS} FROM console_accounts WHERE id = $1`, [id]);
    return row;
  }

  async accountByLogin(login: string): Promise<(Account & { password_hash: string }) | undefined> {
    const [row] = await this.db.query<Account & { password_hash: string }>(
      `SELECT ${ACCOUNT_COLS}, password_hash FROM console_accounts WHERE login = $1`,
      [login],
    );
    return row;
  }

  accounts(): Promise<Account[]> {
    return this.db.query<Account>(`SELECT ${ACCOUNT_COLS} FROM console_accounts ORDER BY id`);
  }

  async operatorCount(): Promise<number> {
    const [n] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM console_accounts WHERE role = 'operator'`);
    return n?.n ?? 0;
  }

  /** A new password hash; every session of the account ends. */
  async setPassword(id: number, hash: string, at: number, mustChange: boolean): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.query('UPDATE console_accounts SET password_hash = $2, password_changed_at = $3, must_change_password = $4 WHERE id = $1', [
        id,
        hash,
        at,
        mustChange,
      ]);
      await sql.query('DELETE FROM console_sessions WHERE account_id = $1', [id]);
    });
  }

  // ---- sessions

  async insertSession(tokenHash: string, accountId: number, csrf: string, at: number, expiresAt: number): Promise<void> {
    await this.db.query('DELETE FROM console_sessions WHERE expires_at < $1', [at]);
    await this.db.query(
      'INSERT INTO console_sessions (token_hash, account_id, csrf, created_at, seen_at, expires_at) VALUES ($1,$2,$3,$4,$4,$5)',
      [tokenHash, accountId, csrf, at, expiresAt],
    );
  }

  async session(
    tokenHash: string,
  ): Promise<(Account & { csrf: string; created_at_s: number; seen_at: number; expires_at: number }) | undefined> {
    const [row] = await this.db.query<Account & { csrf: string; created_at_s: number; seen_at: number; expires_at: number }>(
      `SELECT a.id, a.login, a.name, a.role, a.created_at, a.must_change_password, s.csrf, s.created_at AS created_at_s, s.seen_at, s.expires_at
       FROM console_sessions s JOIN console_accounts a ON a.id = s.account_id WHERE s.token_hash = $1`,
      [tokenHash],
    );
    return row;
  }

  async touchSession(tokenHash: string, seenAt: number, expiresAt: number): Promise<void> {
    await this.db.query('UPDATE console_sessions SET seen_at = $2, expires_at = $3 WHERE token_hash = $1', [tokenHash, seenAt, expiresAt]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
  }

  // ---- devices that signed in before (exempt from the account lockout)

  async rememberDevice(tokenHash: string, accountId: number, at: number): Promise<void> {
    await this.db.query(
      `INSERT INTO console_devices (token_hash, account_id, created_at, seen_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (token_hash, account_id) DO UPDATE SET seen_at = EXCLUDED.seen_at`,
      [tokenHash, accountId, at],
    );
  }

  async knownDevice(tokenHash: string, accountId: number): Promise<boolean> {
    return (
      (await this.db.query('SELECT 1 FROM console_devices WHERE token_hash = $1 AND account_id = $2', [tokenHash, accountId])).length > 0
    );
  }

  // ---- room samples (viewers and likes over time, for the chart)

  async insertSamples(ids: number[], viewers: number[], likes: number[], at: number): Promise<void> {
    await this.db.query(
      `INSERT INTO room_samples (room_id, at, viewers, likes)
       SELECT t.room_id, $4, t.viewers, t.likes FROM unnest($1::int[], $2::int[], $3::int8[]) AS t(room_id, viewers, likes)
       JOIN rooms r ON r.id = t.room_id
       ON CONFLICT (room_id, at) DO UPDATE SET viewers = GREATEST(room_samples.viewers, EXCLUDED.viewers), likes = GREATEST(room_samples.likes, EXCLUDED.likes)`,
      [ids, viewers, likes, at],
    );
  }

  samples(roomId: number, from: number, to: number): Promise<Array<{ at: number; viewers: number; likes: number }>> {
    return this.db.query('SELECT at, viewers, likes FROM room_samples WHERE room_id = $1 AND at >= $2 AND at <= $3 ORDER BY at', [
      roomId,
      from,
      to,
    ]);
  }
}
