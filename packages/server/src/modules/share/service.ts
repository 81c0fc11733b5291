/**
 * Share links (S-ENTRY, S-PARAMS): the one builder of every link a room is shared by — the code image (type=9) and
 * its poster, the article card (type=10), a plain link, the plugin page path, and a viewer's signed share link —
 * used by WeChat's getsharedcode, the console and the room page.
 */
import QRCode from 'qrcode';
import { PLUGIN_PAGE_PATH, Reason, WebRoutes } from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import type { IdentityService } from '../identity/service.js';
import type { RoomRow } from '../rooms/sql.js';

export const SHARE_SCENES = [1007, 1008, 1044] as const;
export type ShareScene = (typeof SHARE_SCENES)[number];

export interface RoomShareLinks {
  qrUrl: string;
  posterUrl: string;
  codeLink: string;
  articleLink: string;
  plainLink: string;
  pagePath: string;
}

export function roomLink(base: string, roomId: number, extra: Record<string, string> = {}): string {
  const u = new URL(WebRoutes.roomPage, `${base}/`);
  u.searchParams.set('room_id', String(roomId));
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

/** custom_params as the room page takes it (decoded JSON text), from WeChat's encoded `params`. */
export function customParamsOf(params: string | undefined): string {
  if (!params) return '';
  let v = params;
  if (/%[0-9A-Fa-f]{2}/.test(v)) {
    try {
      v = decodeURIComponent(v);
    } catch {
      throw new DomainError(Reason.InvalidArgs, 'params is not valid URL encoding', 'params');
    }
  }
  if (v.length > CUSTOM_PARAMS_MAX) throw new DomainError(Reason.InvalidArgs, `params longer than ${CUSTOM_PARAMS_MAX} characters`, 'params');
  return v;
}

export class ShareService {
  constructor(
    private readonly identity: IdentityService,
    private readonly publicUrl: () => string,
  ) {}

  /** Every share link of a room, with the merchant's custom_params (decoded JSON text, ≤ 600 characters). */
  links(roomId: number, custom: string, base = this.publicUrl()): RoomShareLinks {
    const extra: Record<string, string> = custom ? { custom_params: custom } : {};
    const q = custom ? `?params=${encodeURIComponent(custom)}` : '';
    return {
      qrUrl: `${base}/qr/${roomId}.png${q}`,
      posterUrl: `${base}/poster/${roomId}.svg${q}`,
      codeLink: roomLink(base, roomId, { ...extra, type: '9' }),
      articleLink: roomLink(base, roomId, { ...extra, type: '10' }),
      plainLink: roomLink(base, roomId, extra),
      pagePath: `${PLUGIN_PAGE_PATH}?room_id=${roomId}${custom ? `&custom_params=${encodeURIComponent(custom)}` : ''}`,
    };
  }

  /** The link a code image opens (S-ENTRY-1: type=9). */
  codeLink(roomId: number, params: string | undefined, base = this.publicUrl()): string {
    return roomLink(base, roomId, { type: '9', ...(params && params.length <= CUSTOM_PARAMS_MAX ? { custom_params: params } : {}) });
  }

  qrPng(roomId: number, params: string | undefined): Promise<Buffer> {
    return QRCode.toBuffer(this.codeLink(roomId, params), { type: 'png', width: 430, margin: 2, errorCorrectionLevel: 'M' });
  }

  async posterSvg(room: RoomRow, params: string | undefined): Promise<string> {
    const qr = await QRCode.toString(this.codeLink(room.id, params), { type: 'svg', margin: 1 });
    const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const when = new Date(room.start_time * 1000).toISOString().slice(0, 16).replace('T', ' ');
    return `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900" viewBox="0 0 600 900">
<rect width="600" height="900" fill="#fff"/><image href="${esc(room.cover_img)}" x="0" y="0" width="600" height="420" preserveAspectRatio="xMidYMid slice"/>
<text x="40" y="490" font-size="36" font-family="sans-serif" font-weight="bold">${esc(room.name)}</text>
<text x="40" y="540" font-size="24" font-family="sans-serif" fill="#555">${esc(room.anchor_name)} · ${when} UTC</text>
<g transform="translate(380,600) scale(0.7)">${qr.replace(/<\?xml[^>]*>/, '')}</g>
<text x="40" y="700" font-size="22" font-family="sans-serif" fill="#888">Scan to watch</text></svg>`;
  }

  /** S-PARAMS-1/-3: a room link carrying the asking viewer's signed share_openid. */
  viewerShareLink(base: string, roomId: number, shareOpenid: string, scene: ShareScene, custom: string, closeShareTicket: boolean): { url: string; share_sig: string } {
    const sig = this.identity.signShare(roomId, shareOpenid);
    const extra: Record<string, string> = {};
    if (custom) extra.custom_params = custom;
    extra.scene = String(scene);
    extra.share_openid = shareOpenid;
    extra.share_sig = sig;
    if (closeShareTicket) extra.close_share_ticket = '1';
    return { url: roomLink(base, roomId, extra), share_sig: sig };
  }
}
