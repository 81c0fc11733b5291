/**
 * The real-time channel (S-PLAYER-2): one WebSocket per viewer carrying chat, likes, viewer counts,
 * the goods shelf, the presented product and status changes. Documented in docs/realtime.md.
 * Stable: fields and message types are only ever added.
 *
 * Every frame is one JSON text object with a `type`. Room-wide messages carry `seq`: the room's
 * message counter (the same for every member; it starts again after a server restart).
 */
import type { LiveStatus, TransitionCause } from './status.js';
import type { LiveInfoGoods } from './wechat.js';

/** The protocol version a client speaks in `hello.v`. */
export const REALTIME_VERSION = 1;

/** WebSocket paths (relative to the zhibo server's base URL; ws:// or wss:// like the page). */
export const RealtimeRoutes = {
  /** a viewer in one room: first message `hello` with `roomId` */
  room: '/ws/room',
  /** a viewer anywhere on the merchant's site (in-page reminders): `/ws/site?appid=APPID` */
  site: '/ws/site',
} as const;

/** Limits the server applies (the SDK may check the same numbers before sending). */
export const RealtimeLimits = {
  /** characters of a chat text after trimming and stripping control characters */
  chatMaxChars: 200,
  /** chat token bucket per viewer: `chatBurst` messages, refilled over `chatWindowMs` */
  chatBurst: 5,
  chatWindowMs: 10_000,
  /** one `like` message carries 1..likeMaxBatch taps (the client batches taps) */
  likeMaxBatch: 100,
  /** largest frame a client may send (bytes); bigger frames close the socket (1009) */
  maxFrameBytes: 4096,
  /** comments in the welcome snapshot */
  recentComments: 50,
  /** nick names shown with chat are cut to this many characters */
  nickMaxChars: 24,
} as const;

/* ---------------------------------------------------------------- client → server */

/** S-ENTRY: how the viewer came in (the room link's query). */
export interface EntryInfo {
  /** share card scenes: 1007 single chat, 1008 group chat, 1044 card with shareTicket */
  scene?: 1007 | 1008 | 1044;
  /** 9: a merchant-made code (小程序码); 10: an official-account article card */
  type?: 9 | 10;
  /** who shared the card (with its signature from the share link); ignored unless the signature verifies */
  share_openid?: string;
  share_sig?: string;
  /** the room link's custom_params (decoded JSON text), kept with the entry */
  custom_params?: string;
}

/** First message on /ws/room. Identity: `deviceId` (anonymous) or `viewerToken` (JWT the merchant signs). */
export interface RoomHello {
  type: 'hello';
  v: 1;
  roomId: number;
  deviceId?: string;
  viewerToken?: string;
  sdkVersion: string;
  entry?: EntryInfo;
  /** optional nick shown with chat for device viewers (a verified viewerToken's `nick` claim wins) */
  nick?: string;
  /**
   * After a reconnect: the last `seq` seen and the `session` from the previous welcome.
   * The server answers with a fresh `welcome` snapshot; the entry is not counted again.
   */
  resume?: { lastSeq: number; session?: string };
  /**
   * The client understands `chat_batch` (issue 13): the server then sends at most one chat frame per tick
   * (comments of every node of a cluster, up to the room's display cap) instead of one `chat` per comment.
   */
  chatBatch?: boolean;
}

/** First message on /ws/site?appid=… */
export interface SiteHello {
  type: 'hello';
  v: 1;
  deviceId?: string;
  viewerToken?: string;
  sdkVersion: string;
}

export interface ChatIn {
  type: 'chat';
  /** plain text; the server never interprets HTML (clients render with textContent) */
  text: string;
}

export interface LikeIn {
  type: 'like';
  /** taps since the last like message, 1..RealtimeLimits.likeMaxBatch */
  count: number;
}

export interface PingIn {
  type: 'ping';
}

export type ClientMessage = RoomHello | ChatIn | LikeIn | PingIn;

/* ---------------------------------------------------------------- server → client */

/** A shelf product as getliveinfo shows it (prices in fen). */
export type RealtimeGoods = LiveInfoGoods;

