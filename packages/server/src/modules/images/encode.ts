/** The re-encoding settings per type, and turning decoder failures into typed refusals. */
import type { Sharp } from 'sharp';
import { ImageError } from './errors.js';
import type { ImageType } from './sniff.js';

export const JPEG_QUALITY = 90;
export const WEBP_QUALITY = 90;

/** Same type out as in; no metadata is kept (sharp's default), colours converted to sRGB. */
export function encodeAs(p: Sharp, type: ImageType, input: Uint8Array): Sharp {
  switch (type) {
    case 'image/jpeg':
      return p.jpeg({ quality: JPEG_QUALITY });
    case 'image/png':
      return p.png({ compressionLevel: 6 });
    case 'image/gif':
      return p.gif();
    case 'image/webp':
      return webpIsLossless(input) ? p.webp({ lossless: true }) : p.webp({ quality: WEBP_QUALITY });
  }
}

/** A WebP whose image chunk is VP8L (lossless) stays lossless. Walks the RIFF chunks. */
export function webpIsLossless(b: Uint8Array): boolean {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 12;
  while (i + 8 <= b.length) {
    const fourcc = String.fromCharCode(...b.subarray(i, i + 4));
    if (fourcc === 'VP8L') return true;
    if (fourcc === 'VP8 ') return false;
    const size = dv.getUint32(i + 4, true);
    i += 8 + size + (size & 1);
  }
  return false;
}

/** Does a PNG's chunk walk run off the end of the data before IEND? */
export function pngIsTruncated(b: Uint8Array): boolean {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 8;
  while (i + 8 <= b.length) {
    const len = dv.getUint32(i);
    const type = String.fromCharCode(...b.subarray(i + 4, i + 8));
    if (i + 12 + len > b.length) return true;
    if (type === 'IEND') return false;
    i += 12 + len;
  }
  return true;
}

/** Is a WebP shorter than its RIFF header says? */
export function webpIsTruncated(b: Uint8Array): boolean {
  if (b.length < 12) return true;
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4, true) + 8 > b.length;
}

const TRUNCATED = /premature end|unexpected end|truncated|not enough data|end of (file|stream|data)/i;

/** A decoder exception as an ImageError with a reason and a message people can act on. */
export function refusalOf(e: unknown, type: ImageType, input: Uint8Array): ImageError {
  if (e instanceof ImageError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  if (/exceeds pixel limit/i.test(detail))
    return new ImageError('too_many_pixels', `the image has more pixels than allowed (${detail})`, { cause: e });
  if (TRUNCATED.test(detail) || (type === 'image/png' && pngIsTruncated(input)) || (type === 'image/webp' && webpIsTruncated(input)))
    return new ImageError('truncated', `the ${type} data ends before the image does (truncated upload?): ${detail}`, { cause: e });
  return new ImageError('corrupt', `the ${type} data is damaged and cannot be decoded: ${detail}`, { cause: e });
}
