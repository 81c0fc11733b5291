/**
 * The rooms module's tables: rooms, room_events (the audit log, S-STATUS-8), timers (S-STATUS-3/-5).
 * The status transaction lives here: lock the room, run the pure transition (core), write status + audit row +
 * timers, and run the transition hooks of other modules (e.g. the reminder outbox) with the same connection.
 */
import { LiveStatus, Reason, type TransitionCause } from '@zhibo/protocol';
import { TIMER_CAUSE, type TimerKind, type TimerPolicy, type TransitionResult, timersAfter, transition } from '@zhibo/core';
import type { Db, Sql } from '../../db/index.js';
import type { StatusChange } from '../../lib/domain-events.js';
import { DomainError } from '../../lib/errors.js';

export interface RoomRow {
  id: number;
  appid: string;
  name: string;
  cover_img: string;
  share_img: string;
  feeds_img: string;
  start_time: number;
  end_time: number;
  anchor_name: string;
  anchor_img: string;
  anchor_wechat: string;
  sub_anchor_wechat: string;
  /** the sub-anchor's push key ('' without a sub-anchor) */
  sub_stream_key: string;
  type: number;
  screen_type: number;
  close_like: number;
  close_goods: number;
  close_comment: number;
  close_replay: number;
  close_share: number;
  close_kf: number;
  is_feeds_public: number;
  live_status: LiveStatus;
  stream_key: string;
  created_at: number;
  updated_at: number;
}

/** Runs inside the transaction of a status change, with its connection (e.g. the reminder outbox). */
export type TransitionHook = (sql: Sql, change: StatusChange) => Promise<void>;

export interface AuditRow {
  from_status: number | null;
  to_status: number;
  cause: string;
  actor: string;
  at: number;
}

const ROOM_COLUMNS = `id, appid, name, cover_img, share_img, feeds_img, start_time, end_time, anchor_name, anchor_img, anchor_wechat, sub_anchor_wechat, sub_stream_key,
  type, screen_type, close_like, close_goods, close_comment, close_replay, close_share, close_kf, is_feeds_public,
  live_status, stream_key, created_at, updated_at`;

export class RoomsSql {
  constructor(private readonly db: Db) {}

  /** A new room (102) with its audit row and its plan-expiry timer. */
  async insert(appid: string, fields: Record<string, unknown>, streamKey: string, now: number): Promise<number> {
    const cols = Object.keys(fields);
    return this.db.tx(async (sql) => {
      const [row] = await sql.query<{ id: number }>(
        `INSERT INTO rooms (appid, ${cols.join(', ')}, live_status, stream_key, created_at, updated_at)
         VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')}, ${LiveStatus.NotStarted}, $${cols.length + 2}, $${cols.length + 3}, $${cols.length + 3}) RETURNING id`,
        [appid, ...cols.map((c) => fields[c]), streamKey, now],
      );
      const roomId = row!.id;
      await sql.query('INSERT INTO room_events (room_id, from_status, to_status, cause, actor, at) VALUES ($1, NULL, $2, $3, $4, $5)', [
        roomId,
        LiveStatus.NotStarted,
        'created',
        'api',
        now,
      ]);
      await sql.query('INSERT INTO timers (room_id, kind, due_at) VALUES ($1, $2, $3)', [
        roomId,
        'plan_expiry',
        (fields.end_time as number) * 1000,
      ]);
      return roomId;
    });
  }

  /** Change fields; the plan-expiry timer follows end_time. */
  async update(roomId: number, fields: Record<string, unknown>, now: number): Promise<void> {
    const cols = Object.keys(fields);
    await this.db.tx(async (sql) => {
      await sql.query(
        `UPDATE rooms SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = $${cols.length + 2} WHERE id = $1`,
        [roomId, ...cols.map((c) => fields[c]), now],
      );
      if (fields.end_time !== undefined)
        await sql.query(`UPDATE timers SET due_at = $2 WHERE room_id = $1 AND kind = 'plan_expiry'`, [
          roomId,
          (fields.end_time as number) * 1000,
        ]);
    });
  }

