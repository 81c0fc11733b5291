/**
 * Room links (S-PLAYER-1, S-PARAMS, S-ENTRY): the seed's plugin link form
 * `plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=ID&custom_params=ENC`
 * (plus `type=9|10`, `scene`, `share_openid`/`share_sig`, `close_share_ticket=1`) ⇄ the room page URL
 * `SERVER/room/?room_id=ID&…`.
 */
import { PLUGIN_APPID, PLUGIN_PAGE_PATH, WebRoutes } from '@zhibo/protocol';

export const SHARE_SCENES = [1007, 1008, 1044] as const;
export type ShareScene = (typeof SHARE_SCENES)[number];
export type EntryType = 9 | 10;

/** What a room link carries. `custom_params` is the decoded text (JSON chosen by the merchant). */
export interface RoomLink {
  room_id: number;
  custom_params?: string;
  /** 9: the merchant's own code (小程序码); 10: an official-account article card */
  type?: EntryType;
  /** a share-card entry: 1007 single chat, 1008 group chat, 1044 card with shareTicket */
  scene?: ShareScene;
  share_openid?: string;
  share_sig?: string;
  close_share_ticket?: boolean;
}

const isShareScene = (n: number): n is ShareScene => (SHARE_SCENES as readonly number[]).includes(n);

/** Read a room link's fields from a query string (unknown or malformed fields are dropped). */
export function roomLinkFromQuery(query: string | URLSearchParams): RoomLink | undefined {
  const q = typeof query === 'string' ? new URLSearchParams(query) : query;
  const raw = q.get('room_id') ?? '';
  if (!/^\d{1,10}$/.test(raw) || Number(raw) <= 0 || Number(raw) > 2_147_483_647) return undefined;
  const link: RoomLink = { room_id: Number(raw) };
  const cp = q.get('custom_params');
  if (cp) link.custom_params = cp;
  const type = Number(q.get('type'));
  if (type === 9 || type === 10) link.type = type;
  const scene = Number(q.get('scene'));
  if (isShareScene(scene)) link.scene = scene;
  const so = q.get('share_openid');
  const sig = q.get('share_sig');
  if (so && /^[A-Za-z0-9_-]{1,64}$/.test(so)) {
    link.share_openid = so;
    if (sig && /^[A-Za-z0-9_-]{1,128}$/.test(sig)) link.share_sig = sig;
  }
  if (q.get('close_share_ticket') === '1') link.close_share_ticket = true;
  return link;
}

/** Is this the seed's plugin page link (`plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?…`)? */
export function isPluginRoomLink(url: string): boolean {
  return url.trim().toLowerCase().startsWith(PLUGIN_PAGE_PATH.toLowerCase());
}

/**
 * Parse a room link: the plugin-private form, or a room page URL (`…/room/?room_id=…`).
 * Undefined when the URL is neither or carries no valid room_id.
 */
export function parseRoomLink(url: string): RoomLink | undefined {
  const s = url.trim();
  if (isPluginRoomLink(s)) {
    const i = s.indexOf('?');
    return i < 0 ? undefined : roomLinkFromQuery(s.slice(i + 1).replace(/#.*$/, ''));
  }
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(u.protocol) || !/\/room\/?$/.test(u.pathname)) return undefined;
  return roomLinkFromQuery(u.search);
}

/** The query of a room link, in a stable order (room_id first, as the seed writes it). */
export function roomLinkQuery(link: RoomLink): string {
  const q = new URLSearchParams();
  q.set('room_id', String(link.room_id));
  if (link.custom_params) q.set('custom_params', link.custom_params);
  if (link.type) q.set('type', String(link.type));
  if (link.scene) q.set('scene', String(link.scene));
  if (link.share_openid) q.set('share_openid', link.share_openid);
  if (link.share_openid && link.share_sig) q.set('share_sig', link.share_sig);
  if (link.close_share_ticket) q.set('close_share_ticket', '1');
  return q.toString();
}

/** The room page URL on a zhibo server for a link. */
export function roomPageUrl(server: string, link: RoomLink): string {
  return `${server.replace(/\/+$/, '')}${WebRoutes.roomPage}?${roomLinkQuery(link)}`;
}

/** The seed's plugin link for a room (what getsharedcode's pagePath looks like). */
export function pluginRoomLink(roomId: number, customParams?: Record<string, unknown> | string): string {
  const cp = customParams === undefined ? '' : typeof customParams === 'string' ? customParams : JSON.stringify(customParams);
  return `${PLUGIN_PAGE_PATH}?room_id=${roomId}${cp ? `&custom_params=${encodeURIComponent(cp)}` : ''}`;
}

/** Turn any link the merchant's code may hold into a URL the browser can open (plugin links → room page). */
export function resolveLink(server: string, url: string): string {
  if (url.trim().toLowerCase().startsWith(`plugin-private://${PLUGIN_APPID}`)) {
    const link = parseRoomLink(url);
    if (!link) throw new TypeError(`zhibo: "${url}" is not a live room link (expected ${PLUGIN_PAGE_PATH}?room_id=ID)`);
    return roomPageUrl(server, link);
  }
  return url;
}

/** S-PARAMS-2: what the goods detail page and the home page receive from the room. */
export interface OutboundParams {
  room_id: number;
  openid: string;
  /** only after a share-card entry */
  share_openid?: string;
  share_sig?: string;
  /** the room link's custom_params text, passed on unchanged */
  custom_params?: string;
  /** opened from the room page in the same tab: adds `zb_back=1` (back-to-live goes back in history) */
  fromRoom?: boolean;
}

/**
 * A merchant page URL with the S-PARAMS-2 query: `base` + `path` (a page path such as
 * `pages/goods/detail?id=1`, or an absolute URL) + room_id, openid, share_openid, custom_params.
 * Throws a TypeError when the result is not an http(s) URL.
 */
export function merchantPageUrl(base: string, path: string, p: OutboundParams): string {
  const u = new URL(path || '', base.endsWith('/') || !path ? base : `${base}/`);
  // Never hand a javascript:, data: or other non-web URL to location (issue 10), whatever the server stored.
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new TypeError(`zhibo: refusing to open a ${u.protocol} URL (only http: and https:)`);
  u.searchParams.set('room_id', String(p.room_id));
  u.searchParams.set('openid', p.openid);
  if (p.share_openid) {
    u.searchParams.set('share_openid', p.share_openid);
    if (p.share_sig) u.searchParams.set('share_sig', p.share_sig);
  }
  if (p.custom_params) u.searchParams.set('custom_params', p.custom_params);
  // the SDK's own mark: this page was opened from the room page in this tab (back-to-live goes back in history)
  if (p.fromRoom) u.searchParams.set('zb_back', '1');
  return u.toString();
}
