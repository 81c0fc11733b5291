import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeImage, inspectImage } from '../src/modules/images/decode.js';
import { ImageError, type ImageRefusal } from '../src/modules/images/errors.js';
import {
  animated,
  BLUE,
  gifWithComment,
  jpegWithComment,
  near,
  noisy,
  pixelAt,
  pngBomb,
  pngHeaderOnly,
  pngWithText,
  RED,
  solid,
  tinyZip,
  YELLOW,
  quadrants,
} from './image-fixtures.js';

async function refusal(p: Promise<unknown>): Promise<{ reason: ImageRefusal; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    const err = e as ImageError;
    expect(err.message.length).toBeGreaterThan(10);
    return { reason: err.reason, message: err.message };
  }
  throw new Error('expected a refusal, got an image');
}

const has = (b: Buffer, s: string) => b.includes(Buffer.from(s, 'latin1'));
const EOI = Buffer.from([0xff, 0xd9]);
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

describe('decodeImage: sound images', () => {
  it('decodeImage(jpeg) → the same size, re-encoded JPEG that sharp reads back', async () => {
    const input = await noisy(320, 240).jpeg({ quality: 80 }).toBuffer();
    const out = await decodeImage(input);
    expect(out).toMatchObject({ contentType: 'image/jpeg', width: 320, height: 240, frames: 1 });
    expect(out.bytes.equals(input)).toBe(false);
    expect(await sharp(out.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
  });

  it('decodeImage(png, gif, webp) → each keeps its type and size', async () => {
    for (const [fmt, type] of [
      ['png', 'image/png'],
      ['gif', 'image/gif'],
      ['webp', 'image/webp'],
    ] as const) {
      const out = await decodeImage(await solid(90, 60, RED).toFormat(fmt).toBuffer());
      expect(out).toMatchObject({ contentType: type, width: 90, height: 60, frames: 1 });
      expect((await sharp(out.bytes).metadata()).format).toBe(fmt);
      expect(near(await pixelAt(out.bytes, 45, 30), RED, fmt === 'gif' ? 24 : 16)).toBe(true);
    }
  });

  it('decodeImage(lossless webp) → stays lossless (pixels exact)', async () => {
    const input = await quadrants(64, 64, 'png').then((b) => sharp(b).webp({ lossless: true }).toBuffer());
    const out = await decodeImage(input);
    expect(out.bytes.includes(Buffer.from('VP8L'))).toBe(true);
    expect(await pixelAt(out.bytes, 48, 48)).toEqual(await pixelAt(input, 48, 48));
  });

  it('decodeImage(jpeg with EXIF orientation 6) → pixels turned upright, no EXIF left', async () => {
    // stored 80×40: red left half, blue right half; orientation 6 means "turn 90° clockwise to display"
    const stored = await solid(80, 40, RED)
      .composite([{ input: await solid(40, 40, BLUE).png().toBuffer(), left: 40, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(stored).metadata()).orientation).toBe(6);
    expect(await inspectImage(stored)).toMatchObject({ width: 40, height: 80 });
    const out = await decodeImage(stored);
    expect(out).toMatchObject({ width: 40, height: 80 });
    const meta = await sharp(out.bytes).metadata();
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(near(await pixelAt(out.bytes, 20, 10), RED)).toBe(true); // the left half went on top
    expect(near(await pixelAt(out.bytes, 20, 70), BLUE)).toBe(true);
  });

  it('decodeImage(animated gif, allowAnimated) → kept animated, frames counted', async () => {
    const out = await decodeImage(await animated('gif'), { allowAnimated: true });
    expect(out).toMatchObject({ contentType: 'image/gif', width: 64, height: 48, frames: 2 });
    expect((await sharp(out.bytes).metadata()).pages).toBe(2);
  });

  it('decodeImage(x) leaves the input bytes untouched, refused or not', async () => {
    const good = await noisy(50, 50).jpeg().toBuffer();
    const bad = good.subarray(0, 300);
    const [goodCopy, badCopy] = [Buffer.from(good), Buffer.from(bad)];
    await decodeImage(good);
    await refusal(decodeImage(bad));
    expect(good.equals(goodCopy) && bad.equals(badCopy)).toBe(true);
  });
});

describe('decodeImage: refusals', () => {
  it('decodeImage(empty / over maxBytes) → empty / too_many_bytes', async () => {
    expect((await refusal(decodeImage(Buffer.alloc(0)))).reason).toBe('empty');
    const big = await noisy(200, 200).png().toBuffer();
    const r = await refusal(decodeImage(big, { maxBytes: 1000 }));
    expect(r.reason).toBe('too_many_bytes');
    expect(r.message).toContain('limit is 1000');
  });

  it('decodeImage(not an image: text, HTML, SVG, SVG with a PNG name, TIFF, PDF, ZIP) → unsupported_format', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    const inputs = [
      Buffer.from('hello, not an image'),
      Buffer.from('<!doctype html><html><script>alert(1)</script></html>'),
      Buffer.from(svg),
      Buffer.from(`<?xml version="1.0"?>\n${svg}`),
      Buffer.from(`\ufeff${svg}`),
      await solid(20, 20, RED).tiff().toBuffer(),
      Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'),
      tinyZip('a.txt', 'zip'),
    ];
    expect((await sharp(Buffer.from(svg)).metadata()).format).toBe('svg'); // the decoder itself would have opened it
    for (const b of inputs) {
      const r = await refusal(decodeImage(b));
      expect(r.reason).toBe('unsupported_format');
      expect(r.message).toMatch(/not a PNG, JPEG, GIF or WebP/);
    }
  });

  it('decodeImage(png, types: jpeg only) → unsupported_format naming what is accepted', async () => {
    const r = await refusal(decodeImage(await solid(10, 10, RED).png().toBuffer(), { types: ['image/jpeg'] }));
    expect(r).toMatchObject({ reason: 'unsupported_format' });
    expect(r.message).toContain('image/jpeg');
  });

  it('decodeImage(truncated jpeg / png / gif / webp) → truncated', async () => {
    for (const fmt of ['jpeg', 'png', 'gif', 'webp'] as const) {
      const whole = await noisy(200, 150).toFormat(fmt).toBuffer();
      const r = await refusal(decodeImage(whole.subarray(0, Math.floor(whole.length / 2))));
      expect(`${fmt}: ${r.reason}`).toBe(`${fmt}: truncated`);
    }
  });

  it('decodeImage(damaged png / jpeg / magic bytes then junk) → corrupt', async () => {
    const png = await noisy(200, 150).png().toBuffer();
    const flipped = Buffer.from(png);
    for (let i = 200; i < 260; i++) flipped[i]! ^= 0x55; // inside IDAT: CRC and zlib data wrong
    expect((await refusal(decodeImage(flipped))).reason).toBe('corrupt');
    const jpeg = await noisy(200, 150).jpeg().toBuffer();
    const noTables = Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xda, 0x00, 0x08]), jpeg.subarray(2)]); // scan before any frame header
    expect((await refusal(decodeImage(noTables))).reason).toBe('corrupt');
    for (const junk of ['\xff\xd8\xff' + 'x'.repeat(200), 'GIF89a' + 'x'.repeat(200), 'RIFF\x10\x00\x00\x00WEBPVP8 ' + 'x'.repeat(4)]) {
      expect((await refusal(decodeImage(Buffer.from(junk, 'latin1')))).reason).toMatch(/^(corrupt|truncated)$/);
    }
  });

  it('decodeImage(png bomb: 8000×6000 in a few KB) → too_many_pixels before inflating it', async () => {
    const bomb = pngBomb(8000, 6000);
    expect(bomb.length).toBeLessThan(100_000);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: 8000, height: 6000 }); // a real, valid image
    const r = await refusal(decodeImage(bomb));
    expect(r.reason).toBe('too_many_pixels');
    expect(r.message).toContain('48.0 MP');
    expect((await refusal(inspectImage(bomb))).reason).toBe('too_many_pixels');
  });

  it('decodeImage(20000×1 strip / 30000×30000 header) → too_large', async () => {
    expect((await refusal(decodeImage(pngBomb(20_000, 1)))).reason).toBe('too_large');
    expect((await refusal(decodeImage(pngHeaderOnly(30_000, 30_000)))).reason).toBe('too_large');
    expect((await refusal(decodeImage(await solid(300, 200, RED).png().toBuffer(), { maxWidth: 299 }))).reason).toBe('too_large');
  });

  it('decodeImage(animated gif / webp) → animated, unless allowed; frames count against maxPixels and maxFrames', async () => {
    for (const fmt of ['gif', 'webp'] as const) {
      const r = await refusal(decodeImage(await animated(fmt)));
      expect(r.reason).toBe('animated');
      expect(r.message).toContain('2 frames');
    }
    expect((await refusal(decodeImage(await animated('gif'), { allowAnimated: true, maxPixels: 64 * 48 * 2 - 1 }))).reason).toBe(
      'too_many_pixels',
    );
    expect((await refusal(decodeImage(await animated('gif'), { allowAnimated: true, maxFrames: 1 }))).reason).toBe('animated');
  });

  it('decodeImage(x, bad limits) → RangeError', async () => {
    await expect(decodeImage(Buffer.from('x'), { maxPixels: 0 })).rejects.toThrow(RangeError);
    await expect(decodeImage(Buffer.from('x'), { types: [] })).rejects.toThrow(RangeError);
  });
});

