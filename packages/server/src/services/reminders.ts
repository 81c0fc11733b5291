/**
 * Subscriptions and the reminder outbox (S-SUB, issue 6). A viewer subscribes to a room that has
 * not started; when the room goes live for the first time (102 → 101), a hook inside that status
 * transaction turns every subscription into one outbox row per channel with ONE `INSERT … SELECT`.
 * The ReminderWorker (jobs/reminders.ts) sends them. Optional "starting soon" reminders go through
 * the same outbox as a due fan-out row per room.
 */
import { createRequire } from 'node:module';
import { LiveStatus, ReminderEvent, STATUS_NAMES, type PushSubscriptionJson, type ReminderSettings } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { Db, Sql } from '../db/index.js';
import type { AppService } from './apps.js';
import type { StatusChange } from './events.js';
import type { TransitionHook } from './rooms.js';
import { channelsOf, reminderSettingsOf, validateReminderSettings } from './reminder-settings.js';

/** What the subscription belongs to: only 'room' now; 'merchant' (follow) is the later issue. */
export const SubscriptionKind = { Room: 'room' } as const;
/** outbox.source_kind: a room subscription's delivery, or a room's "starting soon" fan-out job. */
export const SourceKind = { RoomSub: 'room_sub', RoomFanout: 'room' } as const;
export const FANOUT_CHANNEL = 'fanout';

export class SubscribeRefused extends Error {
  constructor(readonly roomId: number, readonly status: LiveStatus | null) {
    super(status === null ? `room ${roomId} does not exist`
      : `room ${roomId} is ${status} (${STATUS_NAMES[status]}): only a room that has not started (102) takes subscriptions`);
  }
}

interface WebPushKeys {
  generateVAPIDKeys(): { publicKey: string; privateKey: string };
}
const webpush = createRequire(import.meta.url)('web-push') as WebPushKeys;

/**
 * One statement for any number of subscriptions: subscriptions × channels → outbox rows. The
 * idempotency key is stable per subscription, channel and event, and unique: running it twice
 * inserts nothing new.
 */
export const FANOUT_SQL = `
INSERT INTO reminder_outbox (appid, source_kind, source_id, room_id, openid, channel, event, idempotency_key, available_at, created_at)
SELECT s.appid, '${SourceKind.RoomSub}', s.id, s.room_id, s.openid, ch.channel, $3::text,
       'zr_' || md5('${SourceKind.RoomSub}:' || s.id || ':' || ch.channel || ':' || $3::text), $4::bigint, $4::bigint
FROM subscriptions s CROSS JOIN unnest($2::text[]) AS ch(channel)
WHERE s.room_id = $1 AND s.kind = '${SubscriptionKind.Room}' AND (ch.channel <> 'webpush' OR s.push_endpoint IS NOT NULL)
ORDER BY s.id
ON CONFLICT (idempotency_key) DO NOTHING`;

