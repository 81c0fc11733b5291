/**
 * Followers (WeChat's long-term subscription, 长期订阅) in the reminders module's tables: a follower is a subscription
 * of kind 'merchant' (one per app and viewer); push_message writes its deliveries straight into the reminder outbox
 * (at most 2000 followers × the app's channels, in one statement) with idempotency keys unique per message, follower
 * and channel, so each follower gets a message once. Callback rows (kind 'delivery', channel 'callback') carry the
 * WeChat-style event in `payload`: one per follow/unfollow, one per message when its last delivery is final.
 *
 * Reads of another module's table: `rooms` (the status of the room a follower followed from) in the follower page.
 */
import { CallbackEvent, ReminderChannel, ReminderEvent } from '@zhibo/protocol';
import type { Db, Sql } from '../../../db/index.js';
import type { PushSubscriptionJson } from '@zhibo/protocol';

const FollowKind = 'merchant';
/** outbox.source_kind of followers' rows */
const FollowSource = { Push: 'follow_push', Callback: 'callback' } as const;

export interface FollowerRow {
  id: number;
  openid: string;
  created_at: number;
  from_room_id: number | null;
  room_status: number | null;
}

export interface PushInput {
  appid: string;
  roomId: number;
  messageId: string;
  day: string;
  openids: string[];
  malformed: number;
  channels: string[];
  at: number;
}

const callbackKey = (what: string) => `'zc_' || md5(${what})`;

export class FollowersStore {
  constructor(private readonly db: Db) {}

