/**
 * The latency benchmark's time code (bench/glass/code.mjs): what the publisher paints into a frame is what the page
 * reads back — on synthetic frames, and after a real libx264 encode/decode at the benchmark's settings, also scaled.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { crc16, glassLayout, paintStamp, readStamp, stampBits } from '../bench/glass/code.mjs';

const W = 640;
const H = 360;

/** BT.601 limited-range yuv420p → RGBA (what a browser does when it draws the frame). */
function toRgba(yuv: Uint8Array, w: number, h: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  const u0 = w * h;
  const v0 = u0 + (w * h) / 4;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = (y >> 1) * (w >> 1) + (x >> 1);
      const Y = 1.164 * (yuv[y * w + x]! - 16);
      const U = yuv[u0 + c]! - 128;
      const V = yuv[v0 + c]! - 128;
      const p = (y * w + x) * 4;
      out[p] = Y + 1.596 * V;
      out[p + 1] = Y - 0.392 * U - 0.813 * V;
      out[p + 2] = Y + 2.017 * U;
      out[p + 3] = 255;
    }
  }
  return out;
}

function ffmpeg(args: string[], input?: Buffer): Buffer {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

describe('glass-to-glass time code', () => {
  it('crc16 is CRC-16/CCITT-FALSE (check value of "123456789" is 0x29B1)', () => {
    expect(crc16([...Buffer.from('123456789')])).toBe(0x29b1);
  });

  it('readStamp(paintStamp(t)) returns t on synthetic frames over a busy background', () => {
    const frame = new Uint8Array((W * H * 3) / 2);
    for (let i = 0; i < frame.length; i++) frame[i] = (i * 7919) % 256; // noise, also in chroma
    for (const t of [0, 1, 1_764_000_000_123, Date.now(), 2 ** 48 - 1]) {
      paintStamp(frame, W, H, t);
      expect(readStamp(toRgba(frame, W, H), W, H)).toBe(t);
    }
  });

  it('readStamp returns null for a damaged block, a frame without a code and a buffer too short', () => {
    const frame = new Uint8Array((W * H * 3) / 2).fill(90);
    paintStamp(frame, W, H, 1_764_000_000_000);
    const rgba = toRgba(frame, W, H);
    const L = glassLayout(W);
    for (let y = L.y0; y < L.y0 + L.b; y++)
      for (let x = L.x0; x < L.x0 + L.b; x++) rgba.fill(rgba[(y * W + x) * 4] === 255 ? 0 : 255, (y * W + x) * 4, (y * W + x) * 4 + 3);
    expect(readStamp(rgba, W, H)).toBeNull(); // first bit flipped: the CRC catches it
    expect(readStamp(toRgba(new Uint8Array((W * H * 3) / 2).fill(128), W, H), W, H)).toBeNull();
    expect(readStamp(new Uint8ClampedArray(100), W, H)).toBeNull();
  });

  it('stampBits and paintStamp refuse bad input with a clear error', () => {
    expect(() => stampBits(-1)).toThrow(/integer ms epoch/);
    expect(() => stampBits(1.5)).toThrow(/integer ms epoch/);
    expect(() => stampBits(2 ** 48)).toThrow(/integer ms epoch/);
    expect(() => paintStamp(new Uint8Array(10), W, H, 1)).toThrow(/not a 640x360 yuv420p frame/);
    expect(() => paintStamp(new Uint8Array(96), 8, 8, 1)).toThrow(/too small/);
  });

  it('every frame is read back after a real libx264 encode (800 kbps, veryfast, zerolatency) and decode, at 1x, 2x and 0.5x scale', () => {
    const n = 50;
    const size = (W * H * 3) / 2;
    const bg = ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${W}x${H}:rate=25`,
      '-frames:v',
      String(n),
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rawvideo',
      'pipe:1',
    ]);
    expect(bg.length).toBe(n * size);
    const t0 = 1_764_000_000_000;
    for (let i = 0; i < n; i++) paintStamp(bg.subarray(i * size, (i + 1) * size), W, H, t0 + i * 40 + (i % 3));
    const h264 = ffmpeg(
      [
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        '-s',
        `${W}x${H}`,
        '-framerate',
        '25',
        '-i',
        'pipe:0',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-tune',
        'zerolatency',
        '-pix_fmt',
        'yuv420p',
        '-g',
        '50',
        '-b:v',
        '800k',
        '-maxrate',
        '800k',
        '-bufsize',
        '400k',
        '-f',
        'h264',
        'pipe:1',
      ],
      bg,
    );
    for (const [w, h] of [
      [W, H],
      [1280, 720],
      [320, 180],
    ] as const) {
      const rgba = ffmpeg(['-f', 'h264', '-i', 'pipe:0', '-vf', `scale=${w}:${h}`, '-pix_fmt', 'rgba', '-f', 'rawvideo', 'pipe:1'], h264);
      expect(rgba.length).toBe(n * w * h * 4);
      const read = Array.from({ length: n }, (_, i) => readStamp(rgba.subarray(i * w * h * 4, (i + 1) * w * h * 4), w, h));
      expect(read).toEqual(Array.from({ length: n }, (_, i) => t0 + i * 40 + (i % 3)));
    }
  });
});
