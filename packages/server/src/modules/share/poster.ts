/**
 * The share poster (WeChat's `posterUrl`): a 750×1334 PNG or JPEG with the cover embedded, the room and anchor names,
 * the start time in the room's time zone, and the room link (type=9) as a QR code that scans.
 *
 *   0 ┌──────────────────────┐
 *     │ cover (750×680)      │
 * 680 ├──────────────────────┤
 *     │ (avatar) anchor name │  y 708..788
 *     │ room name, ≤ 2 lines │  y 812..
 *     │ start time           │  y 948..
 *1008 ├──────────────────────┤  divider
 *     │ hint        ┌──────┐ │  QR box 300×300 at x 410, y 1020, quiet zone included
 *     │             └──────┘ │
 *1334 └──────────────────────┘
 *
 * Everything is drawn by sharp (libvips, Pango) in libuv's thread pool. Callers cache the bytes per room, params and
 * the room's updated_at: a render costs about 100 ms of CPU (figures in docs/share-images.md).
 */
import sharp, { type OverlayOptions } from 'sharp';
import { PosterError } from './errors.js';
import { avatarLayer, coverLayer } from './pictures.js';
import { qrRaster } from './qr.js';
import { renderText } from './text.js';
import { checkTimeZone, DEFAULT_TIME_ZONE, formatStartTime, zoneOffsetLabel } from './time.js';
import { checkLanguage, requireName, type RenderedImage, type ShareLanguage } from './common.js';

export { renderShareCard } from './card.js';
export type { RenderedImage, ShareLanguage } from './common.js';

export const POSTER_WIDTH = 750;
export const POSTER_HEIGHT = 1334;
const PAD = 40;
const COVER_H = 680;
const AVATAR = 80;
const QR_BOX = { left: 410, top: 1020, size: 300 };

export interface PosterInput {
  roomName: string;
  anchorName: string;
  /** Planned start, unix seconds. */
  startTime: number;
  /** IANA zone the time is printed in; default Asia/Shanghai. */
  timeZone?: string;
  /** Labels' language; default 'zh'. */
  language?: ShareLanguage;
  /** Cover image bytes (PNG/JPEG/GIF/WebP), embedded. Without one, a plain gradient. */
  cover?: Uint8Array;
  /** Anchor's avatar bytes, drawn as a circle. */
  avatar?: Uint8Array;
  /** The room page link (http/https). The QR code encodes it with `type=9` set. */
  link: string;
  /** Default 'png'. */
  format?: 'png' | 'jpeg';
}

export interface Poster extends RenderedImage {
  /** Exactly what the QR code encodes. */
  link: string;
  /** Where the QR code sits, quiet zone included. */
  qr: { left: number; top: number; size: number; modulePx: number; modules: number; version: number };
  /** The strings drawn (after clean-up and any ellipsis). */
  texts: { roomName: string; anchorName: string; time: string; hint: string[] };
}

const LABELS: Record<ShareLanguage, { time: (when: string) => string; hint: string[] }> = {
  zh: { time: (when) => `开播时间 ${when}`, hint: ['长按识别二维码', '进入直播间'] },
  en: { time: (when) => `Live at ${when}`, hint: ['Scan the code', 'to watch live'] },
};

/** The link the poster's QR code carries: the room link with type=9 (S-ENTRY-1, scene "poster/code"). */
export function posterLink(link: string): string {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    throw new PosterError('invalid_input', `link is not a URL: ${JSON.stringify(link.slice(0, 100))}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PosterError('invalid_input', `link must be http(s), not ${u.protocol}`);
  u.searchParams.set('type', '9');
  return u.toString();
}

/** Draw the poster. Throws PosterError (reason + message) for bad input; nothing is cached or kept here. */
export async function renderPoster(input: PosterInput): Promise<Poster> {
  const language = checkLanguage(input.language);
  const roomName = requireName(input.roomName, 'roomName');
  const anchorName = requireName(input.anchorName, 'anchorName');
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  checkTimeZone(timeZone);
  const format = input.format ?? 'png';
  if (format !== 'png' && format !== 'jpeg')
    throw new PosterError('invalid_input', `format must be 'png' or 'jpeg', not ${JSON.stringify(format)}`);
  const link = posterLink(input.link);
  let when = formatStartTime(input.startTime, timeZone);
  if (timeZone !== DEFAULT_TIME_ZONE) when += ` (${zoneOffsetLabel(input.startTime, timeZone)})`;
  const labels = LABELS[language];

  const nameX = input.avatar ? PAD + AVATAR + 16 : PAD;
  const [cover, avatar, anchor, name, time, hint, qr] = await Promise.all([
    coverLayer(input.cover, POSTER_WIDTH, COVER_H),
    input.avatar ? avatarLayer(input.avatar, AVATAR) : undefined,
    renderText({ text: anchorName, size: 30, color: '#555555', width: POSTER_WIDTH - nameX - PAD }),
    renderText({ text: roomName, size: 44, color: '#111111', width: POSTER_WIDTH - 2 * PAD, maxLines: 2, bold: true }),
    renderText({ text: labels.time(when), size: 30, color: '#e64340', width: POSTER_WIDTH - 2 * PAD }),
    renderText({ text: labels.hint.join('\n'), size: 28, color: '#666666', width: QR_BOX.left - 2 * PAD, maxLines: 2, multiline: true }),
    qrRaster(link, QR_BOX.size),
  ]);
  const qrLeft = QR_BOX.left + Math.floor((QR_BOX.size - qr.size) / 2);
  const qrTop = QR_BOX.top + Math.floor((QR_BOX.size - qr.size) / 2);
  const layers: OverlayOptions[] = [
    { input: cover, left: 0, top: 0 },
    ...(avatar ? [{ input: avatar, left: PAD, top: 708 }] : []),
    { input: anchor.png, left: nameX, top: 748 - Math.round(anchor.height / 2) },
    { input: name.png, left: PAD, top: 812 },
    { input: time.png, left: PAD, top: 948 },
    { input: { create: { width: POSTER_WIDTH - 2 * PAD, height: 2, channels: 4, background: '#eeeeee' } }, left: PAD, top: 1008 },
    { input: hint.png, left: PAD, top: QR_BOX.top + QR_BOX.size / 2 - Math.round(hint.height / 2) },
    { input: qr.png, left: qrLeft, top: qrTop },
  ];
  const flat = await sharp({ create: { width: POSTER_WIDTH, height: POSTER_HEIGHT, channels: 3, background: '#ffffff' } })
    .composite(layers)
    .raw()
    .toBuffer({ resolveWithObject: true });
  // composite leaves an alpha channel; the poster is opaque, so RGB only
  const canvas = sharp(flat.data, {
    raw: { width: flat.info.width, height: flat.info.height, channels: flat.info.channels },
  }).removeAlpha();
  const bytes = await (
    format === 'png' ? canvas.png({ compressionLevel: 6 }) : canvas.jpeg({ quality: 90, chromaSubsampling: '4:4:4' })
  ).toBuffer();
  return {
    contentType: format === 'png' ? 'image/png' : 'image/jpeg',
    width: POSTER_WIDTH,
    height: POSTER_HEIGHT,
    bytes,
    link,
    qr: { left: qrLeft, top: qrTop, size: qr.size, modulePx: qr.modulePx, modules: qr.modules, version: qr.version },
    texts: { roomName: name.drawn, anchorName: anchor.drawn, time: time.drawn, hint: labels.hint },
  };
}
