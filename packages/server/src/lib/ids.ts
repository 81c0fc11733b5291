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

/**
 * A WeChat id as the live API takes it (`username`, `anchorWechat`): 6–20 letters, digits, `_` or `-` starting with a
 * letter, or 6–15 digits (a phone or QQ number bound to the account).
 */
export const WECHAT_ID_RE = /^(?:[A-Za-z][-_A-Za-z0-9]{5,19}|\d{6,15})$/;
export const isWechatId = (v: unknown): v is string => typeof v === 'string' && WECHAT_ID_RE.test(v);
