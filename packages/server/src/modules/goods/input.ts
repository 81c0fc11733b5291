/**
 * WeChat's goodsInfo as SDKs send it, checked field by field (pure; no I/O): numbers or numeric strings, prices as
 * yuan (number or text) converted to fen exactly, goodsKey as an array of strings (a single string is taken as one),
 * unknown fields ignored. `partial` (goods/update) checks only the fields given.
 */
import { type GoodsInfoInput, Reason } from '@zhibo/protocol';
import { checkGoodsName, checkGoodsUrl, yuanToFen } from '@zhibo/core';
import { DomainError, assertCheck } from '../../lib/errors.js';
import { intOf } from '../../lib/ids.js';

export interface GoodsFields {
  name?: string;
  coverImgUrl?: unknown;
  priceType?: 1 | 2 | 3;
  /** fen */
  price?: number;
  /** fen */
  price2?: number;
  url?: string;
  thirdPartyAppid?: string;
  goodsKey?: string[];
}

const has = (o: Record<string, unknown>, k: string) => o[k] !== undefined && o[k] !== null;

const GOODS_KEY_LIMITS = { items: 10, length: 64 };

/** goodsKey: Array<string> (WeChat's type); one string is taken as a one-element array. */
export function goodsKeyOf(v: unknown, field = 'goodsKey'): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (
    !Array.isArray(list) ||
    list.some((k) => typeof k !== 'string' || !k.trim() || k.length > GOODS_KEY_LIMITS.length) ||
    list.length > GOODS_KEY_LIMITS.items
  )
    throw new DomainError(
      Reason.BadParameter,
      `${field} must be Array<string> (at most ${GOODS_KEY_LIMITS.items} names of ≤ ${GOODS_KEY_LIMITS.length} characters)`,
      field,
    );
  return (list as string[]).map((k) => k.trim());
}

export function parseGoodsInfo(info: unknown, partial: boolean): GoodsFields {
  if (!info || typeof info !== 'object' || Array.isArray(info))
    throw new DomainError(Reason.BadParameter, 'goodsInfo is required (an object)', 'goodsInfo');
  const o = info as Record<string, unknown> & Partial<GoodsInfoInput>;
  const out: GoodsFields = {};
  if (!partial || has(o, 'name')) {
    if (typeof o.name !== 'string') throw new DomainError(Reason.GoodsNameInvalid, 'goodsInfo.name is required', 'name');
    assertCheck(checkGoodsName(o.name));
    out.name = o.name;
  }
  if (!partial || has(o, 'priceType')) {
    const t = has(o, 'priceType') ? intOf(o.priceType) : 1;
    if (t !== 1 && t !== 2 && t !== 3)
      throw new DomainError(Reason.BadParameter, 'priceType must be 1 (fixed), 2 (range) or 3 (discount)', 'priceType');
    out.priceType = t;
  }
  if (!partial || has(o, 'price')) {
    const p = yuanToFen(o.price);
    if (!p.ok) throw new DomainError(Reason.PriceInvalid, p.message, 'price');
    out.price = p.fen;
  }
  if (has(o, 'price2')) {
    const p = yuanToFen(o.price2);
    if (!p.ok) throw new DomainError(Reason.PriceInvalid, `price2: ${p.message}`, 'price2');
    out.price2 = p.fen;
  }
  if (!partial || has(o, 'url')) {
    assertCheck(checkGoodsUrl(o.url));
    out.url = (o.url as string).trim();
  }
  if (!partial || has(o, 'coverImgUrl')) out.coverImgUrl = o.coverImgUrl;
  if (has(o, 'thirdPartyAppid')) {
    if (typeof o.thirdPartyAppid !== 'string' || o.thirdPartyAppid.length > 128)
      throw new DomainError(Reason.BadParameter, 'thirdPartyAppid must be a string of at most 128 characters', 'thirdPartyAppid');
    out.thirdPartyAppid = o.thirdPartyAppid;
  }
  if (has(o, 'goodsKey')) out.goodsKey = goodsKeyOf(o.goodsKey);
  return out;
}
