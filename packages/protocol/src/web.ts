/**
 * The room page's reads (S-PLAYER, S-PARAMS, S-ENTRY): routes and wire types shared by
 * packages/server/src/routes/web.ts and the browser SDK / room page. Fields are only ever added.
 */
import type { LiveStatus } from './status.js';
import type { LiveInfoGoods } from './wechat.js';
import { PluginRoutes } from './plugin.js';

export const WebRoutes = {
  /** the room page: `/room/?room_id=ID&custom_params=ENC[&type=9|10][&scene=1007|1008|1044][&share_openid=&share_sig=][&close_share_ticket=1]` */
  roomPage: '/room/',
  /** bundled browser code (room.js, room.css, zhibo-sdk.js, …) */
  build: '/build/',
  /** the script-tag SDK (same file as /build/zhibo-sdk.js, with CORS) */
  sdk: '/sdk/zhibo-sdk.js',
  /** the plugin reads of the room page (aliases of PluginRoutes entries) */
  room: PluginRoutes.room,
  replays: PluginRoutes.replays,
  shareLink: PluginRoutes.shareLink,
} as const;

/** Where the room's live video is played from (all with CORS). */
export interface MediaUrls {
  /** HTTP-FLV: /live/ROOMID.flv */
  flv: string;
  /** WS-FLV: ws(s)://HOST/live/ROOMID.flv */
  wsFlv: string;
  /** HLS: /live/ROOMID/index.m3u8 */
  hls: string;
}

/** GET /api/plugin/v1/room?room_id= — what the room page needs before the real-time channel opens. */
export interface PluginRoomResponse {
  roomId: number;
  liveStatus: LiveStatus;
  name: string;
  anchorName: string;
  anchorImg: string;
  coverImg: string;
  shareImg: string;
  /** planned times, unix seconds */
  startTime: number;
  endTime: number;
  /** 0 portrait, 1 landscape */
  screenType: number;
  closeLike: boolean;
  closeComment: boolean;
  closeGoods: boolean;
  closeShare: boolean;
  closeReplay: boolean;
  /** the customer-service button opens this ('' when the room has closeKf 1 or the app has no kfUrl) */
  kfUrl: string;
  /** on-sale shelf goods in shelf order (empty when closeGoods) */
  goods: LiveInfoGoods[];
  /** the merchant's settings (apps.settings): goods pages are `goodsBaseUrl + goods.url`; the home icon opens `homeUrl` */
  goodsBaseUrl: string;
  homeUrl: string;
  /** S-PLAYER-3: the larger of the server's and the app's minimum SDK version */
  minSdkVersion: string;
  /** the app's time zone (IANA): start times are shown in it */
  timeZone?: string;
  media: MediaUrls;
  /** the server's clock (ms epoch), for countdowns on devices whose clock is off */
  serverTime: number;
}

export interface ReplayEntry {
  media_url: string;
  /** ISO-8601 UTC */
  create_time: string;
  expire_time: string;
  duration_sec: number | null;
}

export interface PluginReplaysResponse {
  roomId: number;
  replays: ReplayEntry[];
  /** segments still being recorded or prepared (the room page keeps looking while > 0) */
  pending?: number;
}

export interface ShareLinkResponse {
  /** the room page link to share: carries room_id, custom_params, scene, share_openid, share_sig */
  url: string;
  share_openid: string;
  share_sig: string;
  scene: 1007 | 1008 | 1044;
}

/** GET /api/plugin/v1/feeds and /feeds/: the public feed (rooms live now of the apps that opted in). */
export interface PluginFeedsResponse {
  rooms: Array<{ roomId: number; name: string; anchorName: string; anchorImg: string; coverImg: string; startTime: number; link: string }>;
}
