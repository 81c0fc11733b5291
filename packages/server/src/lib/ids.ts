/** Identifiers as they come off the wire: one parser each, used by every transport. */

/** A viewer openid of an app: 'o' + 27 base64url characters. */
export const OPENID_RE = /^o[A-Za-z0-9_-]{27}$/;
export const isOpenid = (v: unknown): v is string => typeof v === 'string' && OPENID_RE.test(v);

export const INT4_MAX = 2_147_483_647;

/** A positive int4 id given as a number or a numeric string (WeChat's own samples send both); undefined otherwise. */
export function positiveId(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= INT4_MAX ? n : undefined;
}

/** An integer given as a JSON number or a string of digits (forms send every value as text); undefined otherwise. */
export function intOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}