export class ReminderService {
  private readonly vapid = new Map<string, { publicKey: string; privateKey: string }>();
  private readonly queued = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly apps: AppService,
  ) {}

  /** S-SUB-1: subscribe once per viewer and room (again: updates the push subscription only). */
  async subscribe(roomId: number, openid: string, push: PushSubscriptionJson | null | undefined): Promise<void> {
    await this.db.tx(async (sql) => {
      // FOR SHARE: a concurrent go-live (FOR UPDATE) waits for us, or we see it — never a lost subscription.
      const [room] = await sql.query<{ appid: string; live_status: LiveStatus; start_time: number }>(
        'SELECT appid, live_status, start_time FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [roomId]);
      if (!room) throw new SubscribeRefused(roomId, null);
      if (room.live_status !== LiveStatus.NotStarted) throw new SubscribeRefused(roomId, room.live_status);
      await sql.query(
        `INSERT INTO subscriptions (appid, kind, room_id, openid, push_endpoint, push_p256dh, push_auth, created_at)
         VALUES ($1, '${SubscriptionKind.Room}', $2, $3, $4, $5, $6, $7)
         ON CONFLICT (room_id, openid) WHERE kind = '${SubscriptionKind.Room}'
         DO UPDATE SET push_endpoint = COALESCE(EXCLUDED.push_endpoint, subscriptions.push_endpoint),
                       push_p256dh = COALESCE(EXCLUDED.push_p256dh, subscriptions.push_p256dh),
                       push_auth = COALESCE(EXCLUDED.push_auth, subscriptions.push_auth)`,
        [room.appid, roomId, openid, push?.endpoint ?? null, push?.keys.p256dh ?? null, push?.keys.auth ?? null, this.clock.now()],
      );
      await this.scheduleStartingSoon(sql, room.appid, [roomId]);
    });
  }

  /** Many viewers at once (imports, benchmarks, tests): one statement; existing ones are kept. Returns how many are new. */
  async bulkSubscribe(roomId: number, openids: string[]): Promise<number> {
    return this.db.tx(async (sql) => {
      const [room] = await sql.query<{ appid: string; live_status: LiveStatus }>('SELECT appid, live_status FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [roomId]);
      if (!room || room.live_status !== LiveStatus.NotStarted) throw new SubscribeRefused(roomId, room?.live_status ?? null);
      const [r] = await sql.query<{ n: number }>(
        `WITH ins AS (INSERT INTO subscriptions (appid, kind, room_id, openid, created_at)
           SELECT $1, '${SubscriptionKind.Room}', $2, o, $4 FROM unnest($3::text[]) AS o
           ON CONFLICT (room_id, openid) WHERE kind = '${SubscriptionKind.Room}' DO NOTHING RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [room.appid, roomId, openids, this.clock.now()],
      );
      await this.scheduleStartingSoon(sql, room.appid, [roomId]);
      return r?.n ?? 0;
    });
  }

  /** Cancel; true when there was a subscription. */
  async unsubscribe(roomId: number, openid: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM subscriptions WHERE room_id = $1 AND openid = $2 AND kind = '${SubscriptionKind.Room}' RETURNING id`, [roomId, openid]);
    return rows.length > 0;
  }

  async isSubscribed(roomId: number, openid: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM subscriptions WHERE room_id = $1 AND openid = $2 AND kind = '${SubscriptionKind.Room}'`, [roomId, openid]);
    return rows.length > 0;
  }

  /** Subscriptions of a room (the console shows it). */
  async count(roomId: number): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions WHERE room_id = $1 AND kind = '${SubscriptionKind.Room}'`, [roomId]);
    return r?.n ?? 0;
  }

  async settings(appid: string) {
    return reminderSettingsOf((await this.apps.get(appid))?.settings);
  }

  /** Validate and store `settings.reminders` (merged into what is there); reschedules "starting soon" rows. */
  async updateSettings(appid: string, patch: unknown): Promise<ReminderSettings> {
    const valid = validateReminderSettings(patch);
    const app = await this.apps.get(appid);
    if (!app) throw new Error(`no app ${appid}`);
    const merged = { ...((app.settings.reminders ?? {}) as ReminderSettings), ...valid };
    await this.apps.updateSettings(appid, { reminders: merged });
    await this.db.tx(async (sql) => {
      const rooms = await sql.query<{ room_id: number }>(
        `SELECT DISTINCT s.room_id FROM subscriptions s JOIN rooms r ON r.id = s.room_id WHERE s.appid = $1 AND s.kind = 'room' AND r.live_status = ${LiveStatus.NotStarted}`, [appid]);
      await this.scheduleStartingSoon(sql, appid, rooms.map((r) => r.room_id));
    });
    return merged;
  }

  /** The app's VAPID key pair (generated and stored on first use). */
  async vapidKeys(appid: string): Promise<{ publicKey: string; privateKey: string }> {
    const hit = this.vapid.get(appid);
    if (hit) return hit;
    const k = webpush.generateVAPIDKeys();
    await this.db.query('INSERT INTO app_vapid_keys (appid, public_key, private_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (appid) DO NOTHING', [appid, k.publicKey, k.privateKey, this.clock.now()]);
    const [row] = await this.db.query<{ public_key: string; private_key: string }>('SELECT public_key, private_key FROM app_vapid_keys WHERE appid = $1', [appid]);
    const keys = { publicKey: row!.public_key, privateKey: row!.private_key };
    this.vapid.set(appid, keys);
    return keys;
  }

  /**
   * The transition hook (runs inside the status transaction): the FIRST 102 → 101 turns every
   * subscription into outbox rows. 102 is only ever entered at creation, so 106 → 101 or
   * 105 → 101 later create nothing; the unique idempotency key makes a repeat a no-op anyway.
   */
  readonly onTransition: TransitionHook = async (sql: Sql, c: StatusChange) => {
    if (c.from !== LiveStatus.NotStarted) return;
    // Leaving 102 for any status: a pending "starting soon" fan-out is moot.
    await sql.query(`UPDATE reminder_outbox SET state = 'skipped', last_error = $2, done_at = $3 WHERE source_kind = '${SourceKind.RoomFanout}' AND source_id = $1 AND state = 'pending'`,
      [c.roomId, `room left 102 (now ${c.to}) before the reminder was due`, c.at]);
    if (c.to !== LiveStatus.Live) return;
    const [app] = await sql.query<{ settings: Record<string, unknown> }>('SELECT settings FROM apps WHERE appid = $1', [c.appid]);
    const channels = channelsOf(reminderSettingsOf(app?.settings));
    if (!channels.length) return;
    const [r] = await sql.query<{ n: number }>(`WITH ins AS (${FANOUT_SQL} RETURNING 1) SELECT count(*)::int AS n FROM ins`, [c.roomId, channels, ReminderEvent.LiveStarted, c.at]);
    this.queued.set(c.roomId, r?.n ?? 0);
  };

  /** How many deliveries the go-live of this room queued (read once, after commit, for the log line). */
  takeQueued(roomId: number): number | undefined {
    const n = this.queued.get(roomId);
    this.queued.delete(roomId);
    return n;
  }

  /** Create or move the due "starting soon" fan-out row of these rooms (N minutes before start_time). */
  async scheduleStartingSoon(sql: Sql, appid: string, roomIds: number[]): Promise<void> {
    if (!roomIds.length) return;
    const [app] = await sql.query<{ settings: Record<string, unknown> }>('SELECT settings FROM apps WHERE appid = $1', [appid]);
    const minutes = reminderSettingsOf(app?.settings).beforeStartMinutes;
    if (!minutes) {
      await sql.query(`UPDATE reminder_outbox SET state = 'skipped', last_error = 'beforeStartMinutes turned off', done_at = $2 WHERE source_kind = '${SourceKind.RoomFanout}' AND source_id = ANY($1::bigint[]) AND state = 'pending'`, [roomIds, this.clock.now()]);
      return;
    }
    await sql.query(
      `INSERT INTO reminder_outbox (appid, source_kind, source_id, room_id, channel, event, idempotency_key, available_at, created_at)
       SELECT r.appid, '${SourceKind.RoomFanout}', r.id, r.id, '${FANOUT_CHANNEL}', '${ReminderEvent.LiveStartingSoon}',
              'zr_' || md5('${SourceKind.RoomFanout}:' || r.id || ':${FANOUT_CHANNEL}:${ReminderEvent.LiveStartingSoon}'), r.start_time * 1000 - $2::bigint * 60000, $3::bigint
       FROM rooms r WHERE r.id = ANY($1::int[]) AND r.live_status = ${LiveStatus.NotStarted}
         AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.room_id = r.id AND s.kind = '${SubscriptionKind.Room}')
       ON CONFLICT (idempotency_key) DO UPDATE SET available_at = EXCLUDED.available_at, state = 'pending', last_error = NULL, done_at = NULL
       WHERE reminder_outbox.state IN ('pending', 'skipped')`,
      [roomIds, minutes, this.clock.now()],
    );
  }

  /** A room's planned start may have changed (editroom): move its fan-out row. */
  async roomEdited(roomId: number, appid: string): Promise<void> {
    if (!(await this.settings(appid)).beforeStartMinutes) return;
    await this.db.tx((sql) => this.scheduleStartingSoon(sql, appid, [roomId]));
  }

  /**
   * A due "starting soon" fan-out row (claimed by the worker, attempt `attempt`): in one
   * transaction, fan the room's subscriptions out as live_starting_soon deliveries and mark the
   * row sent — or move it when start_time moved later, or skip it when the room left 102.
   */
  async fanOutStartingSoon(jobId: number, roomId: number, attempt: number): Promise<'sent' | 'moved' | 'skipped' | 'stale'> {
    const now = this.clock.now();
    return this.db.tx(async (sql) => {
      const [job] = await sql.query<{ attempts: number; state: string }>('SELECT attempts, state FROM reminder_outbox WHERE id = $1 FOR UPDATE', [jobId]);
      if (!job || job.attempts !== attempt || job.state !== 'pending') return 'stale';
      const [room] = await sql.query<{ appid: string; live_status: LiveStatus; start_time: number }>('SELECT appid, live_status, start_time FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [roomId]);
      const [app] = room ? await sql.query<{ settings: Record<string, unknown> }>('SELECT settings FROM apps WHERE appid = $1', [room.appid]) : [];
      const r = reminderSettingsOf(app?.settings);
      const done = async (state: string, why: string | null) => {
        await sql.query('UPDATE reminder_outbox SET state = $2, last_error = $3, done_at = $4 WHERE id = $1', [jobId, state, why, now]);
      };
      if (!room || room.live_status !== LiveStatus.NotStarted) return done('skipped', 'room is no longer 102').then(() => 'skipped' as const);
      if (!r.beforeStartMinutes) return done('skipped', 'beforeStartMinutes turned off').then(() => 'skipped' as const);
      const due = room.start_time * 1000 - r.beforeStartMinutes * 60_000;
      if (due > now + 1000) {
        await sql.query('UPDATE reminder_outbox SET available_at = $2, attempts = 0 WHERE id = $1', [jobId, due]);
        return 'moved';
      }
      const channels = channelsOf(r);
      if (channels.length) await sql.query(FANOUT_SQL, [roomId, channels, ReminderEvent.LiveStartingSoon, now]);
      await done('sent', null);
      return 'sent';
    });
  }
}
