/**
 * Screenshots of issue 12's new screens (docs/screenshots with ZHIBO_SCREENSHOTS=1, else test-artifacts): the "live
 * now" banner on a merchant's page, and the room page in English for an English browser (one language at a time).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransitionCause } from '@zhibo/protocol';
import { shot } from './console-browser-helpers.js';
import { startServer, type TestServer } from './helpers.js';
import { launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

describe('issue 12 screenshots', () => {
  let t: TestServer;
  let b: TestBrowser;
  let site: Server;
  let siteUrl = '';
  let html = '';

  beforeAll(async () => {
    t = await startServer('pglite', { env: { ZHIBO_REMINDER_POLL_MS: '50' } });
    site = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await new Promise((r) => site?.close(r));
    await t?.cleanup();
  });

  it('live-banner-phone: a subscriber on the merchant\u2019s page when the room goes live; room-102-en: the room page for an English browser', async () => {
    const fx = await roomWithGoods(t, { room: { name: '春季新茶品鉴会' } });
    await t.z.services.apps.updateSettings(fx.m.appid, { reminders: { webpush: false, inPage: true } });
    html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>茶舍</title><script src="${t.url}/sdk/zhibo-sdk.js" data-appid="${fx.m.appid}"></script>
<style>body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#faf7f2;color:#1f1a17}header{background:#2d2520;color:#f5ede4;padding:14px 18px;font-weight:800}
main{padding:18px}</style></head><body><header>茶舍 Tea House</header><main><h1>关于我们</h1><p>春茶季，每周五晚八点直播品鉴。</p>
<p><zhibo-subscribe room-id="${fx.roomId}"></zhibo-subscribe></p></main></body></html>`;
    const ctx = await b.context('phone');
    const page = await ctx.newPage();
    await page.goto(siteUrl);
    const button = page.locator('zhibo-subscribe button');
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('开播提醒');
    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('已订阅');
    await t.z.services.rooms.apply(fx.roomId, TransitionCause.PublishStarted, 'test');
    await page.locator('.zhibo-live-banner').waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('观看直播');
    await shot(page, 'live-banner-phone');
    await ctx.close();

    const fx2 = await roomWithGoods(t, { room: { name: 'Spring tea tasting' } });
    const en = await b.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    const room = await openRoom(en, `${t.url}/room/?room_id=${fx2.roomId}`);
    await room.waitForSelector('[data-testid=countdown]');
    expect(await room.textContent('.zb-ov-102')).toMatch(/Coming up[\s\S]*Starts 2026-11-23 12:10/); // the app's zone (Asia/Shanghai), not the browser's
    expect(await room.textContent('.zb-ov-102')).not.toMatch(/开播|直播预告|距开播/); // one language: no Chinese UI words beside the English ones
    await shot(room, 'room-102-en');
    await en.close();
  });
});
