// The time code burned into every frame of `npm run bench -- latency`: 48 bits of the capture wall-clock (ms epoch)
// and a CRC-16 of it, as 64 black/white blocks (2 rows × 32) at the top of the frame, on a grey band with neutral
// chroma. Blocks are 1/40 of the frame width (16 px at 640x360: whole H.264 macroblocks), so they survive the encoder
// and any scaling. paintStamp() writes into a yuv420p frame (the publisher); readStamp() reads RGBA pixels (the page:
// canvas getImageData of the frame). readStamp, glassLayout and crc16 are self-contained so the bench can inject their
// source text into any page. Tested by test/glass-code.test.ts (synthetic frames and a real libx264 round trip).

/** Where the blocks are in a frame of width w: block size, origin, grid and the height of the band to read. */
export function glassLayout(w) {
  const b = Math.max(4, Math.floor(w / 40));
  return { b, x0: 4 * b, y0: b, cols: 32, rows: 2, bandHeight: 4 * b };
}

/** CRC-16/CCITT-FALSE of a byte array. */
export function crc16(bytes) {
  let c = 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i] << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

/** The 64 bits (MSB first) of a stamp: 6 bytes of ms epoch, then its CRC-16. */
export function stampBits(ms) {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`stamp must be an integer ms epoch in [0, 2^48): ${ms}`);
  const bytes = [];
  for (let i = 5; i >= 0; i--) bytes.push(Math.floor(ms / 2 ** (8 * i)) % 256);
  const c = crc16(bytes);
  bytes.push(c >> 8, c & 0xff);
  const bits = [];
  for (const x of bytes) for (let k = 7; k >= 0; k--) bits.push((x >> k) & 1);
  return bits;
}

/** Paint the stamp into a yuv420p frame (w×h, even sizes) in place: grey band, black (0) / white (1) blocks, chroma 128. */
export function paintStamp(yuv, w, h, ms) {
  if (w % 2 || h % 2 || yuv.length < (w * h * 3) / 2) throw new RangeError(`not a ${w}x${h} yuv420p frame (${yuv.length} bytes)`);
  const L = glassLayout(w);
  if (L.x0 + L.cols * L.b > w || L.bandHeight > h) throw new RangeError(`frame ${w}x${h} too small for the time code`);
  const bits = stampBits(ms);
  for (let y = 0; y < L.bandHeight; y++) yuv.fill(128, y * w, y * w + w);
  for (let i = 0; i < bits.length; i++) {
    const bx = L.x0 + (i % L.cols) * L.b;
    const by = L.y0 + Math.floor(i / L.cols) * L.b;
    const v = bits[i] ? 235 : 16;
    for (let y = by; y < by + L.b; y++) yuv.fill(v, y * w + bx, y * w + bx + L.b);
  }
  const cw = w / 2;
  const u = w * h;
  const v = u + (w * h) / 4;
  for (let y = 0; y < L.bandHeight / 2; y++) {
    yuv.fill(128, u + y * cw, u + y * cw + cw);
    yuv.fill(128, v + y * cw, v + y * cw + cw);
  }
}

/**
 * Read the stamp from RGBA pixels of a frame w×h (`rgba` holds at least the top glassLayout(w).bandHeight rows,
 * row stride w*4). Returns the ms epoch, or null when the blocks are unreadable or the CRC does not match.
 */
export function readStamp(rgba, w, h) {
  const L = glassLayout(w);
  if (L.x0 + L.cols * L.b > w || L.bandHeight > h || rgba.length < w * 4 * L.bandHeight) return null;
  const m = Math.max(1, Math.floor(L.b / 4));
  const bytes = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < L.cols * L.rows; i++) {
    const bx = L.x0 + (i % L.cols) * L.b;
    const by = L.y0 + Math.floor(i / L.cols) * L.b;
    let sum = 0;
    let n = 0;
    for (let y = by + m; y < by + L.b - m; y++) {
      for (let x = bx + m; x < bx + L.b - m; x++) {
        const p = (y * w + x) * 4;
        sum += rgba[p] * 0.299 + rgba[p + 1] * 0.587 + rgba[p + 2] * 0.114;
        n++;
      }
    }
    const avg = sum / n;
    if (avg > 80 && avg < 176) return null; // neither black nor white: not our code (or a badly damaged frame)
    if (avg >= 128) bytes[i >> 3] |= 0x80 >> (i & 7);
  }
  if (crc16(bytes.slice(0, 6)) !== bytes[6] * 256 + bytes[7]) return null;
  let ms = 0;
  for (let i = 0; i < 6; i++) ms = ms * 256 + bytes[i];
  return ms;
}