  async softDelete(roomId: number, now: number): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.query('UPDATE rooms SET deleted_at = $2 WHERE id = $1', [roomId, now]);
      await sql.query('DELETE FROM timers WHERE room_id = $1', [roomId]);
    });
  }

  async get(appid: string, roomId: number): Promise<RoomRow | undefined> {
    const [row] = await this.db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1 AND appid = $2 AND deleted_at IS NULL`, [
      roomId,
      appid,
    ]);
    return row;
  }

  async getAny(roomId: number): Promise<RoomRow | undefined> {
    const [row] = await this.db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1 AND deleted_at IS NULL`, [roomId]);
    return row;
  }

  async page(appid: string, start: number, limit: number): Promise<{ rooms: RoomRow[]; total: number }> {
    const rooms = await this.db.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM rooms WHERE appid = $1 AND deleted_at IS NULL ORDER BY start_time DESC, id DESC OFFSET $2 LIMIT $3`,
      [appid, start, limit],
    );
    const [c] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rooms WHERE appid = $1 AND deleted_at IS NULL', [appid]);
    return { rooms, total: c?.n ?? 0 };
  }

  /** The public feed: live rooms of these apps with isFeedsPublic 1, the newest start first. */
  feed(appids: string[], limit: number): Promise<RoomRow[]> {
    return this.db.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM rooms WHERE appid = ANY($1::text[]) AND is_feeds_public = 1 AND live_status = $2 AND deleted_at IS NULL ORDER BY start_time DESC, id DESC LIMIT $3`,
      [appids, LiveStatus.Live, limit],
    );
  }

  /** Rooms in a status (reconcile on boot). */
  async idsWithStatus(status: LiveStatus): Promise<number[]> {
    return (await this.db.query<{ id: number }>('SELECT id FROM rooms WHERE live_status = $1 AND deleted_at IS NULL', [status])).map(
      (r) => r.id,
    );
  }

  statuses(): Promise<Array<{ id: number; appid: string; live_status: LiveStatus }>> {
    return this.db.query('SELECT id, appid, live_status FROM rooms WHERE deleted_at IS NULL');
  }

  async status(roomId: number): Promise<{ appid: string; live_status: LiveStatus } | undefined> {
    const [row] = await this.db.query<{ appid: string; live_status: LiveStatus }>(
      'SELECT appid, live_status FROM rooms WHERE id = $1 AND deleted_at IS NULL',
      [roomId],
    );
    return row;
  }

  async setCloseComment(roomId: number, closed: boolean, now: number): Promise<void> {
    await this.db.query('UPDATE rooms SET close_comment = $2, updated_at = $3 WHERE id = $1', [roomId, closed ? 1 : 0, now]);
  }

  async setStreamKey(roomId: number, key: string, now: number): Promise<void> {
    await this.db.query('UPDATE rooms SET stream_key = $2, updated_at = $3 WHERE id = $1', [roomId, key, now]);
  }

  auditLog(roomId: number): Promise<AuditRow[]> {
    return this.db.query('SELECT from_status, to_status, cause, actor, at FROM room_events WHERE room_id = $1 ORDER BY id', [roomId]);
  }

  /** One status transaction (the one state setter's storage half). */
  apply(
    roomId: number,
    cause: TransitionCause,
    actor: string,
    now: number,
    policy: TimerPolicy,
    hooks: readonly TransitionHook[],
  ): Promise<Applied> {
    return this.db.tx((sql) => applyIn(sql, roomId, cause, actor, now, policy, hooks));
  }

  /**
   * Claim one due timer (FOR UPDATE SKIP LOCKED: several servers may share one PostgreSQL), delete it and apply its
   * cause in the same transaction. null: nothing due.
   */
  fireNextDueTimer(
    now: number,
    policy: TimerPolicy,
    hooks: readonly TransitionHook[],
  ): Promise<{ change: StatusChange | undefined; kind: TimerKind; dueAt: number } | null> {
    return this.db.tx(async (sql) => {
      const [t] = await sql.query<{ room_id: number; kind: TimerKind; due_at: number }>(
        'SELECT room_id, kind, due_at FROM timers WHERE due_at <= $1 ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED',
        [now],
      );
      if (!t) return null;
      await sql.query('DELETE FROM timers WHERE room_id = $1 AND kind = $2', [t.room_id, t.kind]);
      const cause = TIMER_CAUSE[t.kind];
      if (!cause) return { change: undefined, kind: t.kind, dueAt: t.due_at };
      return { change: (await applyIn(sql, t.room_id, cause, 'timer', now, policy, hooks)).change, kind: t.kind, dueAt: t.due_at };
    });
  }
}

export interface Applied {
  r: TransitionResult;
  change: StatusChange | undefined;
}

async function applyIn(
  sql: Sql,
  roomId: number,
  cause: TransitionCause,
  actor: string,
  now: number,
  policy: TimerPolicy,
  hooks: readonly TransitionHook[],
): Promise<Applied> {
  const [room] = await sql.query<{ live_status: LiveStatus; end_time: number; appid: string }>(
    'SELECT live_status, end_time, appid FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
    [roomId],
  );
  if (!room) throw new DomainError(Reason.RoomNotFound, `room ${roomId} does not exist`);
  const r = transition(room.live_status, cause);
  if (r.kind !== 'changed') return { r, change: undefined };
  await sql.query('UPDATE rooms SET live_status = $2, updated_at = $3 WHERE id = $1', [roomId, r.to, now]);
  await sql.query('INSERT INTO room_events (room_id, from_status, to_status, cause, actor, at) VALUES ($1, $2, $3, $4, $5, $6)', [
    roomId,
    r.from,
    r.to,
    cause,
    actor,
    now,
  ]);
  const t = timersAfter(r.to, now, room.end_time * 1000, policy);
  if (t.cancel.length) await sql.query('DELETE FROM timers WHERE room_id = $1 AND kind = ANY($2::text[])', [roomId, t.cancel]);
  for (const s of t.schedule)
    await sql.query(
      'INSERT INTO timers (room_id, kind, due_at) VALUES ($1, $2, $3) ON CONFLICT (room_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at',
      [roomId, s.kind, s.dueAt],
    );
  const change: StatusChange = { roomId, appid: room.appid, from: r.from, to: r.to, cause, actor, at: now };
  for (const hook of hooks) await hook(sql, change);
  return { r, change };
}
