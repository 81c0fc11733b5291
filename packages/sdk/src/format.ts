/** Display helpers: prices from fen (S-ROOM-2), counts, countdowns. Pure; no DOM. */
import type { LiveInfoGoods } from '@zhibo/protocol';

/** 1100 → "¥11.00" (exact: integer arithmetic, no float rounding). */
export function formatFen(fen: number): string {
  const n = Math.round(Math.abs(fen));
  return `${fen < 0 ? '-' : ''}¥${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

export interface PriceLabel {
  /** what the viewer pays (or the range) */
  now: string;
  /** the original price, shown struck through (discounts only) */
  was?: string;
}

/** price_type 1 fixed (price), 2 range (price–price2), 3 discount (price = original, price2 = now). */
export function priceLabel(g: Pick<LiveInfoGoods, 'price' | 'price2' | 'price_type'>): PriceLabel {
  if (g.price_type === 2) return { now: `${formatFen(g.price)}–${formatFen(g.price2)}` };
  if (g.price_type === 3) return { now: formatFen(g.price2), was: formatFen(g.price) };
  return { now: formatFen(g.price) };
}

/** 12345 → "1.2万" like Chinese apps; below 10 000 plain digits. */
export function formatCount(n: number): string {
  if (n < 10_000) return String(Math.max(0, Math.floor(n)));
  const w = n / 10_000;
  return `${w >= 100 ? Math.floor(w) : (Math.floor(w * 10) / 10).toFixed(1).replace(/\.0$/, '')}万`;
}

/** ms → "2天 03:04:05" / "03:04:05" / "04:05". */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const p = (x: number) => String(x).padStart(2, '0');
  const hms = h > 0 || d > 0 ? `${p(h)}:${p(m)}:${p(s % 60)}` : `${p(m)}:${p(s % 60)}`;
  return d > 0 ? `${d}天 ${hms}` : hms;
}
