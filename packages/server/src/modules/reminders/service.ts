/**
 * Subscriptions and go-live reminders (S-SUB): a viewer subscribes to a room that has not started; when the room goes
 * live for the first time (102 → 101), one fan-out row is written inside that status transaction (sql.ts), and the
 * worker (worker.ts) expands and sends it. Optional "starting soon" reminders go through the same outbox.
 */
import { createRequire } from 'node:module';
import { type LiveStatus, type PushSubscriptionJson, Reason, STATUS_NAMES } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import type { AppService } from '../apps/service.js';
import type { TransitionHook } from '../rooms/sql.js';
import { type EffectiveReminderSettings, reminderSettingsOf } from './settings.js';
import type { RemindersSql, SubscribeOutcome } from './sql.js';

interface WebPushKeys {
  generateVAPIDKeys(): { publicKey: string; privateKey: string };
}
const webpush = createRequire(import.meta.url)('web-push') as WebPushKeys;

function refused(roomId: number, status: LiveStatus | null): DomainError {
  return status === null
    ? new DomainError(Reason.RoomNotFound, `room ${roomId} does not exist`, 'room_id')
    : new DomainError(
        Reason.NotSubscribable,
        `room ${roomId} is ${status} (${STATUS_NAMES[status]}): only a room that has not started (102) takes subscriptions`,
        'room_id',
      );
}

/** Caps on subscriptions (settings; docs/security.md). */
export interface SubscriptionLimits {
  perViewer: number;
  perRoom: number;
}

export class ReminderService {
  private readonly vapid = new Map<string, { publicKey: string; privateKey: string }>();
  /** room → subscriptions counted (per process; re-counted after a minute) for the per-room cap */
  private readonly roomCounts = new Map<number, { n: number; at: number }>();

  constructor(
    private readonly sql: RemindersSql,
    private readonly clock: Clock,
    private readonly apps: AppService,
    private readonly limits: SubscriptionLimits = { perViewer: Number.MAX_SAFE_INTEGER, perRoom: Number.MAX_SAFE_INTEGER },
  ) {}

  /** Runs inside every status transaction (registered on the rooms module). */
  readonly onTransition: TransitionHook = (sql, change) => this.sql.onTransition(sql, change);

  /** S-SUB-1: subscribe once per viewer and room (again: updates the push subscription only). */
  async subscribe(roomId: number, openid: string, push: PushSubscriptionJson | null | undefined): Promise<void> {
    const now = this.clock.now();
    let counted = this.roomCounts.get(roomId);
    if (!counted || now - counted.at > 60_000) {
      if (this.roomCounts.size > 10_000) this.roomCounts.clear();
      this.roomCounts.set(roomId, (counted = { n: await this.sql.count(roomId), at: now }));
    }
    if (counted.n >= this.limits.perRoom && !(await this.sql.isSubscribed(roomId, openid)))
      throw new DomainError(
        Reason.LimitReached,
        `room ${roomId} has reached its ${this.limits.perRoom} subscriptions (ZHIBO_SUBSCRIPTIONS_PER_ROOM)`,
        'room_id',
      );
    const out = await this.sql.subscribe(roomId, openid, push, now, this.limits.perViewer);
    if (!out.ok && out.viewerCap !== undefined)
      throw new DomainError(
        Reason.LimitReached,
        `a viewer may be subscribed to at most ${out.viewerCap} rooms at once (ZHIBO_SUBSCRIPTIONS_PER_VIEWER)`,
        'room_id',
      );
    if (out.ok) counted.n++;
    await this.afterSubscribe(roomId, out);
  }

  /** Many viewers at once (imports, benchmarks, tests): one statement; existing ones are kept. Returns how many are new. */
  async bulkSubscribe(roomId: number, openids: string[]): Promise<number> {
    const out = await this.sql.bulkSubscribe(roomId, openids, this.clock.now());
    await this.afterSubscribe(roomId, out);
    return out.added ?? 0;
  }

  private async afterSubscribe(roomId: number, out: SubscribeOutcome & { startTime?: number }): Promise<void> {
    if (!out.ok) throw refused(roomId, out.status);
    const s = await this.settings(out.appid);
    if (s.beforeStartMinutes)
      await this.sql.scheduleStartingSoon(
        out.appid,
        [{ room_id: roomId, start_time: out.startTime ?? 0 }],
        s.beforeStartMinutes,
        this.clock.now(),
      );
  }

  unsubscribe(roomId: number, openid: string): Promise<boolean> {
    return this.sql.unsubscribe(roomId, openid);
  }

  /** The rooms a viewer of an app subscribed to (newest first, at most 100). */
  viewerRooms(appid: string, openid: string): Promise<number[]> {
    return this.sql.viewerRooms(appid, openid);
  }

  isSubscribed(roomId: number, openid: string): Promise<boolean> {
    return this.sql.isSubscribed(roomId, openid);
  }

  /** Subscriptions of a room (the console shows it). */
  count(roomId: number): Promise<number> {
    return this.sql.count(roomId);
  }

  async settings(appid: string): Promise<EffectiveReminderSettings> {
    return reminderSettingsOf((await this.apps.get(appid))?.settings);
  }

  /** Settings or a room's planned start changed: move (or drop) the app's "starting soon" fan-outs. */
  async reschedule(appid: string): Promise<void> {
    const s = await this.settings(appid);
    await this.sql.scheduleStartingSoon(appid, await this.sql.subscribedRooms(appid), s.beforeStartMinutes, this.clock.now());
  }

  /** The app's VAPID key pair (generated and stored on first use). */
  async vapidKeys(appid: string): Promise<{ publicKey: string; privateKey: string }> {
    const hit = this.vapid.get(appid);
    if (hit) return hit;
    const keys = await this.sql.vapidKeys(appid, () => webpush.generateVAPIDKeys(), this.clock.now());
    this.vapid.set(appid, keys);
    return keys;
  }

  /** Storage collector: subscriptions of rooms that ended or were deleted before `before`. */
  purgeEndedSubscriptions(before: number, limit = 10_000): Promise<number> {
    return this.sql.deleteOfEndedRooms(before, limit);
  }
}
