/**
 * Subscriptions and go-live reminders (S-SUB, issue 6): the plugin-facing routes the
 * `<zhibo-subscribe>` component calls, and the webhook a merchant's server receives.
 */
import type { LiveStatus } from './status.js';
import { PluginRoutes } from './plugin.js';

export const ReminderRoutes = {
  /** the plugin routes of subscriptions (aliases of PluginRoutes entries) */
  subscribe: PluginRoutes.subscribe,
  unsubscribe: PluginRoutes.unsubscribe,
  subscription: PluginRoutes.subscription,
  vapidPublicKey: PluginRoutes.vapidPublicKey,
  /** the service worker that shows Web Push reminders (also at /build/zhibo-sw.js) */
  serviceWorker: '/zhibo-sw.js',
} as const;

/** A browser PushSubscription as `JSON.stringify(subscription)` gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

export interface SubscribeRequest {
  room_id: number;
  push_subscription?: PushSubscriptionJson | null;
}

export interface SubscribeResponse {
  subscribed: boolean;
}

export interface SubscriptionState {
  subscribed: boolean;
  /** S-SUB-1: only a room that has not started (102) takes subscriptions */
  available: boolean;
  liveStatus: LiveStatus;
  /** the app delivers reminders by Web Push: the component may ask for notification permission */
  webpush: boolean;
  /** the room's app: the SDK opens the app's site channel (/ws/site?appid=) for in-page reminders and status */
  appid?: string;
}

export interface VapidKeyResponse {
  /** the app's VAPID public key, base64url (applicationServerKey of pushManager.subscribe) */
  publicKey: string;
}

/** GET/POST/DELETE follow: whether the viewer follows the room's merchant (WeChat's long-term subscription). */
export interface FollowState {
  following: boolean;
}

/** WeChat-style events POSTed to the app's callbackUrl (JSON message push), signed like the reminder webhook. */
export const CallbackEvent = {
  FollowNotify: 'wxalive_follow_notify',
  PushMessageNotify: 'wxalive_push_message_notify',
} as const;
export type CallbackEvent = (typeof CallbackEvent)[keyof typeof CallbackEvent];

export interface FollowNotifyBody {
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: typeof CallbackEvent.FollowNotify;
  FollowNotify: { room_id: number; user_openid: string; time: number; live_status: number; action: 'add_follow' | 'del_follow' };
}

export interface PushMessageNotifyBody {
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: typeof CallbackEvent.PushMessageNotify;
  PushMessageApiNotify: {
    message_id: string;
    room_id: number;
    total_count: number;
    success_count: number;
    openid_error_count: number;
    relation_error_count: number;
    user_recv_limit_count: number;
    internal_error_count: number;
  };
}

/** Extra plugin error code of the subscribe routes (besides PluginErrorCode's). */
export const SubscribeErrorCode = {
  /** the room is live, ended, banned or expired: subscriptions are for rooms that have not started */
  NotSubscribable: 'not_subscribable',
  /** the app does not deliver reminders by Web Push (vapid-public-key) */
  WebPushOff: 'webpush_off',
} as const;

/** Reminder events as a merchant's webhook sees them. */
export const ReminderEvent = {
  LiveStarted: 'live_started',
  LiveStartingSoon: 'live_starting_soon',
} as const;
export type ReminderEvent = (typeof ReminderEvent)[keyof typeof ReminderEvent];

/** Delivery channels, chosen per app in settings.reminders. */
export const ReminderChannel = {
  Webhook: 'webhook',
  WebPush: 'webpush',
  InPage: 'inpage',
  /** WeChat-style events to the app's callbackUrl (not a reminder fan-out channel) */
  Callback: 'callback',
} as const;
export type ReminderChannel = (typeof ReminderChannel)[keyof typeof ReminderChannel];

/** The JSON body POSTed to the merchant's webhook URL (signed, see WebhookHeaders). */
export interface ReminderWebhookBody {
  event: ReminderEvent;
  room_id: number;
  room_name: string;
  openid: string;
  /** unix seconds of the event (the go-live status change; for live_starting_soon, when the reminder fell due) */
  time: number;
  /** the room's planned start (unix seconds) */
  start_time: number;
  /** stable per subscription, channel and event: drop a repeat you have already handled */
  idempotency_key: string;
}

export const WebhookHeaders = {
  /** `sha256=<hex HMAC-SHA256 of the raw body, keyed by the app's sign key>` */
  signature: 'x-zhibo-signature',
  idempotencyKey: 'x-zhibo-idempotency-key',
  event: 'x-zhibo-event',
} as const;

/** Per-app reminder settings (`apps.settings.reminders`). */
export interface ReminderSettings {
  /** the merchant's endpoint for the signed webhook; unset or null: no webhook */
  webhookUrl?: string | null;
  /** deliver by Web Push to subscribers whose browser gave a PushSubscription (default true) */
  webpush?: boolean;
  /** deliver to viewers who have the merchant's site open with the SDK (default true) */
  inPage?: boolean;
  /** also remind this many minutes before the planned start_time (unset/null/0: no) */
  beforeStartMinutes?: number | null;
  /** VAPID subject: a mailto: or https: contact of the merchant for push services */
  contact?: string | null;
}

/** The Web Push payload the service worker shows. */
export interface ReminderPushPayload {
  title: string;
  body: string;
  /** the room page to open on click */
  url: string;
  room_id: number;
  event: ReminderEvent;
  idempotency_key: string;
  time: number;
}