/** The openid of comments the merchant sends as the anchor from the console (they carry `role: 'anchor'`). */
export const ANCHOR_OPENID = '@anchor';

export interface ChatComment {
  /** comment id (for chatDeleted and the console's delete) */
  id: string;
  openid: string;
  nick: string;
  /** 'anchor': sent by the anchor / merchant (the room shows a badge); absent for viewers */
  role?: 'anchor';
  /** plain text: render with textContent, never as HTML */
  text: string;
  /** ms epoch */
  at: number;
}

export interface RoomSnapshot {
  roomId: number;
  liveStatus: LiveStatus;
  name: string;
  anchorName: string;
  anchorImg: string;
  coverImg: string;
  shareImg: string;
  /** 0 portrait, 1 landscape */
  screenType: number;
  /** on-sale shelf goods in shelf order (empty when closeGoods) */
  goods: RealtimeGoods[];
  /** the product the anchor is presenting, or null */
  presented: RealtimeGoods | null;
  viewers: { count: number; peak: number };
  likes: number;
  /** the most recent comments, oldest first */
  comments: ChatComment[];
  /** the notice the merchant pinned above the chat, or null */
  notice?: string | null;
  closeComment: boolean;
  closeLike: boolean;
  closeGoods: boolean;
}

export interface WelcomeMsg {
  type: 'welcome';
  /** the room's message counter now; room-wide messages after this have a larger seq */
  seq: number;
  /** this viewer's openid for the merchant app */
  openid: string;
  /** the nick shown with this viewer's chat */
  nick: string;
  room: RoomSnapshot;
  /** this viewer is muted in this room (their chat is refused with error `muted`) */
  mutedSelf: boolean;
  /** true when the hello carried `resume` */
  resumed: boolean;
  /** this connection session (send it back in `resume.session` after a reconnect) */
  session: string;
  /** the server's heartbeat interval: it pings (WebSocket ping frames) this often; clients may send `ping` too */
  heartbeatMs: number;
}

export interface ChatOut extends ChatComment {
  type: 'chat';
  seq: number;
}

/**
 * Several comments in one frame, oldest first (to clients whose hello had `chatBatch: true`): at most one per tick.
 * `skipped` comments arrived in the same tick beyond the room's display cap: they are stored and visible to the
 * merchant's moderators, but not shown to viewers.
 */
export interface ChatBatchMsg {
  type: 'chat_batch';
  seq: number;
  comments: ChatComment[];
  skipped: number;
}

export interface ChatDeletedMsg {
  type: 'chatDeleted';
  seq: number;
  id: string;
}

/** Likes merged per tick: `delta` taps since the previous `likes`, `total` for the room. */
export interface LikesMsg {
  type: 'likes';
  seq: number;
  total: number;
  delta: number;
}

/** Sent per tick when the count changed. */
export interface ViewersMsg {
  type: 'viewers';
  seq: number;
  count: number;
  peak: number;
}

/** The whole on-sale shelf after any change (S-ROOM-2). */
export interface ShelfMsg {
  type: 'shelf';
  seq: number;
  goods: RealtimeGoods[];
}

export interface PresentMsg {
  type: 'present';
  seq: number;
  goods: RealtimeGoods | null;
}

export interface StatusMsg {
  type: 'status';
  seq: number;
  liveStatus: LiveStatus;
  cause: TransitionCause;
  /** ms epoch */
  at: number;
}

/** The room-wide comment switch changed. */
export interface CommentsMsg {
  type: 'comments';
  seq: number;
  closed: boolean;
}

/** To one viewer: they were muted (`you: true`) or unmuted. */
export interface MutedMsg {
  type: 'muted';
  you: boolean;
}

/** Errors that do not close the connection (the request is refused; carry on). */
export const RealtimeErrorCode = {
  Empty: 'empty',
  TooLong: 'too_long',
  RateLimited: 'rate_limited',
  CommentsClosed: 'comments_closed',
  LikesClosed: 'likes_closed',
  Muted: 'muted',
  /** the room ended, expired or was banned: no more chat */
  RoomClosed: 'room_closed',
  BadMessage: 'bad_message',
} as const;
export type RealtimeErrorCode = (typeof RealtimeErrorCode)[keyof typeof RealtimeErrorCode];

