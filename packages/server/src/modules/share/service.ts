/**
 * Share links (S-ENTRY, S-PARAMS): the one builder of every link a room is shared by — the code image (type=9) and
 * its poster, the article card (type=10), a plain link, the plugin page path, and a viewer's signed share link —
 * used by WeChat's getsharedcode, the console and the room page.
 */
import { PLUGIN_PAGE_PATH, Reason, WebRoutes } from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import type { IdentityService } from '../identity/service.js';
import type { ImageService } from '../images/service.js';
import type { RoomRow } from '../rooms/sql.js';
import { renderPoster, renderShareCard } from './poster.js';
import { qrPng } from './qr.js';
import { QrWorker } from './qr-worker.js';

export const SHARE_SCENES = [1007, 1008, 1044] as const;
export type ShareScene = (typeof SHARE_SCENES)[number];

export interface RoomShareLinks {
  qrUrl: string;
  posterUrl: string;
  /** the article-card picture (type=10), JPEG 5:4 */
  cardUrl: string;
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
  if (v.length > CUSTOM_PARAMS_MAX)
    throw new DomainError(Reason.InvalidArgs, `params longer than ${CUSTOM_PARAMS_MAX} characters`, 'params');
  return v;
}

/** Where a room's pictures are rendered from, and how (the app's time zone and language). */
export interface SharePictureOptions {
  timeZone?: string;
  language?: 'zh' | 'en';
  /** the base of the link the QR code carries (default: the public URL) */
  base?: string;
}

export class ShareService {
  /** Rendered posters and cards (~100 ms of CPU each), by room, its last change and the params. */
  /** rendered pictures (QR codes, posters, cards) by what they show; a render in progress is shared */
  private readonly pictures = new Map<string, Promise<Buffer>>();
  /** QR matrices are drawn off the main thread */
  private readonly qr = new QrWorker();

  constructor(
    private readonly identity: IdentityService,
    private readonly images: ImageService,
    private readonly publicUrl: () => string,
  ) {}

  /** Every share link of a room, with the merchant's custom_params (decoded JSON text, ≤ 600 characters). */
  links(roomId: number, custom: string, base = this.publicUrl()): RoomShareLinks {
    const extra: Record<string, string> = custom ? { custom_params: custom } : {};
    const q = custom ? `?params=${encodeURIComponent(custom)}` : '';
    return {
      qrUrl: `${base}/qr/${roomId}.png${q}`,
      posterUrl: `${base}/poster/${roomId}.png${q}`,
      cardUrl: `${base}/card/${roomId}.jpg${q}`,
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

  qrPng(roomId: number, params: string | undefined, base = this.publicUrl()): Promise<Buffer> {
    const link = this.codeLink(roomId, params, base);
    return this.cached(`q:${link}`, () => qrPng(link, 430, this.qr));
  }

  /** End the QR worker (server close). */
  close(): Promise<void> {
    return this.qr.close();
  }

  /** The share poster (750×1334, cover embedded, a QR code of the type=9 link): PNG or JPEG, cached. */
  async poster(room: RoomRow, params: string | undefined, format: 'png' | 'jpeg', o: SharePictureOptions = {}): Promise<Buffer> {
    const base = o.base ?? this.publicUrl();
    return this.cached(
      `p:${room.id}:${room.updated_at}:${format}:${o.timeZone ?? ''}:${o.language ?? ''}:${base}:${params ?? ''}`,
      async () => {
        const [cover, avatar] = await Promise.all([
          this.images.bytesOfUrl(room.cover_img),
          room.anchor_img ? this.images.bytesOfUrl(room.anchor_img) : undefined,
        ]);
        const p = await renderPoster({
          roomName: room.name,
          anchorName: room.anchor_name,
          startTime: room.start_time,
          timeZone: o.timeZone,
          language: o.language,
          cover: cover?.bytes,
          avatar: avatar?.bytes,
          link: this.codeLink(room.id, params, base),
          format,
        });
        return p.bytes;
      },
    );
  }

  /** The article card (S-ENTRY-2, type=10): a 500×400 JPEG with the cover and the room's name, cached. */
  async card(room: RoomRow, o: SharePictureOptions = {}): Promise<Buffer> {
    return this.cached(`c:${room.id}:${room.updated_at}:${o.language ?? ''}`, async () => {
      const cover = await this.images.bytesOfUrl(room.share_img || room.cover_img);
      return (await renderShareCard({ roomName: room.name, anchorName: room.anchor_name, cover: cover?.bytes, language: o.language }))
        .bytes;
    });
  }

  private cached(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.pictures.get(key);
    if (hit) return hit;
    const bytes = make();
    if (this.pictures.size >= 200) this.pictures.delete(this.pictures.keys().next().value!);
    this.pictures.set(key, bytes);
    bytes.catch(() => {
      if (this.pictures.get(key) === bytes) this.pictures.delete(key);
    });
    return bytes;
  }

  /** S-PARAMS-1/-3: a room link carrying the asking viewer's signed share_openid. */
  viewerShareLink(
    base: string,
    roomId: number,
    shareOpenid: string,
    scene: ShareScene,
    custom: string,
    closeShareTicket: boolean,
  ): { url: string; share_sig: string } {
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
