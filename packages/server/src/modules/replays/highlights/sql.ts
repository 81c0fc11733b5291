/**
 * The replays module's highlight tables (migration 8): replay_lives (the one replay of a live), replay_events (what the
 * merchant did during the live) and replay_markers (看点 and their clips). Two statements read `rooms` for
 * correctness and say so: the sweep finds replays of deleted rooms (rooms are soft-deleted) to remove their files.
 */
import type { Db } from '../../../db/index.js';
import type { TimelineSegment } from './timeline.js';

export type LiveStatusOfReplay = 'live' | 'pending' | 'building' | 'ready' | 'empty' | 'failed' | 'expired' | 'deleted';

export interface LiveRow {
  room_id: number;
  status: LiveStatusOfReplay;
  file_key: string;
  file: string;
  owned: boolean;
  duration_sec: number | null;
  segments: TimelineSegment[];
  built_at: number | null;
  expire_time: number | null;
  claimed_at: number | null;
  error: string;
  updated_at: number;
}

export interface EventRow {
  id: number;
  room_id: number;
  at: number;
  kind: 'present' | 'comments' | 'notice';
  goods_id: number | null;
  text: string;
}

export interface MarkerRow {
  id: number;
  room_id: number;
  goods_id: number;
  start_sec: number;
  end_sec: number;
  origin: 'live' | 'merchant';
  edited: boolean;
  clip_status: 'pending' | 'ready' | 'failed';
  clip_key: string;
  clip_file: string;
  clip_start_sec: number | null;
  clip_duration_sec: number | null;
  clip_error: string;
  created_at: number;
  updated_at: number;
}

export class HighlightsSql {
  constructor(private readonly db: Db) {}

  // -- replay_lives

  /** A publish session started: the live has a replay on the way (a row that already moved on is left alone). */
  async liveStarted(roomId: number, now: number): Promise<void> {
    await this.db.query(`INSERT INTO replay_lives (room_id, status, updated_at) VALUES ($1, 'live', $2) ON CONFLICT (room_id) DO NOTHING`, [
      roomId,
      now,
    ]);
  }

