/**
 * The anchor page (`/anchor/?room_id=ID`, apps/anchor) and its API: a phone signs in with a one-time link from the
 * console (scoped to one room), then publishes over WHIP and follows its room. Docs: docs/anchor-page.md.
 */
import type { LiveStatus } from './status.js';
import type { ChatComment, RealtimeGoods } from './realtime.js';

export const AnchorRoutes = {
  /** the page: `/anchor/?room_id=ID#ticket=TICKET` (the ticket stays in the fragment: never sent in a URL or a Referer) */
  page: '/anchor/',
  /** POST {ticket} → AnchorRoom and the room's anchor cookie; the ticket is spent */
  signIn: (roomId: number) => `/anchor/api/rooms/${roomId}/sign-in`,
  /** GET → AnchorRoom (needs the room's anchor cookie) */
  room: (roomId: number) => `/anchor/api/rooms/${roomId}`,
  /** GET → AnchorLive (polled every ~2 s) */
  live: (roomId: number) => `/anchor/api/rooms/${roomId}/live`,
  /** POST {goodsId} (0 stops presenting) → { presented } */
  present: (roomId: number) => `/anchor/api/rooms/${roomId}/present`,
  /** POST → { status }: ends the live (103), the same as the console's End */
  end: (roomId: number) => `/anchor/api/rooms/${roomId}/end`,
  /** POST: the cookie is dropped */
  signOut: (roomId: number) => `/anchor/api/rooms/${roomId}/sign-out`,
} as const;

/** Every state-changing anchor API request carries this header (a cross-site form or fetch cannot). */
export const ANCHOR_CSRF_HEADER = 'x-zhibo-anchor';

export interface AnchorRoom {
  roomId: number;
  name: string;
  anchorName: string;
  anchorImg: string;
  coverImg: string;
  /** 0 portrait (竖屏), 1 landscape (横屏) */
  screenType: number;
  status: LiveStatus;
  /** the WHIP endpoint, relative to the page's origin (`/whip/ID`) */
  whipPath: string;
  /** the Bearer token of the WHIP POST: the room's stream key */
  streamKey: string;
  closeGoods: boolean;
  closeComment: boolean;
  closeLike: boolean;
  /** how long the room may stay 106 (stream lost) before the system ends it: the reconnect window */
  abnormalTimeoutMs: number;
  goods: RealtimeGoods[];
  /** when the anchor session ends (ms epoch, server clock) */
  sessionExpiresAt: number;
}

export interface AnchorLive {
  status: LiveStatus;
  viewers: number;
  likes: number;
  /** the latest comments, oldest first */
  comments: ChatComment[];
  presented: number | null;
  /** when the room first went live (ms epoch, server clock), null before */
  liveSince: number | null;
  /** when the stream was lost (106), null otherwise */
  lostAt: number | null;
  serverTime: number;
}

/** The console's one-time sign-in link for a room's anchor page. */
export interface AnchorLink {
  url: string;
  /** ms epoch, server clock */
  expiresAt: number;
  /** how long from now (for a countdown on a client whose clock differs) */
  expiresInMs: number;
  /** the link as a QR code (data: URL of an SVG) */
  qr: string;
}
