/** The replays module's table: replays (one row per publish session: recording → ready → expired, or failed). */
import type { Db } from '../../db/index.js';

export interface ReplayRow {
  room_id: number;
  session_id: string;
  status: 'recording' | 'ready' | 'failed' | 'expired';
  file: string;
  started_at: number;
  /** the server clock at publish start (events are placed on the replay's timeline by it) */
  clock_started_at: number | null;
  ended_at: number | null;
  duration_sec: number | null;
  create_time: number | null;
  expire_time: number | null;
}

export class ReplaysSql {
  constructor(private readonly db: Db) {}

  async started(roomId: number, sessionId: string, at: number): Promise<void> {
    await this.db.query(
      `INSERT INTO replays (room_id, session_id, status, file, started_at, clock_started_at) VALUES ($1, $2, 'recording', '', $3, $3) ON CONFLICT (session_id) DO NOTHING`,
      [roomId, sessionId, at],
    );
  }

  /**
   * Replay files moved from one data directory to another (zhibo restore): rows name files by absolute path — the
   * segments, the one replay of a live (replay_lives) and the explanation clips (replay_markers). Returns how many.
   */
  async relocate(from: string, to: string): Promise<number> {
    const moved = (table: string, column: string) =>
      this.db.query(
        `UPDATE ${table} SET ${column} = $2 || substr(${column}, length($1) + 1) WHERE starts_with(${column}, $1) RETURNING 1`,
        [from, to],
      );
    const rows = [await moved('replays', 'file'), await moved('replay_lives', 'file'), await moved('replay_markers', 'clip_file')];
    return rows.reduce((n, r) => n + r.length, 0);
  }

  async ready(r: {
    roomId: number;
    sessionId: string;
    file: string;
    startedAt: number;
    endedAt: number;
    durationSec: number;
    createTime: number;
    expireTime: number;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO replays (room_id, session_id, status, file, started_at, ended_at, duration_sec, create_time, expire_time)
       VALUES ($1, $2, 'ready', $3, $4, $5, $6, $7, $8)
       ON CONFLICT (session_id) DO UPDATE SET status = 'ready', file = EXCLUDED.file, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
         duration_sec = EXCLUDED.duration_sec, create_time = EXCLUDED.create_time, expire_time = EXCLUDED.expire_time`,
      [r.roomId, r.sessionId, r.file, r.startedAt, r.endedAt, r.durationSec, r.createTime, r.expireTime],
    );
  }

  async failed(sessionId: string): Promise<void> {
    await this.db.query(`UPDATE replays SET status = 'failed' WHERE session_id = $1`, [sessionId]);
  }

  /** Ready segments of a room, oldest first, with the total. */
  async readyPage(roomId: number, start: number, limit: number): Promise<{ rows: ReplayRow[]; total: number }> {
    const rows = await this.db.query<ReplayRow>(
      `SELECT * FROM replays WHERE room_id = $1 AND status = 'ready' ORDER BY started_at, id OFFSET $2 LIMIT $3`,
      [roomId, start, limit],
    );
    const [c] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM replays WHERE room_id = $1 AND status = 'ready'`, [
      roomId,
    ]);
    return { rows, total: c?.n ?? 0 };
  }

  /** Ready and not expired at `now` (the room page), oldest first. */
  playable(roomId: number, now: number, limit: number): Promise<ReplayRow[]> {
    return this.db.query<ReplayRow>(
      `SELECT * FROM replays WHERE room_id = $1 AND status = 'ready' AND (expire_time IS NULL OR expire_time > $2) ORDER BY started_at, id LIMIT $3`,
      [roomId, now, limit],
    );
  }

  /** Every segment but the expired ones (the console). */
  notExpired(roomId: number): Promise<ReplayRow[]> {
    return this.db.query<ReplayRow>(`SELECT * FROM replays WHERE room_id = $1 AND status <> 'expired' ORDER BY started_at, id`, [roomId]);
  }

  async readyFile(roomId: number, sessionId: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ file: string }>(
      `SELECT file FROM replays WHERE room_id = $1 AND session_id = $2 AND status = 'ready'`,
      [roomId, sessionId],
    );
    return row?.file;
  }

  /** A deleted room: every segment not expired yet is marked expired and returned (the caller deletes the files). */
  removeRoom(roomId: number): Promise<ReplayRow[]> {
    return this.db.query<ReplayRow>(`UPDATE replays SET status = 'expired' WHERE room_id = $1 AND status <> 'expired' RETURNING *`, [
      roomId,
    ]);
  }

  /** Mark segments past expire_time expired; returns them (the caller deletes the files). */
  expire(now: number): Promise<ReplayRow[]> {
    return this.db.query<ReplayRow>(`UPDATE replays SET status = 'expired' WHERE status = 'ready' AND expire_time <= $1 RETURNING *`, [
      now,
    ]);
  }
}