  /** The live ended (or a late segment arrived): build (again). A row being built is left to its builder. */
  async markPending(roomId: number, now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO replay_lives (room_id, status, updated_at) VALUES ($1, 'pending', $2)
       ON CONFLICT (room_id) DO UPDATE SET status = 'pending', updated_at = $2 WHERE replay_lives.status IN ('live', 'ready', 'empty', 'failed')`,
      [roomId, now],
    );
  }

  /** Claim a build: pending, or building but abandoned (a crash) for `staleMs`. One process wins. */
  async claim(roomId: number, now: number, staleMs: number): Promise<LiveRow | undefined> {
    const [row] = await this.db.query<LiveRow>(
      `UPDATE replay_lives SET status = 'building', claimed_at = $2, updated_at = $2
       WHERE room_id = $1 AND (status = 'pending' OR (status = 'building' AND claimed_at < $3)) RETURNING *`,
      [roomId, now, now - staleMs],
    );
    return row;
  }

  /** Hand a claimed build back (it must wait for a segment still being recorded). */
  async unclaim(roomId: number, now: number): Promise<void> {
    await this.db.query(
      `UPDATE replay_lives SET status = 'pending', claimed_at = NULL, updated_at = $2 WHERE room_id = $1 AND status = 'building'`,
      [roomId, now],
    );
  }

  async built(r: {
    roomId: number;
    status: 'ready' | 'empty' | 'failed';
    fileKey: string;
    file: string;
    owned: boolean;
    durationSec: number | null;
    segments: TimelineSegment[];
    expireTime: number | null;
    error: string;
    now: number;
  }): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE replay_lives SET status = $2, file_key = $3, file = $4, owned = $5, duration_sec = $6, segments = $7::jsonb, built_at = $10, expire_time = $8, error = $9,
         claimed_at = NULL, updated_at = $10 WHERE room_id = $1 AND status = 'building' RETURNING room_id`,
      [r.roomId, r.status, r.fileKey, r.file, r.owned, r.durationSec, JSON.stringify(r.segments), r.expireTime, r.error, r.now],
    );
    return rows.length > 0;
  }

  async live(roomId: number): Promise<LiveRow | undefined> {
    const [row] = await this.db.query<LiveRow>('SELECT * FROM replay_lives WHERE room_id = $1', [roomId]);
    return row;
  }

  /** Rows a process should look at after a start: not yet built, or a build a crash abandoned. */
  unfinished(): Promise<LiveRow[]> {
    return this.db.query<LiveRow>(`SELECT * FROM replay_lives WHERE status IN ('live', 'pending', 'building') ORDER BY room_id`);
  }

  /** Ready replays past their expiry: marked expired and returned (the caller removes the files). */
  expire(now: number): Promise<LiveRow[]> {
    return this.db.query<LiveRow>(
      `UPDATE replay_lives SET status = 'expired', updated_at = $1 WHERE status = 'ready' AND expire_time <= $1 RETURNING *`,
      [now],
    );
  }

  /** The room is gone: its replay is marked deleted and returned (with the marker rows it had) for the files to go. */
  async deleteRoom(roomId: number, now: number): Promise<{ live: LiveRow | undefined; markers: MarkerRow[] }> {
    return this.db.tx(async (sql) => {
      const [live] = await sql.query<LiveRow>(
        `UPDATE replay_lives SET status = 'deleted', updated_at = $2 WHERE room_id = $1 RETURNING *`,
        [roomId, now],
      );
      const markers = await sql.query<MarkerRow>('DELETE FROM replay_markers WHERE room_id = $1 RETURNING *', [roomId]);
      await sql.query('DELETE FROM replay_events WHERE room_id = $1', [roomId]);
      return { live, markers };
    });
  }

  /** Rooms deleted (soft) whose replay or segments were not cleared yet (reads `rooms.deleted_at`: see the file comment). */
  async deletedRooms(): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>(
      `SELECT r.id FROM rooms r WHERE r.deleted_at IS NOT NULL AND (
         EXISTS (SELECT 1 FROM replay_lives l WHERE l.room_id = r.id AND l.status <> 'deleted')
         OR EXISTS (SELECT 1 FROM replays s WHERE s.room_id = r.id AND s.status <> 'expired')
         OR EXISTS (SELECT 1 FROM replay_markers m WHERE m.room_id = r.id))
       ORDER BY r.id LIMIT 500`,
    );
    return rows.map((r) => r.id);
  }

  // -- replay_events

  async addEvent(e: Omit<EventRow, 'id'>): Promise<void> {
    await this.db.query(
      "INSERT INTO replay_events (room_id, at, kind, goods_id, text) SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM replay_lives WHERE room_id = $1 AND status = 'live')",
      [e.room_id, e.at, e.kind, e.goods_id, e.text],
    );
  }

  events(roomId: number, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<EventRow[]> {
    return this.db.query<EventRow>('SELECT * FROM replay_events WHERE room_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id', [
      roomId,
      from,
      to,
    ]);
  }

  // -- replay_markers

  markers(roomId: number): Promise<MarkerRow[]> {
    return this.db.query<MarkerRow>('SELECT * FROM replay_markers WHERE room_id = $1 ORDER BY start_sec, id', [roomId]);
  }

  async marker(roomId: number, id: number): Promise<MarkerRow | undefined> {
    const [row] = await this.db.query<MarkerRow>('SELECT * FROM replay_markers WHERE room_id = $1 AND id = $2', [roomId, id]);
    return row;
  }

  /** Replace the markers the live made (not the merchant's or edited ones) with `spans`; returns the rows removed. */
  async replaceLiveMarkers(
    roomId: number,
    spans: ReadonlyArray<{ goodsId: number; start: number; end: number }>,
    now: number,
  ): Promise<MarkerRow[]> {
    return this.db.tx(async (sql) => {
      const gone = await sql.query<MarkerRow>(
        `DELETE FROM replay_markers WHERE room_id = $1 AND origin = 'live' AND NOT edited RETURNING *`,
        [roomId],
      );
      if (spans.length)
        await sql.query(
          `INSERT INTO replay_markers (room_id, goods_id, start_sec, end_sec, origin, created_at, updated_at)
           SELECT $1, t.g, t.s, t.e, 'live', $5, $5 FROM unnest($2::int[], $3::float8[], $4::float8[]) AS t(g, s, e)`,
          [roomId, spans.map((s) => s.goodsId), spans.map((s) => s.start), spans.map((s) => s.end), now],
        );
      return gone;
    });
  }

  async addMarker(roomId: number, goodsId: number, start: number, end: number, now: number): Promise<MarkerRow> {
    const [row] = await this.db.query<MarkerRow>(
      `INSERT INTO replay_markers (room_id, goods_id, start_sec, end_sec, origin, edited, created_at, updated_at) VALUES ($1, $2, $3, $4, 'merchant', true, $5, $5) RETURNING *`,
      [roomId, goodsId, start, end, now],
    );
    return row!;
  }

  /** New times (and product) for a marker: its clip is cut again. Returns the row as it was (for its old clip file). */
  async updateMarker(roomId: number, id: number, goodsId: number, start: number, end: number, now: number): Promise<MarkerRow | undefined> {
    const [old] = await this.db.query<MarkerRow>(
      `UPDATE replay_markers m SET goods_id = $3, start_sec = $4, end_sec = $5, edited = true, clip_status = 'pending', clip_key = '', clip_file = '',
         clip_start_sec = NULL, clip_duration_sec = NULL, clip_error = '', updated_at = $6
       FROM replay_markers o WHERE m.room_id = $1 AND m.id = $2 AND o.id = m.id RETURNING o.*`,
      [roomId, id, goodsId, start, end, now],
    );
    return old;
  }

  async deleteMarker(roomId: number, id: number): Promise<MarkerRow | undefined> {
    const [row] = await this.db.query<MarkerRow>('DELETE FROM replay_markers WHERE room_id = $1 AND id = $2 RETURNING *', [roomId, id]);
    return row;
  }

  /** Markers whose clip is still to be cut (oldest first). */
  pendingClips(roomId: number): Promise<MarkerRow[]> {
    return this.db.query<MarkerRow>(`SELECT * FROM replay_markers WHERE room_id = $1 AND clip_status = 'pending' ORDER BY id`, [roomId]);
  }

  /** Record a cut clip, unless the marker changed meanwhile (its updated_at moved on): false then. */
  async clipDone(
    id: number,
    updatedAt: number,
    c: { status: 'ready' | 'failed'; key: string; file: string; startSec: number | null; durationSec: number | null; error: string },
  ): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE replay_markers SET clip_status = $3, clip_key = $4, clip_file = $5, clip_start_sec = $6, clip_duration_sec = $7, clip_error = $8
       WHERE id = $1 AND updated_at = $2 AND clip_status = 'pending' RETURNING id`,
      [id, updatedAt, c.status, c.key, c.file, c.startSec, c.durationSec, c.error],
    );
    return rows.length > 0;
  }

  /** Every marker of a room (expiry: the replay went, so do they). */
  async deleteMarkers(roomId: number): Promise<MarkerRow[]> {
    return this.db.query<MarkerRow>('DELETE FROM replay_markers WHERE room_id = $1 RETURNING *', [roomId]);
  }
}
