/**
 * The reminders module's tables besides the outbox's own storage (outbox/store.ts): subscriptions, app_vapid_keys,
 * and the fan-out — the go-live hook writes ONE fan-out row inside the status transaction; the worker expands it into
 * deliveries (subscription × channel) in bounded chunks, outside it. Exactly once per subscription, channel and event:
 * the idempotency key is unique, so expanding a chunk twice inserts nothing new.
 *
 * Reads of another module's table: `rooms` is read (FOR SHARE) when subscribing, so that a subscription and a
 * concurrent go-live (which holds the room FOR UPDATE) are serialised — a subscription is never lost between them.
 */
import { LiveStatus, type PushSubscriptionJson, ReminderEvent } from '@zhibo/protocol';
import type { Db, Sql } from '../../db/index.js';
import type { StatusChange } from '../../lib/domain-events.js';

/** What a subscription belongs to: WeChat's single subscription to one upcoming room. */
export const SubscriptionKind = { Room: 'room' } as const;
/** outbox.source_kind: a room subscription's delivery, or a room's fan-out job. */
export const SourceKind = { RoomSub: 'room_sub', Room: 'room' } as const;

const fanoutKey = (roomIdSql: string, eventSql: string) =>
  `'zr_' || md5('${SourceKind.Room}:' || ${roomIdSql} || ':fanout:' || ${eventSql})`;

export type SubscribeOutcome = { ok: true; appid: string } | { ok: false; status: LiveStatus | null; viewerCap?: number };

export type ExpandOutcome = 'stale' | 'skipped' | 'moved' | { expanded: number; done: boolean };

export class RemindersSql {
  constructor(private readonly db: Db) {}

