import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { renderPoster, renderShareCard, type PosterInput } from '../src/modules/share/poster.js';
import { PosterError, type PosterRefusal } from '../src/modules/share/errors.js';
import { formatStartTime, zoneOffsetLabel } from '../src/modules/share/time.js';
import { ImageError } from '../src/modules/images/errors.js';
import { BLUE, GREEN, near, pixelAt, pngBomb, quadrants, RED, solid, YELLOW } from './image-fixtures.js';

const run = promisify(execFile);
const LINK = 'http://127.0.0.1:8080/room/?room_id=42';
const SCAN = 'http://127.0.0.1:8080/room/?room_id=42&type=9';
const DEC_1_2026_20H_SHANGHAI = 1_796_126_400; // 2026-12-01T12:00:00Z
const WHITE = { r: 255, g: 255, b: 255 };
const BLACK = { r: 0, g: 0, b: 0 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhibo-poster-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** What zbarimg (ZBar, a real QR reader) finds in the image: one line per code. */
async function zbar(bytes: Buffer, name: string): Promise<string[]> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file]);
  return stdout.split('\n').filter((l) => l !== '');
}

/** What tesseract (OCR, English model) reads in one line of the image. */
async function ocrLine(bytes: Buffer, top: number, height: number, name: string): Promise<string> {
  const file = join(dir, name);
  await sharp(bytes).extract({ left: 0, top, width: 750, height }).png().toFile(file);
  const { stdout } = await run('tesseract', [file, '-', '--psm', '7']);
  return stdout.trim();
}

async function refusal(p: Promise<unknown>): Promise<{ reason: PosterRefusal; message: string; cause: unknown }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PosterError);
    const err = e as PosterError;
    return { reason: err.reason, message: err.message, cause: err.cause };
  }
  throw new Error('expected a PosterError');
}