describe('decodeImage: polyglots are neutralised by re-encoding', () => {
  it('decodeImage(png + appended HTML/JS) → a PNG ending at IEND, no script', async () => {
    const png = await quadrants(64, 64);
    const out = await decodeImage(Buffer.concat([png, Buffer.from('<html><script>alert(document.cookie)</script></html>')]));
    expect(has(out.bytes, '<script')).toBe(false);
    expect(out.bytes.subarray(-12).equals(IEND)).toBe(true);
    expect(near(await pixelAt(out.bytes, 48, 48), YELLOW)).toBe(true);
  });

  it('decodeImage(png + appended ZIP) → no ZIP records left', async () => {
    const png = await solid(40, 40, RED).png().toBuffer();
    const poly = Buffer.concat([png, tinyZip('payload.js', 'alert(1)')]);
    expect(has(poly, 'PK\x05\x06')).toBe(true);
    const out = await decodeImage(poly);
    expect(has(out.bytes, 'PK\x03\x04') || has(out.bytes, 'PK\x05\x06') || has(out.bytes, 'payload')).toBe(false);
    expect(out.bytes.subarray(-12).equals(IEND)).toBe(true);
  });

  it('decodeImage(png with a tEXt chunk carrying JS) → chunk gone', async () => {
    const out = await decodeImage(pngWithText(await solid(40, 40, RED).png().toBuffer(), 'Comment', '<script>alert(1)</script>'));
    expect(has(out.bytes, 'tEXt') || has(out.bytes, '<script')).toBe(false);
  });

  it('decodeImage(jpeg + trailing payload, a PHP comment and EXIF with GPS) → ends at EOI, none of them left', async () => {
    const base = await noisy(120, 90)
      .jpeg()
      .withExif({
        IFD0: { Copyright: 'secret-owner-zhibo', Artist: 'someone' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 0/1' },
      })
      .toBuffer();
    expect(has(base, 'secret-owner-zhibo')).toBe(true);
    const poly = Buffer.concat([
      jpegWithComment(base, '<?php system($_GET["c"]); ?>'),
      Buffer.from('PK\x03\x04<script>alert(1)</script>', 'latin1'),
    ]);
    const out = await decodeImage(poly);
    for (const s of ['secret-owner-zhibo', 'someone', '<?php', '<script', 'PK\x03\x04', 'Exif'])
      expect(`${s}: ${has(out.bytes, s)}`).toBe(`${s}: false`);
    expect(out.bytes.subarray(-2).equals(EOI)).toBe(true);
    expect((await sharp(out.bytes).metadata()).exif).toBeUndefined();
  });

  it('decodeImage(gif with a JS comment extension, and a trailer) → comment gone', async () => {
    const gif = await solid(30, 30, RED).gif().toBuffer();
    const poly = Buffer.concat([gifWithComment(gif, '*/=alert(1);/*'), Buffer.from('<script>alert(2)</script>')]);
    expect((await sharp(poly).metadata()).format).toBe('gif'); // still a readable GIF
    const out = await decodeImage(poly);
    expect(has(out.bytes, 'alert')).toBe(false);
  });
});

describe('decodeImage: the event loop', () => {
  it('decodeImage(2 MB jpeg) → the event loop keeps turning while it decodes and re-encodes', async () => {
    const input = await noisy(1800, 1350, 60).jpeg({ quality: 92 }).toBuffer();
    expect(input.length).toBeGreaterThan(1.8e6);
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const out = await decodeImage(input);
    running = false;
    expect(out.width).toBe(1800);
    expect(turns).toBeGreaterThan(5); // a decoder on the main thread would allow 0 or 1 turn
  });
});
