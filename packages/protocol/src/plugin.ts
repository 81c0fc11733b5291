/** The plugin-facing read API (S-API-PLUGIN) used by the browser SDK. */
import type { LiveStatus } from './status.js';

/**
 * Every route of the plugin API (relative to the zhibo server's base URL), in one table. All of them answer CORS
 * and take `room_id`; errors are `{errcode: PluginErrorCode, errmsg}`.
 */
export const PluginRoutes = {
  /** GET ?room_id= → PluginStatusResponse (S-API-PLUGIN-1; from memory, cacheable for maxAge) */
  status: '/api/plugin/v1/status',
  /** GET ?room_id= (+ viewer headers) → PluginOpenidResponse (S-API-PLUGIN-2) */
  openid: '/api/plugin/v1/openid',
  /** GET ?room_id=&share_openid=&share_sig=&custom_params= (+ viewer headers) → PluginShareParams (S-API-PLUGIN-3) */
  shareParams: '/api/plugin/v1/share-params',
  /** GET ?room_id= → PluginRoomResponse (what the room page shows before the realtime channel opens) */
  room: '/api/plugin/v1/room',
  /** the public feed: live rooms of the apps that opted in (no room_id) */
  feeds: '/api/plugin/v1/feeds',
  config: '/api/plugin/v1/config',
  /** GET ?room_id= → PluginReplaysResponse (S-PLAYER-5) */
  replays: '/api/plugin/v1/replays',
  /** GET ?room_id=&scene=&custom_params=&close_share_ticket= (+ viewer headers) → ShareLinkResponse */
  shareLink: '/api/plugin/v1/share-link',
  /** POST {room_id, push_subscription?} → SubscribeResponse */
  subscribe: '/api/plugin/v1/subscribe',
  /** POST {room_id} (or DELETE subscribe?room_id=) → SubscribeResponse */
  unsubscribe: '/api/plugin/v1/unsubscribe',
  /** GET ?room_id= → SubscriptionState */
  subscription: '/api/plugin/v1/subscription',
  /** GET ?room_id= → VapidKeyResponse (404 when the app has Web Push off) */
  vapidPublicKey: '/api/plugin/v1/vapid-public-key',
  /**
   * WeChat's long-term subscription (长期订阅): GET ?room_id= → FollowState; POST {room_id, push_subscription?} follows the
   * room's merchant (app); DELETE ?room_id= unfollows. The merchant sees followers in get_wxa_followers.
   */
  follow: '/api/plugin/v1/follow',
  /** POST {room_id, goods_id, openid?} → {errcode: 'ok'}: the room page reports a tap on a product (sendBeacon) */
  goodsTap: '/api/plugin/v1/goods-tap',
  /** GET ?room_id= → PluginReplayResponse: the one replay of the live and its markers (看点) */
  replay: '/api/plugin/v1/replay',
  /** GET ?room_id=&from=&to= → PluginReplayChatResponse: comments and merchant events at their replay times */
  replayChat: '/api/plugin/v1/replay-chat',
  /** GET ?room_id=&goods_id= → PluginExplanationResponse: a product's explanation clip */
  explanation: '/api/plugin/v1/explanation',
} as const;

/** Errors the SDK rejects with (S-API-PLUGIN-4). Stable codes; values only ever added. */
export const PluginErrorCode = {
  BadRequest: 'bad_request',
  RoomNotFound: 'room_not_found',
  Unauthorized: 'unauthorized',
  NotShareEntry: 'not_share_entry',
  Network: 'network',
  VersionTooOld: 'version_too_old',
  /** explanation: the product was not presented in the live */
  NoExplanation: 'no_explanation',
  /** explanation: the live has not ended, or the clip is being cut */
  ExplanationPending: 'explanation_pending',
  /** explanation: expired with the replay, the room shows no replay, or the clip could not be made */
  ExplanationGone: 'explanation_gone',
} as const;
export type PluginErrorCode = (typeof PluginErrorCode)[keyof typeof PluginErrorCode];

export interface PluginError {
  errcode: PluginErrorCode;
  errmsg: string;
}

/** GET status?room_id= → S-API-PLUGIN-1 */
export interface PluginStatusResponse {
  liveStatus: LiveStatus;
  /** seconds the client should wait before asking again (S-API-PLUGIN-1: at most once a minute) */
  maxAge: number;
}

/** GET openid?room_id= (+ viewer identity headers) → S-API-PLUGIN-2 */
export interface PluginOpenidResponse {
  openid: string;
}

/** S-API-PLUGIN-3 */
export interface PluginShareParams {
  room_id: number;
  openid: string;
  share_openid: string;
  custom_params: Record<string, unknown> | string;
}

/** Viewer identity sent by the SDK: a device id (anonymous) or a merchant-signed viewer token (JWT). */
export const ViewerHeaders = {
  deviceId: 'x-zhibo-device',
  viewerToken: 'x-zhibo-viewer-token',
  sdkVersion: 'x-zhibo-sdk-version',
} as const;

export interface PluginConfigResponse {
  /** S-PLAYER-3 / S-VERSION: clients older than this get video only */
  minSdkVersion: string;
  latestSdkVersion: string;
}
