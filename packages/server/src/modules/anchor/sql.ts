/** The anchor module's tables: anchor_tickets (one-time sign-in links), anchor_sessions (a phone signed in to one room). */
import type { Db } from '../../db/index.js';

export class AnchorSql {
  constructor(private readonly db: Db) {}

  async insertTicket(nonceHash: string, roomId: number, at: number, expiresAt: number): Promise<void> {
    await this.db.query('INSERT INTO anchor_tickets (nonce_hash, room_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      nonceHash,
      roomId,
      at,
      expiresAt,
    ]);
  }

  /** Spend a ticket: true exactly once, for an unexpired ticket of that room (concurrent sign-ins: one wins). */
  async spendTicket(nonceHash: string, roomId: number, now: number): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE anchor_tickets SET used_at = $3 WHERE nonce_hash = $1 AND room_id = $2 AND used_at IS NULL AND expires_at > $3 RETURNING room_id',
      [nonceHash, roomId, now],
    );
    return rows.length === 1;
  }

  async insertSession(tokenHash: string, roomId: number, at: number, expiresAt: number): Promise<void> {
    await this.db.query('INSERT INTO anchor_sessions (token_hash, room_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      tokenHash,
      roomId,
      at,
      expiresAt,
    ]);
  }

  async session(tokenHash: string): Promise<{ room_id: number; expires_at: number } | undefined> {
    const [row] = await this.db.query<{ room_id: number; expires_at: number }>(
      'SELECT room_id, expires_at FROM anchor_sessions WHERE token_hash = $1',
      [tokenHash],
    );
    return row;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM anchor_sessions WHERE token_hash = $1', [tokenHash]);
  }

  /** Expired tickets and sessions go (called when a ticket is issued: no job needed). */
  async deleteExpired(now: number): Promise<void> {
    await this.db.query('DELETE FROM anchor_tickets WHERE expires_at <= $1', [now]);
    await this.db.query('DELETE FROM anchor_sessions WHERE expires_at <= $1', [now]);
  }
}
