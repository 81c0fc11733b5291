/**
 * A reminder channel: how one delivery reaches a subscriber. The worker (worker.ts) is a pump that claims outbox rows
 * and hands each to the channel named by its `channel` column; adding a channel (SMS, …) is one file implementing
 * this, listed in channels/index.ts.
 */
import type { ReminderChannel, ReminderEvent } from '@zhibo/protocol';
import type { EffectiveReminderSettings } from '../settings.js';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** the target is gone for good (Web Push 404/410): remove it, do not retry */
  gone?: boolean;
  /** retrying can not help (e.g. a malformed push subscription) */
  permanent?: boolean;
}

/** Everything a channel needs for one delivery. */
export interface Delivery {
  id: number;
  appid: string;
  /** the app's HMAC key (webhook signatures) */
  signKey: string;
  settings: EffectiveReminderSettings;
  roomId: number;
  roomName: string;
  /** planned start, unix seconds */
  startTime: number;
  openid: string;
  /** a ReminderEvent; on the callback channel the row's WeChat event name (CallbackEvent) */
  event: ReminderEvent;
  idempotencyKey: string;
  /** when the reminder was created (unix seconds) */
  time: number;
  /** the subscription it came from (Web Push target lookup) */
  subscriptionId: number;
  /** the server's public base URL (the room page link) */
  baseUrl: string;
  /** the app's callbackUrl (callback channel) */
  callbackUrl: string | null;
  /** the body written with the row (callback channel) */
  payload: string | null;
}

export interface Channel {
  readonly name: ReminderChannel;
  /** 'skipped': the channel is off for this app, or the target vanished (not an error, not retried) */
  send(d: Delivery, timeoutMs: number): Promise<SendOutcome | 'skipped'>;
  close?(): void;
}
