// Types of bench/glass/code.mjs (the benchmark runs the .mjs directly; tests import it through these).
export interface GlassLayout {
  b: number;
  x0: number;
  y0: number;
  cols: number;
  rows: number;
  bandHeight: number;
}
export function glassLayout(w: number): GlassLayout;
export function crc16(bytes: ArrayLike<number>): number;
export function stampBits(ms: number): number[];
export function paintStamp(yuv: Uint8Array, w: number, h: number, ms: number): void;
export function readStamp(rgba: ArrayLike<number>, w: number, h: number): number | null;
