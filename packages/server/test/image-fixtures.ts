/** Crafted image files for the decoder and poster tests: made here, byte by byte or with sharp, never downloaded. */
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export type Rgb = { r: number; g: number; b: number };

/** A noisy photo-like image (does not compress well, like a real photo). */
export function noisy(width: number, height: number, sigma = 40): Sharp {
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma } } });
}

/** A solid colour image. */
export function solid(width: number, height: number, c: Rgb): Sharp {
  return sharp({ create: { width, height, channels: 3, background: c } });
}

export const RED: Rgb = { r: 220, g: 20, b: 20 };
export const GREEN: Rgb = { r: 20, g: 200, b: 40 };
export const BLUE: Rgb = { r: 20, g: 40, b: 220 };
export const YELLOW: Rgb = { r: 240, g: 220, b: 20 };

/** An image of four coloured quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right. */
export async function quadrants(width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const w = width / 2;
  const h = height / 2;
  const q = async (c: Rgb) => solid(w, h, c).png().toBuffer();
  return solid(width, height, RED)
    .composite([
      { input: await q(GREEN), left: w, top: 0 },
      { input: await q(BLUE), left: 0, top: h },
      { input: await q(YELLOW), left: w, top: h },
    ])
    .toFormat(format)
    .toBuffer();
}

/** The colour of one pixel of any image sharp reads. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<Rgb> {
  const { data } = await sharp(image)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { r: data[0]!, g: data[1]!, b: data[2]! };
}

export function near(a: Rgb, b: Rgb, tolerance = 16): boolean {
  return Math.abs(a.r - b.r) <= tolerance && Math.abs(a.g - b.g) <= tolerance && Math.abs(a.b - b.b) <= tolerance;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 1-bit greyscale PNG of width × height, all black: a few KB that inflate to width × height pixels. */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, filter 0, no interlace
  const row = 1 + Math.ceil(width / 8); // filter byte + packed pixels
  const raw = Buffer.alloc(row * height); // all zeros: filter none, black
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose header claims width × height, with no pixel data: only the header gate can judge it. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const png = pngBomb(1, 1);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29); // IHDR's CRC covers type + data
  return png;
}

/** A PNG with an extra tEXt chunk inserted before IEND. */
export function pngWithText(png: Buffer, keyword: string, text: string): Buffer {
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1')), png.subarray(iend)]);
}

/** A JPEG with a COM (comment) segment right after SOI. */
export function jpegWithComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, body, jpeg.subarray(2)]);
}

/** A GIF with a comment extension (0x21 0xFE) right after the global colour table. */
export function gifWithComment(gif: Buffer, text: string): Buffer {
  const flags = gif[10]!;
  const gct = flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0;
  const at = 13 + gct;
  const body = Buffer.from(text, 'latin1');
  if (body.length > 255) throw new Error('one sub-block only');
  return Buffer.concat([gif.subarray(0, at), Buffer.from([0x21, 0xfe, body.length]), body, Buffer.from([0]), gif.subarray(at)]);
}

/** A one-file ZIP archive (stored, no compression), valid enough for unzip and for a ZIP-appended polyglot. */
export function tinyZip(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const fname = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fname.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fname.length, 28);
  const localSize = local.length + fname.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fname.length, 12);
  end.writeUInt32LE(localSize, 16);
  return Buffer.concat([local, fname, data, central, fname, end]);
}

/** A 2-frame animated GIF (or WebP). */
export async function animated(format: 'gif' | 'webp', width = 64, height = 48): Promise<Buffer> {
  const frames = [await solid(width, height, RED).png().toBuffer(), await solid(width, height, BLUE).png().toBuffer()];
  return sharp(frames, { join: { animated: true } })
    .toFormat(format)
    .toBuffer();
}
