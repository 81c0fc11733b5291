/**
 * Reminders that arrive (issue 12 §3, §4) in Chromium, on merchant pages of another origin:
 * - the SDK tag the console's App settings shows (a classic script from /sdk/, CORS) works there;
 * - a subscriber with only that tag on the page sees the "live now" banner within seconds of go-live, exactly once
 *   (also across a reload), and a subscriber who opens a page after the go-live sees it once too;
 * - the demo shop: `<zhibo-subscribe>` turns into "Watch now" and the room moves to "Live now" by push.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { waitUntil } from '@zhibo/testkit';
import { ReminderChannel, TransitionCause } from '@zhibo/protocol';
import { startShop, type Shop } from '../../../apps/shop/src/shop.js';
import { ConsoleClient, readyOperator } from './console-helpers.js';
import { png, startServer, type TestServer } from './helpers.js';
import { launchBrowser, type TestBrowser } from './room-page-helpers.js';

interface PageProbe {
  live: Array<{ roomId: number; roomName: string; url: string }>;
  status: Array<{ roomId: number; liveStatus: number }>;
}
declare global {
  interface Window {
    probe?: PageProbe;
  }
}

describe('in-page go-live reminders through the SDK (Chromium, another origin)', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let site: Server;
  let siteUrl = '';
  let shop: Shop | undefined;
  let sdkTag = '';
  let appid = '';
  let appsecret = '';
  let roomId = 0;

  /** Pages of the merchant's own site: `/` has a subscribe button, `/plain` only the SDK tag (and a probe of its events). */
  const probe = `<script>window.probe={live:[],status:[]};document.addEventListener('zhibo:live',function(e){probe.live.push(e.detail)});
document.addEventListener('zhibo:status',function(e){probe.status.push(e.detail)});</script>`;
  const pages: Record<string, () => string> = {
    '/': () =>
      `<!doctype html><meta charset="utf-8"><title>shop</title>${probe}${sdkTag}<h1>Our lives</h1><zhibo-subscribe room-id="${roomId}"></zhibo-subscribe>`,
    '/plain': () => `<!doctype html><meta charset="utf-8"><title>about us</title>${probe}${sdkTag}<h1>About our tea</h1>`,
  };

  beforeAll(async () => {
    t = await startServer('pglite', { env: { ZHIBO_REMINDER_POLL_MS: '50' } });
    // The merchant, as a newcomer would: a console account, an app, its settings page's script tag.
    const op = await readyOperator(t);
    const c = new ConsoleClient(t.url);
    expect((await c.login(op.login, op.password)).status).toBe(200);
    const created = (await c.post('/apps', { name: 'Tea house' })).body as { appid: string; appsecret: string };
    ({ appid, appsecret } = created);
    expect((await c.put(`/apps/${appid}/settings`, { reminders: { webpush: false, inPage: true } })).status).toBe(200);
    const detail = (await c.get(`/apps/${appid}`)).body as { urls: { sdk: string } };
    expect(detail.urls.sdk).toBe(`${t.url}/sdk/zhibo-sdk.js`);
    sdkTag = `<script src="${detail.urls.sdk}" data-appid="${appid}"></script>`; // what App settings shows
    const media = (await t.z.services.images.upload(appid, png())).media_id;
    const now = Math.floor(t.clock.now() / 1000);
    roomId = await t.z.services.rooms.create(appid, {
      name: '春茶上新',
      coverImg: media,
      shareImg: media,
      startTime: now + 600,
      endTime: now + 7200,
      anchorName: '小王',
      type: 1,
      screenType: 0,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 0,
    });
    site = createServer((req, res) => {
      const page = pages[new URL(req.url ?? '/', 'http://x').pathname];
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(page?.() ?? '');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await new Promise((r) => site?.close(r));
    await t?.cleanup();
  });

  const subscribe = async (ctx: BrowserContext): Promise<Page> => {
    const page = await ctx.newPage();
    await page.goto(`${siteUrl}/`);
    const button = page.locator('zhibo-subscribe button');
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('开播提醒');
    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('已订阅');
    return page;
  };
  const siteOpen = (page: Page) => page.waitForFunction((id) => window.zhibo?.watchSite(id).state === 'open', appid, { timeout: 15_000 });

  it('the App settings tag on another origin: a classic script with CORS that sets requirePlugin and reads statuses', async () => {
    const ctx = await browser.context('phone');
    const page = await ctx.newPage();
    await page.goto(`${siteUrl}/plain`);
    expect(await page.evaluate(() => document.querySelector('script[src*="zhibo-sdk"]')?.getAttribute('type'))).toBeNull();
    const status = await page.evaluate(async (id) => {
      const plugin = (
        window as unknown as { requirePlugin(n: string): { getLiveStatus(a: { room_id: number }): Promise<{ liveStatus: number }> } }
      ).requirePlugin('live-player-plugin');
      return (await plugin.getLiveStatus({ room_id: id })).liveStatus;
    }, roomId);
    expect(status).toBe(102);
    expect(await page.evaluate(() => typeof window.zhibo?.watchSite)).toBe('function');
    await ctx.close();
  });

  it('a subscriber with only the SDK on the page sees the banner within seconds of go-live, exactly once; the subscribe button turns into Watch now', async () => {
    const viewer = await browser.context('phone');
    const other = await browser.context('phone'); // not subscribed: a subscribe button on the shop's page
    const late = await browser.context('phone'); // subscribed, but no page open at go-live
    await (await subscribe(viewer)).close();
    await (await subscribe(late)).close();
    const plain = await viewer.newPage();
    await plain.goto(`${siteUrl}/plain`);
    await siteOpen(plain);
    const visitor = await other.newPage();
    await visitor.goto(`${siteUrl}/`);
    const visitorButton = visitor.locator('zhibo-subscribe button');
    await expect.poll(() => visitorButton.textContent(), { timeout: 15_000 }).toBe('开播提醒');
    await siteOpen(visitor);

    const wentLive = Date.now();
    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    const banner = plain.locator('.zhibo-live-banner');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    const seconds = (Date.now() - wentLive) / 1000;
    expect(seconds).toBeLessThan(15); // typically well under a second; generous for a loaded 2-core machine
    expect(await banner.textContent()).toContain('春茶上新');
    expect(await banner.locator('a').getAttribute('href')).toBe(`${t.url}/room/?room_id=${roomId}`);
    await expect.poll(() => visitorButton.textContent(), { timeout: 15_000 }).toBe('观看直播');
    expect(await visitor.locator('.zhibo-live-banner').count()).toBe(0); // not a subscriber: no reminder

    // exactly once: the in-page delivery is recorded, one event and one banner; a reload (whose welcome lists the live room) shows none
    await waitUntil(
      async () => (await t.z.services.reminderOutbox.list({ roomId, channel: ReminderChannel.InPage, state: 'sent' })).length === 2,
      { what: 'in-page deliveries sent', timeoutMs: 15_000 },
    );
    expect(await plain.evaluate(() => window.probe!.live.length)).toBe(1);
    expect(await banner.count()).toBe(1);
    await banner.locator('button').click();
    expect(await banner.count()).toBe(0);
    await plain.reload();
    await siteOpen(plain);
    expect(await plain.evaluate(() => window.probe!.live.length)).toBe(0);
    expect(await plain.locator('.zhibo-live-banner').count()).toBe(0);

    // a subscriber who opens a page after the go-live gets it from the site welcome, once
    const latePage = await late.newPage();
    await latePage.goto(`${siteUrl}/plain`);
    await latePage.locator('.zhibo-live-banner').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await latePage.evaluate(() => window.probe!.live.map((l) => l.roomId))).toEqual([roomId]);

    // "Watch now" opens the room page
    await visitorButton.click();
    await visitor.waitForURL(`${t.url}/room/?room_id=${roomId}`, { timeout: 15_000 });
    await Promise.all([viewer.close(), other.close(), late.close()]);
  });

  it('the demo shop: a subscriber on its home sees the banner, its room moves to "Live now" and its button turns into Watch now by push', async () => {
    const media = (await t.z.services.images.upload(appid, png())).media_id;
    const now = Math.floor(t.clock.now() / 1000);
    const second = await t.z.services.rooms.create(appid, {
      name: '夜场直播',
      coverImg: media,
      shareImg: media,
      startTime: now + 900,
      endTime: now + 7200,
      anchorName: '小李',
      type: 1,
      screenType: 0,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 0,
    });
    shop = await startShop({ zhiboUrl: t.url, appid, appsecret, port: 0 });
    const ctx = await browser.context('phone');
    const page = await ctx.newPage();
    await page.goto(`${shop.url}/`);
    const card = page.locator(`article.room[data-room-id="${second}"]`);
    expect(await card.evaluate((el) => el.parentElement?.id)).toBe('upcoming');
    const button = card.locator('zhibo-subscribe button');
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('开播提醒');
    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('已订阅');
    await siteOpen(page);

    await t.z.services.rooms.apply(second, TransitionCause.PublishStarted, 'test');
    await expect.poll(() => card.evaluate((el) => el.parentElement?.id), { timeout: 15_000 }).toBe('live');
    expect(await card.locator('.pill').textContent()).toBe('直播中 Live');
    await expect.poll(() => button.textContent(), { timeout: 15_000 }).toBe('观看直播');
    await page.locator(`.zhibo-live-banner[data-room-id="${second}"]`).waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('.zhibo-live-banner').count()).toBe(1);
    await ctx.close();
  });
});