/** Bounding box of dark pixels (luma < 100) inside a region. */
async function inkBox(image: Buffer, left: number, top: number, width: number, height: number) {
  const { data } = await sharp(image).extract({ left, top, width, height }).greyscale().raw().toBuffer({ resolveWithObject: true });
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (data[y * width + x]! < 100) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

const base = async (over: Partial<PosterInput> = {}): Promise<PosterInput> => ({
  roomName: '周末直播间',
  anchorName: '主播小王',
  startTime: DEC_1_2026_20H_SHANGHAI,
  link: LINK,
  cover: await quadrants(1000, 1000, 'jpeg'),
  ...over,
});

describe('renderPoster', () => {
  it('renderPoster(png) → 750×1334 PNG whose QR code zbarimg reads as exactly the room link with type=9', async () => {
    const p = await renderPoster(await base());
    expect(p).toMatchObject({ contentType: 'image/png', width: 750, height: 1334, link: SCAN });
    expect(await sharp(p.bytes).metadata()).toMatchObject({ format: 'png', width: 750, height: 1334 });
    expect(await zbar(p.bytes, 'poster.png')).toEqual([SCAN]);
  });

  it('renderPoster(jpeg) → 750×1334 JPEG that zbarimg reads as exactly the room link', async () => {
    const p = await renderPoster(await base({ format: 'jpeg', language: 'en' }));
    expect(p.contentType).toBe('image/jpeg');
    expect(await sharp(p.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 750, height: 1334 });
    expect(await zbar(p.bytes, 'poster.jpg')).toEqual([SCAN]);
  });

  it('renderPoster → the QR code is whole, inside the poster, with a white 4-module quiet zone and ≥ 4 px modules', async () => {
    const p = await renderPoster(await base({ format: 'jpeg' }));
    const { left, top, size, modulePx, modules } = p.qr;
    expect(left >= 0 && top >= 0 && left + size <= 750 && top + size <= 1334).toBe(true);
    expect(size).toBe((modules + 8) * modulePx);
    expect(modulePx).toBeGreaterThanOrEqual(4);
    const q = 4 * modulePx;
    // the quiet zone: the 4-module ring around the symbol is white all round
    const ring = [
      await inkBox(p.bytes, left, top, size, q),
      await inkBox(p.bytes, left, top + size - q, size, q),
      await inkBox(p.bytes, left, top, q, size),
      await inkBox(p.bytes, left + size - q, top, q, size),
    ];
    for (const box of ring) expect(box.width).toBeLessThanOrEqual(0);
    // the three finder patterns' corners are dark
    const c = q + Math.floor(modulePx / 2);
    for (const [x, y] of [
      [c, c],
      [size - 1 - c, c],
      [c, size - 1 - c],
    ])
      expect(near(await pixelAt(p.bytes, left + x!, top + y!), BLACK, 40)).toBe(true);
  });

  it('renderPoster(link with 400 characters of custom_params) → still scans; a 3000-character link → link_too_long', async () => {
    const custom = `${LINK}&custom_params=${encodeURIComponent(JSON.stringify({ src: 'x'.repeat(380) }))}`;
    const p = await renderPoster(await base({ link: custom }));
    expect(p.qr.modulePx).toBeGreaterThanOrEqual(3);
    expect(await zbar(p.bytes, 'long.png')).toEqual([p.link]);
    expect(p.link).toContain('type=9');
    const r = await refusal(renderPoster(await base({ link: `${LINK}&x=${'y'.repeat(3000)}` })));
    expect(r.reason).toBe('link_too_long');
  });

  it('renderPoster(cover) → the cover pixels are in the poster (each quadrant where the crop puts it)', async () => {
    const p = await renderPoster(await base());
    // 1000×1000 cover → 750×750, 35 px cut off top and bottom to fill 750×680
    expect(near(await pixelAt(p.bytes, 187, 152), RED)).toBe(true);
    expect(near(await pixelAt(p.bytes, 562, 152), GREEN)).toBe(true);
    expect(near(await pixelAt(p.bytes, 187, 527), BLUE)).toBe(true);
    expect(near(await pixelAt(p.bytes, 562, 527), YELLOW)).toBe(true);
  });

  it('renderPoster(avatar) → a round avatar: its colour at the centre, white in the corner of its square', async () => {
    const p = await renderPoster(await base({ avatar: await solid(200, 200, BLUE).png().toBuffer() }));
    expect(near(await pixelAt(p.bytes, 40 + 40, 708 + 40), BLUE)).toBe(true);
    expect(near(await pixelAt(p.bytes, 40 + 3, 708 + 3), WHITE)).toBe(true);
  });

  it('renderPoster(start time) → 2026-12-01 20:00 in Asia/Shanghai by default, drawn in the time line only', async () => {
    const a = await renderPoster(await base());
    expect(a.texts.time).toBe('开播时间 2026-12-01 20:00');
    const b = await renderPoster(await base({ startTime: DEC_1_2026_20H_SHANGHAI + 3600 }));
    expect(b.texts.time).toBe('开播时间 2026-12-01 21:00');
    const [ra, rb] = await Promise.all([a, b].map((p) => sharp(p.bytes).removeAlpha().raw().toBuffer()));
    const rows = new Set<number>();
    for (let i = 0; i < ra!.length; i++) if (ra![i] !== rb![i]) rows.add(Math.floor(i / (750 * 3)));
    expect(rows.size).toBeGreaterThan(5);
    expect(Math.min(...rows)).toBeGreaterThanOrEqual(948);
    expect(Math.max(...rows)).toBeLessThan(1008);
    // and the pixels say it: OCR of the time line (the Chinese label aside) reads the digits
    expect(await ocrLine(a.bytes, 940, 60, 'time-zh.png')).toMatch(/2026-12-01 20:00$/);
    expect(await ocrLine(b.bytes, 940, 60, 'time-zh2.png')).toMatch(/2026-12-01 21:00$/);
  });

  it("renderPoster(timeZone, en) → the zone's local time with its offset; 24-hour, midnight is 00", async () => {
    const p = await renderPoster(await base({ timeZone: 'America/New_York', language: 'en' }));
    expect(p.texts.time).toBe('Live at 2026-12-01 07:00 (GMT-5)');
    expect(await ocrLine(p.bytes, 940, 60, 'time-en.png')).toBe('Live at 2026-12-01 07:00 (GMT-5)');
    expect(p.texts.hint).toEqual(['Scan the code', 'to watch live']);
    expect(formatStartTime(DEC_1_2026_20H_SHANGHAI, 'UTC')).toBe('2026-12-01 12:00');
    expect(formatStartTime(1_796_141_159)).toBe('2026-12-02 00:05');
    expect(zoneOffsetLabel(1_782_907_200, 'America/New_York')).toBe('GMT-4'); // summer time
    expect(formatStartTime(1_782_907_200, 'Asia/Kolkata')).toBe('2026-07-01 17:30');
  });

  it('renderPoster(CJK names) → real CJK glyphs, not missing-glyph boxes', async () => {
    // "一" is one flat stroke: drawn, its ink is wide and thin; a missing-glyph box would be as tall as the font
    const p = await renderPoster(await base({ roomName: '一一一一一' }));
    const ink = await inkBox(p.bytes, 40, 812, 670, 120);
    expect(ink.width).toBeGreaterThan(150);
    expect(ink.height).toBeLessThan(14);
    const q = await renderPoster(await base({ roomName: '国国国国国' }));
    const box = await inkBox(q.bytes, 40, 812, 670, 120);
    expect(box.height).toBeGreaterThan(30); // the same measure sees a full-height glyph
    expect(box.width / 5).toBeGreaterThan(35); // full-width glyphs at 44 px
  });

  it('renderPoster(long or markup-like names) → drawn as text, cut to two lines with an ellipsis', async () => {
    const long = await renderPoster(await base({ roomName: '超长的直播间名字'.repeat(10) }));
    expect(long.texts.roomName.endsWith('…')).toBe(true);
    expect(long.texts.roomName.length).toBeLessThan(40);
    expect((await inkBox(long.bytes, 40, 930, 670, 18)).width).toBeLessThanOrEqual(0); // nothing spills into the gap above the time
    const markup = await renderPoster(await base({ roomName: '<span size="99999">big</span> & <b>', anchorName: 'a\n\tb\u0000c' }));
    expect(markup.texts.roomName).toBe('<span size="99999">big</span> & <b>');
    expect(markup.texts.anchorName).toBe('a b c');
  });

  it('renderPoster(bad input) → PosterError with a reason and a message', async () => {
    expect((await refusal(renderPoster(await base({ roomName: '  ' })))).reason).toBe('invalid_input');
    expect((await refusal(renderPoster(await base({ anchorName: 42 as unknown as string })))).reason).toBe('invalid_input');
    expect((await refusal(renderPoster(await base({ language: 'fr' as 'en' })))).reason).toBe('invalid_input');
    expect((await refusal(renderPoster(await base({ startTime: Number.NaN })))).reason).toBe('invalid_input');
    expect((await refusal(renderPoster(await base({ startTime: -1 })))).reason).toBe('invalid_input');
    expect((await refusal(renderPoster(await base({ link: 'javascript:alert(1)' })))).reason).toBe('invalid_input');
    expect((await refusal(renderPoster(await base({ link: 'not a url' })))).reason).toBe('invalid_input');
    const tz = await refusal(renderPoster(await base({ timeZone: 'Mars/Olympus' })));
    expect(tz.reason).toBe('time_zone');
    expect(tz.message).toContain('Mars/Olympus');
  });

  it('renderPoster(bad cover / avatar) → cover / avatar refusals carrying the ImageError', async () => {
    const svg = await refusal(renderPoster(await base({ cover: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') })));
    expect(svg).toMatchObject({ reason: 'cover' });
    expect((svg.cause as ImageError).reason).toBe('unsupported_format');
    const bomb = await refusal(renderPoster(await base({ cover: pngBomb(8000, 6000) })));
    expect((bomb.cause as ImageError).reason).toBe('too_many_pixels');
    const jpeg = await solid(300, 300, RED).jpeg().toBuffer();
    const cut = await refusal(renderPoster(await base({ avatar: jpeg.subarray(0, 200) })));
    expect(cut.reason).toBe('avatar');
    expect(cut.message).toMatch(/^avatar image: /);
  });

  it('renderPoster(no cover) → a gradient in the cover area, still scans', async () => {
    const p = await renderPoster(await base({ cover: undefined }));
    const c = await pixelAt(p.bytes, 375, 340);
    expect(c.r).toBeGreaterThan(200);
    expect(c.b).toBeLessThan(120);
    expect(await zbar(p.bytes, 'nocover.png')).toEqual([SCAN]);
  });
});

describe('renderShareCard', () => {
  it('renderShareCard → a 500×400 JPEG with the cover and the name', async () => {
    const card = await renderShareCard({ roomName: '周末直播间', anchorName: '主播小王', cover: await quadrants(1000, 1000, 'jpeg') });
    expect(card).toMatchObject({
      contentType: 'image/jpeg',
      width: 500,
      height: 400,
      texts: { roomName: '周末直播间', anchorName: '主播小王', badge: '直播' },
    });
    expect(await sharp(card.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 500, height: 400 });
    // 1000×1000 → 500×500, 50 px cut off top and bottom
    expect(near(await pixelAt(card.bytes, 125, 120), RED)).toBe(true);
    expect(near(await pixelAt(card.bytes, 375, 120), GREEN)).toBe(true);
    const name = await sharp(card.bytes).extract({ left: 24, top: 300, width: 452, height: 76 }).greyscale().raw().toBuffer();
    expect(name.filter((v) => v > 230).length).toBeGreaterThan(300); // white name text over the dark band
  });

  it('renderShareCard(en, no cover, no anchor) → LIVE badge, gradient; bad cover → PosterError', async () => {
    const card = await renderShareCard({ roomName: 'Weekend sale', language: 'en' });
    expect(card.texts).toEqual({ roomName: 'Weekend sale', badge: 'LIVE' });
    expect((await pixelAt(card.bytes, 250, 120)).r).toBeGreaterThan(200);
    expect((await refusal(renderShareCard({ roomName: 'x', cover: Buffer.from('GIF89a') }))).reason).toBe('cover');
    expect((await refusal(renderShareCard({ roomName: '' }))).reason).toBe('invalid_input');
  });
});