  /** S-SUB-1: subscribe once per viewer and room (again: updates the push subscription only). */
  subscribe(
    roomId: number,
    openid: string,
    push: PushSubscriptionJson | null | undefined,
    now: number,
    perViewer = Number.MAX_SAFE_INTEGER,
  ): Promise<SubscribeOutcome & { startTime?: number }> {
    return this.db.tx(async (sql) => {
      // FOR SHARE: a concurrent go-live (FOR UPDATE) waits for us, or we see it — never a lost subscription.
      const [room] = await sql.query<{ appid: string; live_status: LiveStatus; start_time: number }>(
        'SELECT appid, live_status, start_time FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR SHARE',
        [roomId],
      );
      if (!room) return { ok: false, status: null };
      if (room.live_status !== LiveStatus.NotStarted) return { ok: false, status: room.live_status };
      // The cap per viewer (ZHIBO_SUBSCRIPTIONS_PER_VIEWER): other rooms this openid is subscribed to.
      const [mine] = await sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM (SELECT 1 FROM subscriptions WHERE openid = $1 AND room_id <> $2 LIMIT $3) s',
        [openid, roomId, perViewer],
      );
      if ((mine?.n ?? 0) >= perViewer) return { ok: false, status: room.live_status, viewerCap: perViewer };
      await sql.query(
        `INSERT INTO subscriptions (appid, kind, room_id, openid, push_endpoint, push_p256dh, push_auth, created_at)
         VALUES ($1, '${SubscriptionKind.Room}', $2, $3, $4, $5, $6, $7)
         ON CONFLICT (room_id, openid) WHERE kind = '${SubscriptionKind.Room}'
         DO UPDATE SET push_endpoint = COALESCE(EXCLUDED.push_endpoint, subscriptions.push_endpoint),
                       push_p256dh = COALESCE(EXCLUDED.push_p256dh, subscriptions.push_p256dh),
                       push_auth = COALESCE(EXCLUDED.push_auth, subscriptions.push_auth)`,
        [room.appid, roomId, openid, push?.endpoint ?? null, push?.keys.p256dh ?? null, push?.keys.auth ?? null, now],
      );
      return { ok: true, appid: room.appid, startTime: room.start_time };
    });
  }

  /** Many viewers at once (imports, benchmarks, tests): one statement; existing ones are kept. */
  bulkSubscribe(roomId: number, openids: string[], now: number): Promise<SubscribeOutcome & { added?: number; startTime?: number }> {
    return this.db.tx(async (sql) => {
      const [room] = await sql.query<{ appid: string; live_status: LiveStatus; start_time: number }>(
        'SELECT appid, live_status, start_time FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR SHARE',
        [roomId],
      );
      if (!room || room.live_status !== LiveStatus.NotStarted) return { ok: false, status: room?.live_status ?? null };
      const [r] = await sql.query<{ n: number }>(
        `WITH ins AS (INSERT INTO subscriptions (appid, kind, room_id, openid, created_at)
           SELECT $1, '${SubscriptionKind.Room}', $2, o, $4 FROM unnest($3::text[]) AS o
           ON CONFLICT (room_id, openid) WHERE kind = '${SubscriptionKind.Room}' DO NOTHING RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [room.appid, roomId, openids, now],
      );
      return { ok: true, appid: room.appid, added: r?.n ?? 0, startTime: room.start_time };
    });
  }

  async unsubscribe(roomId: number, openid: string): Promise<boolean> {
    return (
      (
        await this.db.query(
          `DELETE FROM subscriptions WHERE room_id = $1 AND openid = $2 AND kind = '${SubscriptionKind.Room}' RETURNING id`,
          [roomId, openid],
        )
      ).length > 0
    );
  }

  async isSubscribed(roomId: number, openid: string): Promise<boolean> {
    return (
      (
        await this.db.query(`SELECT 1 FROM subscriptions WHERE room_id = $1 AND openid = $2 AND kind = '${SubscriptionKind.Room}'`, [
          roomId,
          openid,
        ])
      ).length > 0
    );
  }

  async count(roomId: number): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM subscriptions WHERE room_id = $1 AND kind = '${SubscriptionKind.Room}'`,
      [roomId],
    );
    return r?.n ?? 0;
  }

  /** The rooms a viewer of an app subscribed to (the site channel's welcome shows those that are live). */
  async viewerRooms(appid: string, openid: string): Promise<number[]> {
    const rows = await this.db.query<{ room_id: number }>(
      `SELECT room_id FROM subscriptions WHERE appid = $1 AND openid = $2 AND kind = '${SubscriptionKind.Room}' ORDER BY id DESC LIMIT 100`,
      [appid, openid],
    );
    return rows.map((r) => r.room_id);
  }

  /** Rooms of an app that still take subscriptions and have some (rescheduling "starting soon" reminders). */
  async subscribedRooms(appid: string): Promise<Array<{ room_id: number; start_time: number }>> {
    return this.db.query(
      `SELECT DISTINCT s.room_id, r.start_time FROM subscriptions s JOIN rooms r ON r.id = s.room_id
       WHERE s.appid = $1 AND s.kind = '${SubscriptionKind.Room}' AND r.live_status = ${LiveStatus.NotStarted}`,
      [appid],
    );
  }

  async vapidKeys(
    appid: string,
    make: () => { publicKey: string; privateKey: string },
    now: number,
  ): Promise<{ publicKey: string; privateKey: string }> {
    const k = make();
    await this.db.query(
      'INSERT INTO app_vapid_keys (appid, public_key, private_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (appid) DO NOTHING',
      [appid, k.publicKey, k.privateKey, now],
    );
    const [row] = await this.db.query<{ public_key: string; private_key: string }>(
      'SELECT public_key, private_key FROM app_vapid_keys WHERE appid = $1',
      [appid],
    );
    return { publicKey: row!.public_key, privateKey: row!.private_key };
  }

  /**
   * The transition hook (inside the status transaction): the FIRST 102 → 101 writes one fan-out row. 102 is only ever
   * entered at creation, so 106 → 101 or 105 → 101 later write nothing; the unique key makes a repeat a no-op anyway.
   * Leaving 102 for anything makes a pending "starting soon" fan-out moot.
   */
  async onTransition(sql: Sql, c: StatusChange): Promise<void> {
    if (c.from !== LiveStatus.NotStarted) return;
    await sql.query(
      `UPDATE reminder_outbox SET state = 'skipped', last_error = $2, done_at = $3
       WHERE kind = 'fanout' AND source_id = $1 AND event = '${ReminderEvent.LiveStartingSoon}' AND state = 'pending'`,
      [c.roomId, `room left 102 (now ${c.to}) before the reminder was due`, c.at],
    );
    if (c.to !== LiveStatus.Live) return;
    await sql.query(
      `INSERT INTO reminder_outbox (kind, appid, source_kind, source_id, room_id, channel, event, idempotency_key, available_at, created_at)
       VALUES ('fanout', $2, '${SourceKind.Room}', $1::int, $1::int, '', '${ReminderEvent.LiveStarted}', ${fanoutKey('$1::int', `'${ReminderEvent.LiveStarted}'`)}, $3, $3)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [c.roomId, c.appid, c.at],
    );
  }

  /** Create or move the due "starting soon" fan-out row of these rooms (`minutes` before each start_time). */
  async scheduleStartingSoon(
    appid: string,
    rooms: Array<{ room_id: number; start_time: number }>,
    minutes: number | null,
    now: number,
  ): Promise<void> {
    if (!rooms.length) return;
    const ids = rooms.map((r) => r.room_id);
    if (!minutes) {
      await this.db.query(
        `UPDATE reminder_outbox SET state = 'skipped', last_error = 'beforeStartMinutes turned off', done_at = $2
         WHERE kind = 'fanout' AND source_id = ANY($1::bigint[]) AND event = '${ReminderEvent.LiveStartingSoon}' AND state = 'pending'`,
        [ids, now],
      );
      return;
    }
    await this.db.query(
      `INSERT INTO reminder_outbox (kind, appid, source_kind, source_id, room_id, channel, event, idempotency_key, available_at, created_at)
       SELECT 'fanout', $1, '${SourceKind.Room}', t.id, t.id, '', '${ReminderEvent.LiveStartingSoon}', ${fanoutKey('t.id', `'${ReminderEvent.LiveStartingSoon}'`)},
              t.start_time * 1000 - $4::bigint * 60000, $5::bigint
       FROM unnest($2::int[], $3::bigint[]) AS t(id, start_time)
       ON CONFLICT (idempotency_key) DO UPDATE SET available_at = EXCLUDED.available_at, state = 'pending', last_error = NULL, done_at = NULL
       WHERE reminder_outbox.state IN ('pending', 'skipped')`,
      [appid, ids, rooms.map((r) => r.start_time), minutes, now],
    );
  }

  /**
   * One chunk of a claimed fan-out job (attempt-fenced): up to `chunk` subscriptions after the job's cursor become
   * deliveries on `channels`; the job is done when a chunk comes back short, else it is due again at once.
   * `plan` decides, with the room's state, whether this fan-out still applies (starting-soon rules).
   */
  expand(
    jobId: number,
    attempt: number,
    chunk: number,
    channels: string[],
    now: number,
    plan: (room: { live_status: LiveStatus; start_time: number } | undefined, cursor: number) => 'go' | 'skip' | { moveTo: number },
  ): Promise<ExpandOutcome> {
    return this.db.tx(async (sql) => {
      const [job] = await sql.query<{ attempts: number; state: string; room_id: number; event: string; cursor: number }>(
        'SELECT attempts, state, room_id, event, cursor FROM reminder_outbox WHERE id = $1 FOR UPDATE',
        [jobId],
      );
      if (!job || job.attempts !== attempt || job.state !== 'pending') return 'stale';
      const [room] = await sql.query<{ live_status: LiveStatus; start_time: number }>(
        'SELECT live_status, start_time FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR SHARE',
        [job.room_id],
      );
      const decision = plan(room, job.cursor);
      if (decision === 'skip') {
        await sql.query(`UPDATE reminder_outbox SET state = 'skipped', last_error = 'no longer applies', done_at = $2 WHERE id = $1`, [
          jobId,
          now,
        ]);
        return 'skipped';
      }
      if (decision !== 'go') {
        await sql.query('UPDATE reminder_outbox SET available_at = $2, attempts = 0 WHERE id = $1', [jobId, decision.moveTo]);
        return 'moved';
      }
      const [r] = await sql.query<{ last: number | null; n: number; inserted: number }>(
        `WITH batch AS (
           SELECT id, appid, room_id, openid, push_endpoint FROM subscriptions
           WHERE room_id = $1 AND kind = '${SubscriptionKind.Room}' AND id > $2 ORDER BY id LIMIT $3),
         ins AS (
           INSERT INTO reminder_outbox (kind, appid, source_kind, source_id, room_id, openid, channel, event, idempotency_key, available_at, created_at)
           SELECT 'delivery', b.appid, '${SourceKind.RoomSub}', b.id, b.room_id, b.openid, ch.channel, $4::text,
                  'zr_' || md5('${SourceKind.RoomSub}:' || b.id || ':' || ch.channel || ':' || $4::text), $6::bigint, $6::bigint
           FROM batch b CROSS JOIN unnest($5::text[]) AS ch(channel)
           WHERE ch.channel <> 'webpush' OR b.push_endpoint IS NOT NULL
           ORDER BY b.id
           ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT max(id) FROM batch) AS last, (SELECT count(*)::int FROM batch) AS n, (SELECT count(*)::int FROM ins) AS inserted`,
        [job.room_id, job.cursor, chunk, job.event, channels, now],
      );
      const done = (r?.n ?? 0) < chunk;
      if (done)
        await sql.query(`UPDATE reminder_outbox SET state = 'sent', done_at = $2, cursor = COALESCE($3, cursor) WHERE id = $1`, [
          jobId,
          now,
          r?.last ?? null,
        ]);
      else await sql.query('UPDATE reminder_outbox SET cursor = $2, available_at = $3, attempts = 0 WHERE id = $1', [jobId, r!.last, now]);
      return { expanded: r?.inserted ?? 0, done };
    });
  }

  /**
   * Storage collector: subscriptions of rooms that ended (103/104/107) or were deleted before `before` — they can never
   * remind anyone again. Reads `rooms` (status, times) like the fan-out does.
   */
  async deleteOfEndedRooms(before: number, limit: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM subscriptions WHERE id IN (
         SELECT s.id FROM subscriptions s JOIN rooms r ON r.id = s.room_id
         WHERE s.kind = '${SubscriptionKind.Room}'
           AND ((r.deleted_at IS NOT NULL AND r.deleted_at < $1) OR (r.live_status IN (103, 104, 107) AND r.updated_at < $1))
         LIMIT $2) RETURNING id`,
      [before, limit],
    );
    return rows.length;
  }
}