  private async callback(
    sql: Sql,
    c: {
      appid: string;
      sourceId: number;
      roomId: number;
      openid: string;
      event: string;
      key: string;
      payload: unknown;
      refId?: number;
      at: number;
    },
  ): Promise<void> {
    await sql.query(
      `INSERT INTO reminder_outbox (kind, appid, source_kind, source_id, room_id, openid, channel, event, idempotency_key, available_at, created_at, payload, ref_id)
       VALUES ('delivery', $1, '${FollowSource.Callback}', $2, $3, $4, '${ReminderChannel.Callback}', $5, ${callbackKey('$6::text')}, $7, $7, $8, $9)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [c.appid, c.sourceId, c.roomId, c.openid, c.event, c.key, c.at, JSON.stringify(c.payload), c.refId ?? null],
    );
  }

  /** Follow (once per app and viewer); a new follow writes its wxalive_follow_notify row. False when already following. */
  follow(
    appid: string,
    openid: string,
    room: { id: number; status: number },
    push: PushSubscriptionJson | null,
    at: number,
  ): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const [row] = await sql.query<{ id: number }>(
        `INSERT INTO subscriptions (appid, kind, room_id, openid, from_room_id, push_endpoint, push_p256dh, push_auth, created_at)
         VALUES ($1, '${FollowKind}', NULL, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (appid, openid) WHERE kind = '${FollowKind}' DO NOTHING RETURNING id`,
        [appid, openid, room.id, push?.endpoint ?? null, push?.keys.p256dh ?? null, push?.keys.auth ?? null, at],
      );
      if (!row) {
        if (push)
          await sql.query(
            `UPDATE subscriptions SET push_endpoint=$3, push_p256dh=$4, push_auth=$5 WHERE appid=$1 AND openid=$2 AND kind='${FollowKind}'`,
            [appid, openid, push.endpoint, push.keys.p256dh, push.keys.auth],
          );
        return false;
      }
      await this.callback(sql, {
        appid,
        sourceId: row.id,
        roomId: room.id,
        openid,
        event: CallbackEvent.FollowNotify,
        key: `follow:add:${row.id}`,
        at,
        payload: followBody(appid, openid, room, 'add_follow', at),
      });
      return true;
    });
  }

  /** Unfollow; writes its wxalive_follow_notify row. False when not following. */
  unfollow(appid: string, openid: string, room: { id: number; status: number }, at: number): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const [row] = await sql.query<{ id: number }>(
        `DELETE FROM subscriptions WHERE appid=$1 AND openid=$2 AND kind='${FollowKind}' RETURNING id`,
        [appid, openid],
      );
      if (!row) return false;
      await this.callback(sql, {
        appid,
        sourceId: row.id,
        roomId: room.id,
        openid,
        event: CallbackEvent.FollowNotify,
        key: `follow:del:${row.id}`,
        at,
        payload: followBody(appid, openid, room, 'del_follow', at),
      });
      return true;
    });
  }

  async isFollowing(appid: string, openid: string): Promise<boolean> {
    return (
      (await this.db.query(`SELECT 1 FROM subscriptions WHERE appid=$1 AND openid=$2 AND kind='${FollowKind}'`, [appid, openid])).length > 0
    );
  }

  async count(appid: string): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions WHERE appid=$1 AND kind='${FollowKind}'`, [
      appid,
    ]);
    return r?.n ?? 0;
  }

  /** A page of followers after `after` (subscription id: WeChat's page_break), oldest first. */
  page(appid: string, after: number, limit: number): Promise<FollowerRow[]> {
    return this.db.query<FollowerRow>(
      `SELECT s.id, s.openid, s.created_at, s.from_room_id, r.live_status AS room_status FROM subscriptions s LEFT JOIN rooms r ON r.id = s.from_room_id
       WHERE s.appid=$1 AND s.kind='${FollowKind}' AND s.id > $2 ORDER BY s.id LIMIT $3`,
      [appid, after, limit],
    );
  }

  /**
   * push_message: one message row and its deliveries (followers among `openids` × channels), serialised per app so
   * that "one room a day" holds. Returns the other room already pushed today, if any (then nothing is written).
   */
  push(p: PushInput): Promise<{ otherRoom: number } | { id: number; followers: number }> {
    return this.db.tx(async (sql) => {
      await sql.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`push_message:${p.appid}`]);
      const [other] = await sql.query<{ room_id: number }>(
        'SELECT room_id FROM push_messages WHERE appid=$1 AND day=$2 AND room_id <> $3 LIMIT 1',
        [p.appid, p.day, p.roomId],
      );
      if (other) return { otherRoom: other.room_id };
      const [f] = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM subscriptions WHERE appid=$1 AND kind='${FollowKind}' AND openid = ANY($2::text[])`,
        [p.appid, p.openids],
      );
      const followers = f?.n ?? 0;
      const [m] = await sql.query<{ id: number }>(
        `INSERT INTO push_messages (message_id, appid, room_id, day, total_count, openid_error_count, relation_error_count, followers, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
        [p.messageId, p.appid, p.roomId, p.day, p.openids.length + p.malformed, p.malformed, p.openids.length - followers, followers, p.at],
      );
      await sql.query(
        `INSERT INTO reminder_outbox (kind, appid, source_kind, source_id, room_id, openid, channel, event, idempotency_key, available_at, created_at, ref_id)
         SELECT 'delivery', s.appid, '${FollowSource.Push}', s.id, $3::int, s.openid, ch.channel, '${ReminderEvent.LiveStarted}',
                'zf_' || md5('${FollowSource.Push}:' || $4::bigint || ':' || s.id || ':' || ch.channel), $5::bigint, $5::bigint, $4::bigint
         FROM subscriptions s CROSS JOIN unnest($6::text[]) AS ch(channel)
         WHERE s.appid = $1 AND s.kind = '${FollowKind}' AND s.openid = ANY($2::text[]) AND (ch.channel <> 'webpush' OR s.push_endpoint IS NOT NULL)
         ORDER BY s.id
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [p.appid, p.openids, p.roomId, m!.id, p.at, p.channels],
      );
      await this.finishIn(sql, [m!.id], p.at);
      return { id: m!.id, followers };
    });
  }

  /** Messages among `ids` whose deliveries are all final get their wxalive_push_message_notify row (once). Returns how many. */
  finish(ids: number[], at: number): Promise<number> {
    return ids.length ? this.db.tx((sql) => this.finishIn(sql, ids, at)) : Promise.resolve(0);
  }

  private async finishIn(sql: Sql, ids: number[], at: number): Promise<number> {
    const done = await sql.query<{
      id: number;
      message_id: string;
      appid: string;
      room_id: number;
      total_count: number;
      openid_error_count: number;
      relation_error_count: number;
      followers: number;
      success: number;
    }>(
      `SELECT m.id, m.message_id, m.appid, m.room_id, m.total_count, m.openid_error_count, m.relation_error_count, m.followers,
              (SELECT count(DISTINCT o.openid)::int FROM reminder_outbox o WHERE o.ref_id = m.id AND o.source_kind = '${FollowSource.Push}' AND o.state = 'sent') AS success
       FROM push_messages m
       WHERE m.id = ANY($1::bigint[]) AND m.reported_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM reminder_outbox o WHERE o.ref_id = m.id AND o.source_kind = '${FollowSource.Push}' AND o.state = 'pending')
       FOR UPDATE OF m SKIP LOCKED`,
      [ids],
    );
    for (const m of done) {
      const notify = {
        message_id: m.message_id,
        room_id: m.room_id,
        total_count: m.total_count,
        success_count: m.success,
        openid_error_count: m.openid_error_count,
        relation_error_count: m.relation_error_count,
        user_recv_limit_count: 0,
        internal_error_count: m.followers - m.success,
      };
      await this.callback(sql, {
        appid: m.appid,
        sourceId: m.id,
        roomId: m.room_id,
        openid: '',
        event: CallbackEvent.PushMessageNotify,
        key: `push_result:${m.id}`,
        refId: m.id,
        at,
        payload: {
          ToUserName: m.appid,
          FromUserName: '',
          CreateTime: Math.floor(at / 1000),
          MsgType: 'event',
          Event: CallbackEvent.PushMessageNotify,
          PushMessageApiNotify: notify,
        },
      });
      await sql.query('UPDATE push_messages SET reported_at=$2 WHERE id=$1', [m.id, at]);
    }
    return done.length;
  }

  /** The app's recent push messages (console). */
  messages(
    appid: string,
    limit: number,
  ): Promise<
    Array<{ message_id: string; room_id: number; total_count: number; followers: number; created_at: number; reported_at: number | null }>
  > {
    return this.db.query(
      'SELECT message_id, room_id, total_count, followers, created_at, reported_at FROM push_messages WHERE appid=$1 ORDER BY id DESC LIMIT $2',
      [appid, limit],
    );
  }
}

function followBody(appid: string, openid: string, room: { id: number; status: number }, action: 'add_follow' | 'del_follow', at: number) {
  const time = Math.floor(at / 1000);
  return {
    ToUserName: appid,
    FromUserName: openid,
    CreateTime: time,
    MsgType: 'event',
    Event: CallbackEvent.FollowNotify,
    FollowNotify: { room_id: room.id, user_openid: openid, time, live_status: room.status, action },
  };
}
