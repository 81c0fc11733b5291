/**
 * Replays that keep selling (issue 15): the one replay of a live with its product timeline (看点), explanation clips,
 * the synced chat replay, and orders traced to the live. Wire types shared by the server, the room page, the SDK and
 * `@zhibo/client`. Fields are only ever added.
 */
import type { LiveInfoGoods } from './wechat.js';

/** Where a room's one replay is. */
export type ReplayState =
  /** the live has not ended (or never went live) */
  | 'none'
  /** the live ended; the replay is being put together (seconds) */
  | 'preparing'
  | 'ready'
  /** the room shows no replay (closeReplay = 1), or it expired */
  | 'closed'
  /** the segments could not be joined: the segment list (get_replay) still plays */
  | 'failed';

/** One 看点: the stretch of the replay where a product was explained (media seconds of the one replay). */
export interface ReplayMarker {
  id: number;
  goods_id: number;
  /** seconds from the start of the one replay */
  start: number;
  end: number;
  /** the product as the shelf shows it (null when it left the shelf) */
  goods: LiveInfoGoods | null;
  /** the explanation clip (MP4, range requests) once cut; null while pending or when cutting failed */
  clip_url: string | null;
}

/** GET replay?room_id= → the one replay of the live and its markers. */
export interface PluginReplayResponse {
  roomId: number;
  state: ReplayState;
  /** MP4 (faststart, range requests): seeking works on phones */
  media_url: string | null;
  duration_sec: number | null;
  markers: ReplayMarker[];
}

/** One line of the chat replay, at `t` seconds of the one replay. */
export type ReplayChatItem =
  | { t: number; kind: 'comment'; id: string; nick: string; text: string }
  /** the anchor presented a product (goods null: stopped presenting) */
  | { t: number; kind: 'present'; goods_id: number | null; name: string }
  /** the merchant closed or opened the comments */
  | { t: number; kind: 'comments'; closed: boolean }
  /** a notice the merchant pinned (text '' = unpinned) */
  | { t: number; kind: 'notice'; text: string };

/** GET replay-chat?room_id=&from=&to= (seconds of the one replay; at most 600 s a call) → items oldest first. */
export interface PluginReplayChatResponse {
  roomId: number;
  from: number;
  to: number;
  items: ReplayChatItem[];
  /** true when the window held more comments than one answer carries (the rest are left out) */
  truncated: boolean;
}

/** GET explanation?room_id=&goods_id= → the product's explanation clip; else 404 no_explanation, 409 explanation_pending, 410 explanation_gone. */
export interface PluginExplanationResponse {
  roomId: number;
  goods_id: number;
  url: string;
  duration_sec: number | null;
  /** where the explanation starts in the one replay (seconds) */
  start: number;
}

/**
 * POST /wxaapi/broadcast/order/report (zhibo's extension in the WeChat envelope): an order the live brought.
 * Idempotent by order_id: a repeat changes nothing. The parameters the room page hands to the goods page (room_id,
 * openid, share_openid) are what the merchant passes back.
 */
export interface ReportOrderRequest {
  order_id: string;
  room_id: number;
  goods_id?: number;
  /** the buyer (the openid the goods page got) */
  openid?: string;
  /** the sharer the goods page got (share-card entries) */
  share_openid?: string;
  /** fen (1100 = ¥11.00) */
  amount: number;
  /** unix seconds; default now */
  time?: number;
}

/** POST /wxaapi/broadcast/order/refund: money back on a reported order; idempotent by (order_id, refund_id). */
export interface ReportRefundRequest {
  order_id: string;
  /** default: the order_id (one refund per order) */
  refund_id?: string;
  /** fen, at most what is left of the order */
  amount: number;
  time?: number;
}

export interface ReportOrderResponse {
  errcode: number;
  errmsg: string;
  /** 1 when this order_id (or refund) was already reported: nothing changed */
  duplicate?: 0 | 1;
}
