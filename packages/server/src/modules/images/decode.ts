/**
 * Untrusted image bytes in, a clean image out — or a typed refusal.
 *
 * Gates, in order: byte count; magic bytes (PNG, JPEG, GIF, WebP only: SVG, HTML, TIFF, PDF… never reach a decoder);
 * the header as the decoder reads it (format must agree with the magic; width, height, pixel count and frame count
 * within limits, so a decompression bomb is refused before its pixels are inflated); then a full decode and a
 * re-encode. Re-encoding is what neutralises polyglots: only pixels survive, so bytes appended after the image
 * (HTML, JS, a ZIP), comments, text chunks and EXIF/XMP/IPTC (GPS included) are gone; the EXIF orientation is applied
 * to the pixels first, so the picture still stands the right way up.
 *
 * sharp (libvips) does the work in libuv's thread pool: the event loop keeps turning while an image decodes.
 */
import sharp, { type Metadata } from 'sharp';
import { ImageError } from './errors.js';
import { describeStart, IMAGE_TYPES, SHARP_FORMAT, sniffImageType, type ImageType } from './sniff.js';
import { encodeAs, refusalOf } from './encode.js';

export interface DecodeLimits {
  /** Largest input, in bytes. */
  maxBytes: number;
  /** Largest width × height (× frames when animated). 40 MP by default. */
  maxPixels: number;
  maxWidth: number;
  maxHeight: number;
  /** Animated GIF/WebP accepted (kept animated)? When false, a multi-frame image is refused. */
  allowAnimated: boolean;
  /** Most frames an accepted animation may have. */
  maxFrames: number;
  /** The types accepted here. */
  types: readonly ImageType[];
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxWidth: 16_383, // WebP's own ceiling; also keeps a 40 MP budget from going to a 1-pixel-high strip
  maxHeight: 16_383,
  allowAnimated: false,
  maxFrames: 300,
  types: IMAGE_TYPES,
});

/** What the header says, after every gate but the full decode. */
export interface ImageHeader {
  contentType: ImageType;
  /** As displayed (EXIF orientation applied). */
  width: number;
  height: number;
  /** 1 for a still image. */
  frames: number;
}

export interface DecodedImage extends ImageHeader {
  /** The re-encoded image, same type as the input; no metadata. */
  bytes: Buffer;
}

export function resolveLimits(partial: Partial<DecodeLimits> = {}): DecodeLimits {
  const l: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, ...partial };
  for (const k of ['maxBytes', 'maxPixels', 'maxWidth', 'maxHeight', 'maxFrames'] as const) {
    if (!Number.isSafeInteger(l[k]) || l[k] < 1) throw new RangeError(`decode limit ${k} must be a positive integer, not ${String(l[k])}`);
  }
  if (l.types.length === 0 || l.types.some((t) => !IMAGE_TYPES.includes(t)))
    throw new RangeError(`decode limit types must be a non-empty subset of ${IMAGE_TYPES.join(', ')}`);
  return l;
}

/**
 * Check the bytes and the header against the limits without decoding the pixels (cheap: no pixel is inflated).
 * Throws ImageError. `decodeImage` runs this first; the share poster uses it before it resizes a cover.
 */
export async function inspectImage(input: Uint8Array, limits: Partial<DecodeLimits> = {}): Promise<ImageHeader> {
  const l = resolveLimits(limits);
  if (input.length === 0) throw new ImageError('empty', 'the image is empty (0 bytes)');
  if (input.length > l.maxBytes) throw new ImageError('too_many_bytes', `the image is ${input.length} bytes; the limit is ${l.maxBytes}`);
  const type = sniffImageType(input);
  if (!type) throw new ImageError('unsupported_format', `not a PNG, JPEG, GIF or WebP image (it starts with ${describeStart(input)})`);
  if (!l.types.includes(type)) throw new ImageError('unsupported_format', `${type} is not accepted here (accepted: ${l.types.join(', ')})`);
  let meta: Metadata;
  try {
    meta = await sharp(input, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (e) {
    throw refusalOf(e, type, input);
  }
  if (meta.format !== SHARP_FORMAT[type])
    throw new ImageError('corrupt', `the bytes start like ${type} but decode as ${meta.format ?? 'nothing known'}`);
  const frames = Math.max(1, meta.pages ?? 1);
  const w = meta.width;
  const h = meta.pageHeight ?? meta.height;
  if (!(w > 0 && h > 0)) throw new ImageError('corrupt', `the image header gives no size (${w}×${h})`);
  if (w > l.maxWidth || h > l.maxHeight)
    throw new ImageError('too_large', `the image is ${w}×${h} pixels; the limit is ${l.maxWidth}×${l.maxHeight}`);
  if (frames > 1 && !l.allowAnimated)
    throw new ImageError('animated', `the image is animated (${frames} frames); only still images are accepted here`);
  if (frames > l.maxFrames) throw new ImageError('animated', `the animation has ${frames} frames; the limit is ${l.maxFrames}`);
  const pixels = w * h * frames;
  if (pixels > l.maxPixels) {
    const mp = (n: number) => `${(n / 1e6).toFixed(1)} MP`;
    throw new ImageError(
      'too_many_pixels',
      `the image is ${w}×${h}${frames > 1 ? ` × ${frames} frames` : ''} = ${mp(pixels)}; the limit is ${mp(l.maxPixels)}`,
    );
  }
  const turned = (meta.orientation ?? 1) >= 5;
  return { contentType: type, width: turned ? h : w, height: turned ? w : h, frames };
}

/**
 * Decode untrusted bytes for real and re-encode them: `{ contentType, width, height, frames, bytes }`.
 * Throws ImageError (reason + message) for anything that is not a sound image within `limits`; never changes `input`.
 */
export async function decodeImage(input: Uint8Array, limits: Partial<DecodeLimits> = {}): Promise<DecodedImage> {
  const l = resolveLimits(limits);
  const header = await inspectImage(input, l);
  const pipeline = sharp(input, { failOn: 'error', limitInputPixels: l.maxPixels, animated: header.frames > 1 }).autoOrient();
  try {
    const { data, info } = await encodeAs(pipeline, header.contentType, input).toBuffer({ resolveWithObject: true });
    return {
      contentType: header.contentType,
      width: info.width,
      height: info.pageHeight ?? info.height,
      frames: info.pages ?? 1,
      bytes: data,
    };
  } catch (e) {
    throw refusalOf(e, header.contentType, input);
  }
}
