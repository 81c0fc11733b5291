/**
 * WeChat's create-room and add-goods rules (docs/wechat-reference.md), as pure checks.
 * Where zhibo is looser than WeChat it says so here and in docs/api.md.
 */
import { type Errcode, REASONS, Reason } from '@zhibo/protocol';

/** WeChat counts a CJK (or any non-ASCII) character as 2 units, ASCII as 1. */
export function wechatLength(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! > 0x7f ? 2 : 1;
  return n;
}

/** A failed check names its reason (the one error taxonomy); `errcode` is that reason's WeChat errcode. */
export type Check = { ok: true } | { ok: false; reason: Reason; errcode: Errcode; message: string; field: string };

const ok: Check = { ok: true };
export const fail = (reason: Reason, field: string, message: string): Check => ({
  ok: false,
  reason,
  errcode: REASONS[reason].errcode,
  field,
  message,
});

export const ROOM_RULES = {
  /** name: 3–17 Chinese characters = 6–34 units */
  nameUnits: [6, 34] as const,
  /** anchorName: 2–15 Chinese characters = 4–30 units */
  anchorNameUnits: [4, 30] as const,
  minDurationSec: 30 * 60,
  maxDurationSec: 24 * 3600,
  maxStartAheadSec: 183 * 24 * 3600,
  /**
   * WeChat wants startTime ≥ now + 10 min. zhibo is looser: a start from one minute
   * ago on is accepted, so an anchor can create a room and go live at once.
   */
  minStartAheadSec: -60,
};

export interface RoomTimes {
  startTime: number;
  endTime: number;
}

export function checkRoomName(name: string): Check {
  const n = wechatLength(name);
  if (n < ROOM_RULES.nameUnits[0] || n > ROOM_RULES.nameUnits[1])
    return fail(Reason.NameLength, 'name', `name must be 3–17 Chinese characters (6–34 units, CJK = 2); got ${n} units`);
  return ok;
}

export function checkAnchorName(name: string): Check {
  const n = wechatLength(name);
  if (n < ROOM_RULES.anchorNameUnits[0] || n > ROOM_RULES.anchorNameUnits[1])
    return fail(Reason.AnchorNameLength, 'anchorName', `anchorName must be 2–15 Chinese characters (4–30 units, CJK = 2); got ${n} units`);
  return ok;
}

/** startTime/endTime in unix seconds; nowSec from the clock port. */
export function checkRoomTimes({ startTime, endTime }: RoomTimes, nowSec: number): Check {
  const bad = (m: string) => fail(Reason.RoomTimes, 'startTime', `parameter startTime or endTime is invalid: ${m}`);
  if (!Number.isInteger(startTime) || !Number.isInteger(endTime)) return bad('both must be integer unix seconds');
  if (startTime < nowSec + ROOM_RULES.minStartAheadSec) return bad('startTime is in the past');
  if (startTime > nowSec + ROOM_RULES.maxStartAheadSec) return bad('startTime is more than 6 months ahead');
  const d = endTime - startTime;
  if (d < ROOM_RULES.minDurationSec) return bad('endTime must be at least 30 minutes after startTime');
  if (d > ROOM_RULES.maxDurationSec) return bad('endTime must be at most 24 hours after startTime');
  return ok;
}

export const GOODS_RULES = {
  /** goods name: at most 14 Chinese characters = 28 units */
  nameUnits: [1, 28] as const,
  urlMaxLength: 1024,
  maxGoodsPerRoom: 500,
};

export function checkGoodsName(name: string): Check {
  const n = wechatLength(name);
  if (n < GOODS_RULES.nameUnits[0] || n > GOODS_RULES.nameUnits[1])
    return fail(Reason.GoodsNameInvalid, 'name', `goods name must be 1–14 Chinese characters (≤ 28 units); got ${n} units`);
  return ok;
}

/**
 * What a link to a merchant page may be (goods `url`, issue 10): an absolute `http:`/`https:` URL, or a page path
 * resolved against the app's goods base URL (`pages/goods/detail?id=1`, `/item/1`). Refused: any other scheme
 * (`javascript:`, `data:`, `vbscript:`, …), protocol-relative `//host` and `\\host` forms (a browser treats `\\` as `/`),
 * control characters and whitespace inside (a browser strips some of them before it reads the scheme).
 */
export function pageUrlProblem(url: string): string | undefined {
  if (!url) return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(url)) return 'contains a control character or a space';
  if (url.includes('\\')) return 'contains a backslash';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    if (s !== 'http' && s !== 'https') return `uses the ${s.slice(0, 20)}: scheme (only http: and https: URLs or page paths)`;
    if (!/^https?:\/\/[^/?#]/i.test(url)) return 'is not a full http(s) URL';
    return undefined;
  }
  if (url.startsWith('//')) return 'is protocol-relative (//host): give a full https:// URL or a page path';
  return undefined;
}

export function checkGoodsUrl(url: unknown): Check {
  const bad = (m: string) => fail(Reason.GoodsUrlInvalid, 'url', m);
  if (typeof url !== 'string' || !url.trim()) return bad("url is required (a page path of the merchant's site, or an http(s) URL)");
  if (url.length > GOODS_RULES.urlMaxLength) return bad(`url must be at most ${GOODS_RULES.urlMaxLength} characters`);
  const problem = pageUrlProblem(url.trim());
  return problem ? bad(`url ${problem}`) : ok;
}

/** priceType 1 fixed (price), 2 range (price < price2), 3 discount (price = original > price2 = now). Prices in fen. */
export function checkPrices(priceType: number, price: number, price2: number): Check {
  const bad = (m: string) => fail(Reason.PriceInvalid, 'price', m);
  if (priceType === 1) return ok;
  if (priceType === 2) return price < price2 ? ok : bad('priceType 2 (range) needs price < price2');
  if (priceType === 3) return price > price2 ? ok : bad('priceType 3 (discount) needs price (original) > price2 (now)');
  return fail(Reason.BadParameter, 'priceType', 'priceType must be 1, 2 or 3');
}

/** WeChat caps custom_params at 600 characters. */
export const CUSTOM_PARAMS_MAX = 600;
