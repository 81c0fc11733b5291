/**
 * The share card for the article-card entry (type=10): a 500×400 (5:4) JPEG, the cover filling it, a "live" badge,
 * and the room name (with the anchor's name under it) on a dark band at the bottom.
 */
import sharp from 'sharp';
import { checkLanguage, requireName, type RenderedImage, type ShareLanguage } from './common.js';
import { coverLayer } from './pictures.js';
import { renderText } from './text.js';

export const SHARE_CARD_WIDTH = 500;
export const SHARE_CARD_HEIGHT = 400;
const PAD = 24;

export interface ShareCardInput {
  roomName: string;
  anchorName?: string;
  /** Cover image bytes, embedded; without one, a plain gradient. */
  cover?: Uint8Array;
  language?: ShareLanguage;
}

export interface ShareCard extends RenderedImage {
  texts: { roomName: string; anchorName?: string; badge: string };
}

const BADGE: Record<ShareLanguage, string> = { zh: '直播', en: 'LIVE' };

/** Draw the card. Throws PosterError for bad input. */
export async function renderShareCard(input: ShareCardInput): Promise<ShareCard> {
  const language = checkLanguage(input.language);
  const roomName = requireName(input.roomName, 'roomName');
  const anchorName = input.anchorName === undefined ? undefined : requireName(input.anchorName, 'anchorName');
  const W = SHARE_CARD_WIDTH;
  const H = SHARE_CARD_HEIGHT;
  const [cover, name, anchor, badge] = await Promise.all([
    coverLayer(input.cover, W, H),
    renderText({ text: roomName, size: 30, color: '#ffffff', width: W - 2 * PAD, maxLines: 2, bold: true }),
    anchorName ? renderText({ text: anchorName, size: 20, color: '#dddddd', width: W - 2 * PAD }) : undefined,
    renderText({ text: BADGE[language], size: 20, color: '#ffffff', width: 200, bold: true }),
  ]);
  const anchorTop = H - PAD - (anchor?.height ?? 0);
  const nameTop = anchorTop - (anchor ? 10 : 0) - name.height;
  const bandTop = Math.max(0, nameTop - 40);
  const band = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H - bandTop}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.45" stop-color="#000" stop-opacity="0.55"/><stop offset="1" stop-color="#000" stop-opacity="0.7"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
  const bw = badge.width + 20;
  const bh = badge.height + 12;
  const pill = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${bw}" height="${bh}"><rect width="${bw}" height="${bh}" rx="${bh / 2}" fill="#e64340"/></svg>`,
  );
  const bytes = await sharp(cover)
    .composite([
      { input: band, left: 0, top: bandTop },
      { input: pill, left: 16, top: 16 },
      { input: badge.png, left: 26, top: 22 },
      { input: name.png, left: PAD, top: nameTop },
      ...(anchor ? [{ input: anchor.png, left: PAD, top: anchorTop }] : []),
    ])
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 88, chromaSubsampling: '4:4:4' })
    .toBuffer();
  return {
    contentType: 'image/jpeg',
    width: W,
    height: H,
    bytes,
    texts: { roomName: name.drawn, ...(anchor ? { anchorName: anchor.drawn } : {}), badge: BADGE[language] },
  };
}
