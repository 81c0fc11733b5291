import { describe, expect, it } from 'vitest';
import {
  checkAnchorName,
  checkGoodsUrl,
  checkPage,
  checkPrices,
  checkRoomName,
  checkRoomTimes,
  fenToYuanString,
  quotaDay,
  quotaDayEnd,
  wechatLength,
  yuanToFen,
} from './index.js';

describe('prices', () => {
  it('yuanToFen converts exactly without floating point', () => {
    expect(yuanToFen(19.99)).toEqual({ ok: true, fen: 1999 });
    expect(yuanToFen('0.1')).toEqual({ ok: true, fen: 10 });
    expect(yuanToFen(1.005).ok).toBe(false);
    expect(yuanToFen('11')).toEqual({ ok: true, fen: 1100 });
    expect(yuanToFen(-1).ok).toBe(false);
    expect(yuanToFen('abc').ok).toBe(false);
    expect(yuanToFen(null).ok).toBe(false);
    expect(fenToYuanString(1100)).toBe('11.00');
    expect(fenToYuanString(5)).toBe('0.05');
  });
  it('checkPrices enforces range and discount ordering', () => {
    expect(checkPrices(1, 100, 0).ok).toBe(true);
    expect(checkPrices(2, 100, 200).ok).toBe(true);
    expect(checkPrices(2, 200, 100).ok).toBe(false);
    expect(checkPrices(3, 200, 100).ok).toBe(true);
    expect(checkPrices(4, 1, 1).ok).toBe(false);
  });
});

describe('WeChat name and time rules', () => {
  it('counts CJK as 2 units', () => {
    expect(wechatLength('直播ab')).toBe(6);
    expect(checkRoomName('直播间').ok).toBe(true);
    expect(checkRoomName('直播').ok).toBe(false);
    expect(checkRoomName('直'.repeat(18)).ok).toBe(false);
    expect(checkAnchorName('主播').ok).toBe(true);
    expect(checkAnchorName('a').ok).toBe(false);
  });
  it('checks start/end times', () => {
    const now = 1_800_000_000;
    expect(checkRoomTimes({ startTime: now + 600, endTime: now + 600 + 3600 }, now).ok).toBe(true);
    expect(checkRoomTimes({ startTime: now + 600, endTime: now + 600 + 60 }, now)).toMatchObject({ ok: false, errcode: 200002 });
    expect(checkRoomTimes({ startTime: now - 3600, endTime: now + 3600 }, now).ok).toBe(false);
    expect(checkRoomTimes({ startTime: now, endTime: now + 25 * 3600 }, now).ok).toBe(false);
  });
  it('S-API-1: checks paging', () => {
    expect(checkPage(0, 10).ok).toBe(true);
    expect(checkPage(-1, 10)).toMatchObject({ ok: false, errcode: 40097 });
    expect(checkPage(0, 101)).toMatchObject({ ok: false, errcode: 40097 });
    expect(checkPage(0, 0)).toMatchObject({ ok: false, errcode: 40097 });
    expect(checkPage('0', 10)).toMatchObject({ ok: false, errcode: 47001 });
  });
});

describe('S-API-4: quota day', () => {
  it('resets at 00:00 Asia/Shanghai', () => {
    const justBefore = Date.UTC(2026, 10, 23, 15, 59, 59); // 23:59:59 in Shanghai
    const justAfter = Date.UTC(2026, 10, 23, 16, 0, 0); // 00:00:00 next day
    expect(quotaDay(justBefore)).toBe('2026-11-23');
    expect(quotaDay(justAfter)).toBe('2026-11-24');
    expect(quotaDayEnd(justBefore)).toBe(justAfter);
  });
});

describe('goods URLs (issue 10)', () => {
  it('checkGoodsUrl accepts page paths and http(s) URLs, refuses other schemes, //host, backslashes and control characters', () => {
    for (const ok of [
      'pages/goods/detail?id=1',
      '/item/1',
      'item.html#x',
      'https://shop.example.com/p',
      'HTTP://shop.example.com',
      'pages/a:b',
    ])
      expect(checkGoodsUrl(ok).ok, ok).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:x',
      'java\tscript:x',
      '\u0000javascript:x',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc/passwd',
      '//evil.example',
      '/\\evil.example',
      'https:evil.example',
      'https:///x',
      'pages/a b',
      '',
      '   ',
      'x'.repeat(1025),
    ]) {
      const c = checkGoodsUrl(bad);
      expect(c.ok, JSON.stringify(bad)).toBe(false);
      if (!c.ok) expect(c.reason).toBe('goods_url_invalid');
    }
    expect(checkGoodsUrl(42).ok).toBe(false);
  });
});
