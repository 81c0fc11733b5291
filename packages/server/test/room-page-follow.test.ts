/** The room page's follow button (WeChat's long-term subscription) in Chromium: follow, state after a reload, unfollow. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { shot } from './console-browser-helpers.js';
import { launchBrowser, openRoom, type TestBrowser } from './room-page-helpers.js';

describe('room page: follow the merchant', () => {
  let t: TestServer;
  let b: TestBrowser;
  beforeAll(async () => {
    t = await startServer('pglite');
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.cleanup();
  });

  it('the follow button follows the app, shows 已关注 after a reload, and unfollows; the merchant sees it in get_wxa_followers', async () => {
    const m = await merchant(t);
    const roomId = await m.room();
    const ctx = await b.context('phone');
    const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
    await page.waitForSelector('[data-testid=follow]:not([hidden])');
    expect(await page.getAttribute('[data-testid=follow]', 'aria-pressed')).toBe('false');
    await page.click('[data-testid=follow]');
    await page.waitForSelector('[data-testid=follow][aria-pressed=true]');
    expect(await page.textContent('[data-testid=follow]')).toBe('已关注');
    await shot(page, 'room-page-following');
    const followers = async () => (await m.post('/wxa/business/get_wxa_followers', {})).followers as Array<{ room_id: number }>;
    expect(await followers()).toEqual([expect.objectContaining({ room_id: roomId, room_status: 102 })]);
    await page.reload();
    await page.waitForSelector('[data-testid=follow][aria-pressed=true]');
    await page.click('[data-testid=follow]');
    await page.waitForSelector('[data-testid=follow][aria-pressed=false]');
    await waitUntil(async () => (await followers()).length === 0, { timeoutMs: 10_000 });
    await ctx.close();
  });
});
