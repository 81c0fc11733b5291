/**
 * The first gate: what an image claims to be by its leading bytes. Only PNG, JPEG, GIF and WebP pass; everything
 * else the decoder could also open (SVG, TIFF, HEIF, PDF, …) is refused before any decoder sees it.
 */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
export const IMAGE_TYPES: readonly ImageType[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** The format sharp reports for each type (`metadata().format`). */
export const SHARP_FORMAT: Readonly<Record<ImageType, 'png' | 'jpeg' | 'gif' | 'webp'>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The type named by the magic bytes, or undefined. Says nothing about whether the rest is valid. */
export function sniffImageType(b: Uint8Array): ImageType | undefined {
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** A short printable description of what the bytes start with, for error messages. */
export function describeStart(b: Uint8Array): string {
  const head = String.fromCharCode(...b.subarray(0, 16)).replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(head);
}
