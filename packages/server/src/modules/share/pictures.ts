/** The cover and the avatar, embedded as pixels: checked like an upload, then cropped to their slot. */
import sharp, { type Sharp } from 'sharp';
import { inspectImage, type DecodeLimits } from '../images/decode.js';
import { ImageError } from '../images/errors.js';
import { PosterError } from './errors.js';

/** What a poster accepts as a cover or avatar. An animated image contributes its first frame. */
export const PICTURE_LIMITS: Partial<DecodeLimits> = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  allowAnimated: true,
  maxFrames: 1000,
};

async function fitted(bytes: Uint8Array, width: number, height: number, what: 'cover' | 'avatar'): Promise<Sharp> {
  try {
    await inspectImage(bytes, PICTURE_LIMITS);
    // decode now so a broken body is this picture's error, not a failure of the whole composite
    const raw = await sharp(bytes, { failOn: 'error', limitInputPixels: PICTURE_LIMITS.maxPixels })
      .autoOrient()
      .resize(width, height, { fit: 'cover', position: 'centre' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 4 } });
  } catch (e) {
    const detail = e instanceof ImageError ? e.message : `cannot be decoded: ${e instanceof Error ? e.message : String(e)}`;
    throw new PosterError(what, `${what} image: ${detail}`, { cause: e });
  }
}

/** The cover filling width × height (cropped around its centre), or a neutral gradient when there is none. */
export async function coverLayer(bytes: Uint8Array | undefined, width: number, height: number): Promise<Buffer> {
  if (!bytes) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ff7a45"/><stop offset="1" stop-color="#e64340"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
    return sharp(Buffer.from(svg)).png().toBuffer();
  }
  return (await fitted(bytes, width, height, 'cover')).png().toBuffer();
}

/** The avatar as a circle of the given diameter, transparent outside. */
export async function avatarLayer(bytes: Uint8Array, diameter: number): Promise<Buffer> {
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${diameter}" height="${diameter}"><circle cx="${diameter / 2}" cy="${diameter / 2}" r="${diameter / 2}" fill="#fff"/></svg>`,
  );
  return (await fitted(bytes, diameter, diameter, 'avatar'))
    .composite([{ input: mask, blend: 'dest-in' }])
    .png()
    .toBuffer();
}
