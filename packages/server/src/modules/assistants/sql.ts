/** The assistants module's tables: room_assistants and assistant_sessions (an assistant signed in on a phone). */
import type { Db } from '../../db/index.js';

export interface AssistantRow {
  room_id: number;
  username: string;
  nickname: string;
  openid: string;
  link_version: number;
  created_at: number;
  updated_at: number;
}

export interface AssistantSessionRow {
  room_id: number;
  username: string;
  nickname: string;
  csrf: string;
  created_at: number;
  seen_at: number;
  expires_at: number;
}

const COLS = 'room_id, username, nickname, openid, link_version, created_at, updated_at';

export class AssistantsSql {
  constructor(private readonly db: Db) {}

  /** Add every user or none: 'exists' names the first one already there; 'full' when the room would pass `max`. */
  add(
    roomId: number,
    users: Array<{ username: string; nickname: string; openid: string }>,
    max: number,
    now: number,
  ): Promise<{ exists: string } | 'full' | 'ok'> {
    return this.db.tx(async (sql) => {
      await sql.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assistants:${roomId}`]);
      const have = await sql.query<{ username: string }>('SELECT username FROM room_assistants WHERE room_id = $1', [roomId]);
      const dup = users.find((u) => have.some((h) => h.username === u.username));
      if (dup) return { exists: dup.username };
      if (have.length + users.length > max) return 'full';
      for (const u of users)
        await sql.query(
          'INSERT INTO room_assistants (room_id, username, nickname, openid, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)',
          [roomId, u.username, u.nickname, u.openid, now],
        );
      return 'ok';
    });
  }

  async rename(roomId: number, username: string, nickname: string, now: number): Promise<boolean> {
    return (
      (
        await this.db.query('UPDATE room_assistants SET nickname = $3, updated_at = $4 WHERE room_id = $1 AND username = $2 RETURNING 1', [
          roomId,
          username,
          nickname,
          now,
        ])
      ).length > 0
    );
  }

  /** Remove an assistant; its sessions go with it (ON DELETE CASCADE). */
  async remove(roomId: number, username: string): Promise<boolean> {
    return (
      (await this.db.query('DELETE FROM room_assistants WHERE room_id = $1 AND username = $2 RETURNING 1', [roomId, username])).length > 0
    );
  }

  list(roomId: number): Promise<AssistantRow[]> {
    return this.db.query<AssistantRow>(`SELECT ${COLS} FROM room_assistants WHERE room_id = $1 ORDER BY created_at, username`, [roomId]);
  }

  async get(roomId: number, username: string): Promise<AssistantRow | undefined> {
    const [row] = await this.db.query<AssistantRow>(`SELECT ${COLS} FROM room_assistants WHERE room_id = $1 AND username = $2`, [
      roomId,
      username,
    ]);
    return row;
  }

  /** Every sign-in link handed out so far stops working, and every session made with one ends. */
  async revokeLinks(roomId: number, username: string): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const rows = await sql.query(
        'UPDATE room_assistants SET link_version = link_version + 1 WHERE room_id = $1 AND username = $2 RETURNING 1',
        [roomId, username],
      );
      await sql.query('DELETE FROM assistant_sessions WHERE room_id = $1 AND username = $2', [roomId, username]);
      return rows.length > 0;
    });
  }

  async insertSession(tokenHash: string, roomId: number, username: string, csrf: string, now: number, expiresAt: number): Promise<void> {
    await this.db.query('DELETE FROM assistant_sessions WHERE expires_at < $1', [now]);
    await this.db.query(
      'INSERT INTO assistant_sessions (token_hash, room_id, username, csrf, created_at, seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)',
      [tokenHash, roomId, username, csrf, now, expiresAt],
    );
  }

  /** A session with its assistant (none once the assistant was removed: the row cascades away). */
  async session(tokenHash: string): Promise<AssistantSessionRow | undefined> {
    const [row] = await this.db.query<AssistantSessionRow>(
      `SELECT s.room_id, s.username, a.nickname, s.csrf, s.created_at, s.seen_at, s.expires_at
       FROM assistant_sessions s JOIN room_assistants a ON a.room_id = s.room_id AND a.username = s.username WHERE s.token_hash = $1`,
      [tokenHash],
    );
    return row;
  }

  async touchSession(tokenHash: string, now: number, expiresAt: number): Promise<void> {
    await this.db.query('UPDATE assistant_sessions SET seen_at = $2, expires_at = $3 WHERE token_hash = $1', [tokenHash, now, expiresAt]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM assistant_sessions WHERE token_hash = $1', [tokenHash]);
  }
}
