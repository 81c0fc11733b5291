/** Wire types of WeChat's back-end API as zhibo answers it (S-API, docs/wechat-reference.md). */
import type { LiveStatus } from './status.js';

export interface WxError {
  errcode: number;
  errmsg: string;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
}

/** S-API-1: one goods item of getliveinfo. Seed fields first; later WeChat's extras after. */
export interface LiveInfoGoods {
  cover_img: string;
  url: string;
  /** fen (1100 = ¥11.00) */
  price: number;
  name: string;
  goods_id: number;
  /** fen; 0 unless price_type is 2 or 3 */
  price2: number;
  price_type: 1 | 2 | 3;
  /** getliveinfo only: the appid whose page the goods url is (WeChat's sample shows it; '' for the app's own pages) */
  third_party_appid?: string;
}

/** S-API-1: one room of getliveinfo, in the seed's field order. */
export interface LiveInfoRoom {
  name: string;
  roomid: number;
  cover_img: string;
  live_status: LiveStatus;
  start_time: number;
  end_time: number;
  anchor_name: string;
  anchor_img: string;
  goods: LiveInfoGoods[];
  share_img: string;
  live_type: number;
  screen_type: number;
  close_like: number;
  close_goods: number;
  close_comment: number;
  close_kf: number;
  close_replay: number;
  is_feeds_public: number;
  creater_openid: string;
  feeds_img: string;
  /** the anchor's WeChat id as created (WxJava's RoomInfo reads `anchor_wechat`) */
  anchor_wechat: string;
}

export interface GetLiveInfoRequest {
  start: number;
  limit: number;
}

export interface GetLiveInfoResponse extends WxError {
  room_info: LiveInfoRoom[];
  total: number;
}

export interface GetReplayRequest {
  action: 'get_replay';
  room_id: number;
  start: number;
  limit: number;
}

/** S-API-3: times are ISO-8601 UTC, e.g. 2019-11-12T03:49:55Z. */
export interface ReplayItem {
  expire_time: string;
  create_time: string;
  media_url: string;
}

export interface GetReplayResponse extends WxError {
  live_replay: ReplayItem[];
  total: number;
}

/** POST /wxaapi/broadcast/room/create (and editroom, which adds `id`). */
export interface CreateRoomRequest {
  name: string;
  coverImg: string;
  startTime: number;
  endTime: number;
  anchorName: string;
  anchorWechat?: string;
  subAnchorWechat?: string;
  createrWechat?: string;
  shareImg: string;
  feedsImg?: string;
  isFeedsPublic?: number;
  type: number;
  screenType: number;
  closeLike: number;
  closeGoods: number;
  closeComment: number;
  closeReplay?: number;
  closeShare?: number;
  closeKf?: number;
  /** the anchor's avatar (media_id, or an http(s) URL): a WeChat field since 2021 (WxJava sends it; PowerWeChat does not) */
  anchorImg?: string;
}

export interface CreateRoomResponse extends WxError {
  roomId: number;
  /** with 300036 (role checks on, the anchor lacks the anchor role): where to fix it — the console's Members page */
  qrcode_url?: string;
}

export interface GetPushUrlResponse extends WxError {
  pushAddr: string;
  /** zhibo's extra: the room's WHIP endpoint (RFC 9725); `Authorization: Bearer` is the stream key `pushAddr` carries (`?key=`) */
  whipUrl?: string;
}

export interface GetSharedCodeResponse extends WxError {
  cdnUrl: string;
  pagePath: string;
  posterUrl: string;
}

export interface MediaUploadResponse {
  type: 'image';
  media_id: string;
  created_at: number;
}

export interface GoodsInfoInput {
  coverImgUrl: string;
  name: string;
  priceType: 1 | 2 | 3;
  /** yuan, at most 2 decimals (number or string) */
  price: number | string;
  price2?: number | string;
  url: string;
  thirdPartyAppid?: string;
  goodsKey?: string;
}

export interface AddGoodsResponse extends WxError {
  goodsId: number;
  auditId: number;
}

export const PLUGIN_APPID = 'wx2b03c6e691cd7370';
export const PLUGIN_PAGE_PATH = `plugin-private://${PLUGIN_APPID}/pages/live-player-plugin`;
export const PLUGIN_SUBSCRIBE_PATH = `plugin-private://${PLUGIN_APPID}/components/subscribe/subscribe`;