export interface ErrorMsg {
  type: 'error';
  code: RealtimeErrorCode;
  message: string;
}

export interface PongMsg {
  type: 'pong';
  at: number;
}

/** /ws/site: the answer to hello. */
export interface SiteWelcomeMsg {
  type: 'siteWelcome';
  openid: string;
  appid: string;
  heartbeatMs: number;
  /** rooms this viewer subscribed to that are live now (a page opened after the go-live still shows the reminder) */
  live?: SiteLiveRoom[];
}

export interface SiteLiveRoom {
  roomId: number;
  roomName: string;
}

/** /ws/site: a room of the app changed status (every site connection of the app gets it): lists and buttons follow. */
export interface SiteStatusMsg {
  type: 'siteStatus';
  roomId: number;
  liveStatus: LiveStatus;
  at: number;
}

/** /ws/site: an in-page go-live reminder (S-SUB-3). `key` is idempotent: show each key once. */
export interface ReminderMsg {
  type: 'reminder';
  roomId: number;
  roomName: string;
  key: string;
  at: number;
}

export type ServerMessage =
  | WelcomeMsg
  | ChatOut
  | ChatBatchMsg
  | ChatDeletedMsg
  | LikesMsg
  | ViewersMsg
  | ShelfMsg
  | PresentMsg
  | StatusMsg
  | CommentsMsg
  | MutedMsg
  | ErrorMsg
  | PongMsg
  | SiteWelcomeMsg
  | ReminderMsg
  | SiteStatusMsg
  | ReplaysMsg
  | NoticeMsg;

/** /ws/room: the merchant pinned a notice above the chat (null: unpinned). */
export interface NoticeMsg {
  type: 'notice';
  seq: number;
  text: string | null;
}

/** /ws/room: a replay segment of the room became ready (the page refreshes its replay list). */
export interface ReplaysMsg {
  type: 'replays';
  seq: number;
  /** ready segments now */
  ready: number;
}

/* ---------------------------------------------------------------- close codes */

/**
 * WebSocket close codes, Centrifugo-style: 3000–3499 mean "reconnect (with backoff)",
 * 3500–3999 mean "terminal, do not reconnect". Standard codes (1000–2999) reconnect too,
 * except that a client closing itself obviously does not.
 */
export const CloseCode = {
  /** the server is restarting or shutting down */
  ServerShutdown: 3000,
  /** the client did not read fast enough (send buffer over the hard limit) */
  SlowConsumer: 3001,
  /** no pong to the server's pings */
  HeartbeatTimeout: 3002,
  /** no hello within the hello timeout */
  HelloTimeout: 3003,
  /** hello missing, malformed, or not the first message; or no usable identity */
  BadHello: 3500,
  /** the room (or site appid) does not exist or was deleted */
  UnknownRoom: 3501,
  /** the room was banned (104) */
  RoomBanned: 3502,
  /** a frame that is not a valid client message (garbage, unknown type, binary) */
  ProtocolViolation: 3503,
  /** the SDK is older than the server's minimum (S-PLAYER-3): video only */
  VersionTooOld: 3504,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Should a client reconnect after this close code? (false only for terminal 3500–3999 codes) */
export function shouldReconnect(code: number): boolean {
  return !(code >= 3500 && code <= 3999);
}

/* ---------------------------------------------------------------- stats (console) */

/** S-ENTRY-3: entry kinds counted per room. */
export const EntryKind = {
  Code: 'code',
  Article: 'article',
  Share1007: 'share_1007',
  Share1008: 'share_1008',
  Share1044: 'share_1044',
  Direct: 'direct',
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** Per-room interaction stats (the console reads these). */
export interface RoomRealtimeStats {
  roomId: number;
  /** entries (one per viewer connection session) by kind; every kind present */
  entries: Record<EntryKind, number>;
  /** distinct openids that entered */
  uniqueViewers: number;
  /** S-PARAMS-3: who brought most viewers in through verified share cards */
  topSharers: Array<{ openid: string; viewers: number }>;
  likes: number;
  comments: number;
  peakViewers: number;
}
