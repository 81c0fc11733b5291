/**
 * Prices: the seed's room list shows fen (integer); WeChat's later goods API takes yuan
 * with at most 2 decimals. Convert exactly, by string, never through floating point arithmetic.
 */
export type PriceParse = { ok: true; fen: number } | { ok: false; message: string };

const YUAN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

export function yuanToFen(input: unknown): PriceParse {
  let s: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return { ok: false, message: 'price must be a non-negative number of yuan' };
    // Number → shortest round-trip decimal string (e.g. 0.1 → "0.1", 19.99 → "19.99"): no float maths.
    s = String(input);
  } else if (typeof input === 'string') {
    s = input.trim();
  } else {
    return { ok: false, message: 'price must be a number or a decimal string of yuan' };
  }
  const m = YUAN.exec(s);
  if (!m) return { ok: false, message: `price "${s}" is not yuan with at most 2 decimals` };
  const whole = Number(m[1]);
  const frac = Number(((m[2] ?? '') + '00').slice(0, 2));
  return { ok: true, fen: whole * 100 + frac };
}

export function fenToYuanString(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
