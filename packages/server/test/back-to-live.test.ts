/**
 * Back to live goes back (issue 12 §5), in Chromium with a real stream: from a goods page opened in the room, the
 * floating mini-player plays the live; "back to live" returns to the running room through history (kept in the
 * back/forward cache when the browser allows), with the sound as the viewer left it, and no Back-button loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, waitUntil, type Pusher } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { fixtureShop, launchBrowser, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

describe('back to live', () => {
  let t: TestServer;
  let b: TestBrowser;
  let shop: Awaited<ReturnType<typeof fixtureShop>>;
  let pusher: Pusher | undefined;

  beforeAll(async () => {
    t = await startServer();
    shop = await fixtureShop(t.url);
    b = await launchBrowser();
  });
  afterAll(async () => {
    await pusher?.stop();
    await b?.close();
    await shop?.close();
    await t?.cleanup();
  });

  it('goods page: a mini-player of the live; back to live returns through history with the sound on; Back does not loop', async () => {
    const { m, roomId } = await roomWithGoods(t, { goodsBaseUrl: `${shop.url}/m/` });
    const pushAddr = (await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId, access_token: m.token })).pushAddr as string;
    pusher = pushTestStream(pushAddr, { seconds: 120 });
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Live, { timeoutMs: 30_000, what: 'live' });
    const ctx = await b.context('phone');
    const page = await ctx.newPage();
    await page.goto('about:blank');
    await page.goto(`${t.url}/room/?room_id=${roomId}`);
    await page.waitForSelector('.zb-room');
    await page.waitForFunction(() => (window.__zhiboRoom?.debug().currentTime ?? 0) > 1, undefined, { timeout: 30_000 });
    await page.click('.zb-unmute');
    expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>('.zb-video')!.muted)).toBe(false);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'the same page'));
    const depth = await page.evaluate(() => history.length);

    // a product: the goods page (another origin) with the mark, the way back, and the live in a corner
    await page.click('.zb-bag');
    await page.click('.zb-goods:nth-child(1)');
    await page.waitForURL(`${shop.url}/m/**`);
    expect(new URL(page.url()).searchParams.get('zb_back')).toBe('1');
    await page.waitForFunction(
      () => {
        const v = document.querySelector('zhibo-back-to-live')?.shadowRoot?.querySelector<HTMLVideoElement>('.mini video');
        return !!v && v.currentTime > 0.5;
      },
      undefined,
      { timeout: 30_000 },
    );

    // back to live: history, not a new entry; the sound as it was
    await page.click('zhibo-back-to-live >> a');
    await page.waitForURL(`${t.url}/room/**`);
    await page.waitForSelector('.zb-room');
    const nav = await page.evaluate(() => ({
      kept: (window as unknown as { marker?: string }).marker === 'the same page',
      type: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type,
      length: history.length,
    }));
    expect(nav.kept || nav.type === 'back_forward').toBe(true);
    expect(nav.length).toBe(depth + 1); // the goods page is a forward entry now, nothing was added
    await page.waitForFunction(
      () => (window.__zhiboRoom?.debug().currentTime ?? 0) > 0.5 && window.__zhiboRoom!.debug().status === 101,
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>('.zb-video')!.muted)).toBe(false);
    // Back from the room goes where the viewer was before it, not to the goods page again
    await page.goBack();
    expect(page.url()).toBe('about:blank');

    // the link passed on (opened from another site, mark and all): the room replaces the page, so Back cannot bounce
    const alone = await ctx.newPage();
    await alone.goto(`${shop.url}/m/pages/goods/detail?id=1&room_id=${roomId}&openid=x&zb_back=1`, {
      referer: 'https://chat.example.com/',
    });
    const before = await alone.evaluate(() => history.length);
    await alone.click('zhibo-back-to-live >> a');
    await alone.waitForURL(`${t.url}/room/**`, { timeout: 15_000 });
    expect(await alone.evaluate(() => history.length)).toBe(before);
    await ctx.close();
    console.log(`back to live: ${nav.kept ? 'restored from the back/forward cache' : `history ${nav.type}, page reloaded`}`);
  });
});
