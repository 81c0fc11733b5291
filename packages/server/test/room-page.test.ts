/**
 * The room page in Chromium (S-PLAYER, S-PARAMS, S-ENTRY, S-GOODS-BACK): status overlays by push,
 * two viewers' chat and likes, muting, the share chain, goods and home links, the back-to-live link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EntryKind, TransitionCause } from '@zhibo/protocol';
import { waitUntil } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { fixtureShop, launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

const statusOf = (p: Page) => p.evaluate(() => document.querySelector<HTMLElement>('.zb-room')?.dataset.status ?? '');
const waitStatus = (p: Page, s: number) =>
  p.waitForFunction((want) => document.querySelector<HTMLElement>('.zb-room')?.dataset.status === String(want), s, { timeout: 10_000 });
const waitOpen = (p: Page) => p.waitForFunction(() => window.__zhiboRoom?.debug().channel === 'open', undefined, { timeout: 15_000 });
const debug = (p: Page) => p.evaluate(() => window.__zhiboRoom!.debug());
const chatTexts = (p: Page) => p.$$eval('.zb-chat .zb-msg:not(.zb-msg-sys) .zb-text', (els) => els.map((e) => e.textContent ?? ''));

describe('the room page in Chromium', () => {
  let t: TestServer;
  let b: TestBrowser;
  let shop: Awaited<ReturnType<typeof fixtureShop>>;

  beforeAll(async () => {
    t = await startServer();
    b = await launchBrowser();
    shop = await fixtureShop(t.url);
  });
  afterAll(async () => {
    await b?.close();
    await shop?.close();
    await t?.cleanup();
  });

  it('S-PLAYER-2: a room in 102 shows the countdown and subscribe; status pushes change the overlay without reload (101, 105, 106, 103 with replays)', async () => {
    const { roomId } = await roomWithGoods(t);
    const ctx = await b.context('phone');
    const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
    await waitStatus(page, 102);
    await page.waitForSelector('[data-testid=countdown] .zb-cd-digits');
    expect(await page.textContent('[data-testid=countdown]')).toMatch(/距开播 (0\d|10):\d\d/); // start_time is 10 minutes after the (fake) server time
    await page.waitForSelector('.zb-ov-102 zhibo-subscribe');
    await waitOpen(page);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42)); // survives only without a reload

    const apply = async (cause: (typeof TransitionCause)[keyof typeof TransitionCause], want: number) => {
      expect((await t.z.services.rooms.apply(roomId, cause, 'test')).kind).toBe('changed');
      await waitStatus(page, want);
    };
    await apply(TransitionCause.PublishStarted, 101);
    expect(await page.isHidden('.zb-overlay')).toBe(true);
    expect(await page.isVisible('.zb-live-badge')).toBe(true);
    await apply(TransitionCause.Paused, 105);
    expect(await page.textContent('.zb-overlay')).toContain('主播暂时离开');
    await apply(TransitionCause.Resumed, 101);
    await apply(TransitionCause.StreamLost, 106);
    expect(await page.textContent('.zb-overlay')).toContain('正在重新连接');
    await apply(TransitionCause.PublishStarted, 101);
    // the replay is ready before the page asks for it
    await t.z.db.query(
      `INSERT INTO replays (room_id, session_id, status, file, started_at, ended_at, duration_sec, create_time, expire_time) VALUES ($1, 'sess-ui-1', 'ready', 'x.flv', $2, $2, 75, $2, $3)`,
      [roomId, t.clock.now(), t.clock.now() + 365 * 86_400_000],
    );
    await apply(TransitionCause.AnchorEnded, 103);
    expect(await page.textContent('.zb-overlay')).toContain('直播已结束');
    await page.waitForSelector('.zb-replay-video');
    expect(await page.getAttribute('.zb-replay-video', 'src')).toBe(`${t.url}/replay/${roomId}/sess-ui-1.mp4`);
    expect(await page.isDisabled('.zb-input')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    await ctx.close();
  });

  it('S-PLAYER-2: banned (104) and expired (107) rooms show their overlays', async () => {
    const { m, roomId } = await roomWithGoods(t);
    const expiring = await m.room();
    const ctx = await b.context('phone');
    const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
    await waitOpen(page);
    await t.z.services.rooms.apply(roomId, TransitionCause.Banned, 'test');
    await waitStatus(page, 104);
    expect(await page.textContent('.zb-overlay')).toContain('已被封禁');
    await t.z.services.rooms.apply(expiring, TransitionCause.PlanExpired, 'test');
    await page.goto(`${t.url}/room/?room_id=${expiring}`);
    await waitStatus(page, 107);
    expect(await page.textContent('.zb-overlay')).toContain('直播已过期');
    await ctx.close();
  });

  it("S-PLAYER-2: two viewers see each other's comments (as text, never HTML) and likes; a muted viewer's comment reaches nobody", async () => {
    const { m, roomId } = await roomWithGoods(t);
    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    const [ca, cb] = [await b.context('phone'), await b.context('phone')];
    const a = await openRoom(ca, `${t.url}/room/?room_id=${roomId}`);
    const v = await openRoom(cb, `${t.url}/room/?room_id=${roomId}`);
    await Promise.all([waitOpen(a), waitOpen(v)]);
    expect((await debug(a)).openid).not.toBe((await debug(v)).openid);

    const html = '好茶！<img src=x onerror="window.pwned=1"><b>bold</b>';
    await a.fill('.zb-input', html);
    await a.press('.zb-input', 'Enter');
    await v.waitForFunction((want) => [...document.querySelectorAll('.zb-chat .zb-text')].some((e) => e.textContent === want), html);
    expect(await v.$$('.zb-chat img, .zb-chat b')).toHaveLength(0);
    expect(await v.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await v.fill('.zb-input', '多少钱？');
    await v.press('.zb-input', 'Enter');
    await a.waitForFunction(() => [...document.querySelectorAll('.zb-chat .zb-text')].some((e) => e.textContent === '多少钱？'));
    expect(await a.$eval('.zb-chat .zb-msg-self .zb-text', (e) => e.textContent)).toBe(html);

    for (let i = 0; i < 5; i++) await a.click('.zb-like');
    expect(await a.$$eval('.zb-heart', (els) => els.length)).toBeGreaterThan(0); // hearts float at once
    await v.waitForFunction(() => Number(document.querySelector('.zb-like-count')?.textContent) >= 5);
    await v.click('.zb-like');
    await a.waitForFunction(() => Number(document.querySelector('.zb-like-count')?.textContent) >= 6);

    // mute v: its next comment is refused (it is told), and a never shows it
    await t.z.services.interaction.mute(m.appid, roomId, (await debug(v)).openid, 1);
    await v.waitForFunction(() => window.__zhiboRoom?.debug().mutedSelf === true);
    await v.fill('.zb-input', '禁言后的评论');
    await v.press('.zb-input', 'Enter');
    await v.waitForFunction(() => document.querySelector('.zb-toast')?.textContent?.includes('禁言'));
    await a.fill('.zb-input', 'after');
    await a.press('.zb-input', 'Enter');
    await a.waitForFunction(() => [...document.querySelectorAll('.zb-chat .zb-text')].some((e) => e.textContent === 'after'));
    await v.waitForFunction(() => [...document.querySelectorAll('.zb-chat .zb-text')].some((e) => e.textContent === 'after'));
    expect(await chatTexts(a)).not.toContain('禁言后的评论');
    expect(await chatTexts(v)).not.toContain('禁言后的评论');
    await ca.close();
    await cb.close();
  });

  it("S-PARAMS, S-ENTRY-3, S-PLAYER-4, S-GOODS-BACK: a share link records the share chain; products and home open the merchant's pages with room_id, openid, share_openid, custom_params; back to live", async () => {
    const { m, roomId } = await roomWithGoods(t, { goodsBaseUrl: `${shop.url}/m/`, homeUrl: `${shop.url}/home` });
    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    const custom = '{"path":"pages/index/index","pid":1}';
    const ca = await b.context('phone');
    await ca.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const sharer = await openRoom(ca, `${t.url}/room/?room_id=${roomId}&custom_params=${encodeURIComponent(custom)}`);
    await waitOpen(sharer);
    await sharer.click('.zb-share');
    const shareUrl = await sharer
      .waitForFunction(() => document.querySelector<HTMLElement>('.zb-room')?.dataset.lastShare)
      .then((h) => h.jsonValue() as Promise<string>);
    const sharerOpenid = (await debug(sharer)).openid;
    const q = new URL(shareUrl).searchParams;
    expect([q.get('room_id'), q.get('scene'), q.get('share_openid'), q.get('custom_params')]).toEqual([
      String(roomId),
      '1007',
      sharerOpenid,
      custom,
    ]);

    const cf = await b.context('phone');
    const friend = await openRoom(cf, shareUrl);
    await waitOpen(friend);
    const friendOpenid = (await debug(friend)).openid;
    const stats = await waitUntil(
      async () => {
        const s = await t.z.services.interaction.stats(m.appid, roomId);
        return s.entries[EntryKind.Share1007] === 1 ? s : undefined;
      },
      { what: 'the share entry in the stats' },
    );
    expect(stats.topSharers).toEqual([{ openid: sharerOpenid, viewers: 1 }]);

    // the goods sheet: tap the discounted product
    await friend.click('.zb-bag');
    await friend.waitForSelector('.zb-sheet[data-open=true]');
    expect(await friend.$$eval('.zb-goods .zb-price', (els) => els.map((e) => e.textContent))).toEqual([
      '¥11.00',
      '¥39.00–¥59.90',
      '¥129.00¥199.00',
    ]);
    await friend.click('.zb-goods:nth-child(3)');
    await friend.waitForURL(`${shop.url}/m/**`);
    const goods = new URL(friend.url());
    expect(goods.pathname).toBe('/m/pages/goods/detail');
    expect(Object.fromEntries(goods.searchParams)).toMatchObject({
      id: '3',
      room_id: String(roomId),
      openid: friendOpenid,
      share_openid: sharerOpenid,
      custom_params: custom,
    });
    expect(shop.hits.some((h) => h.pathname === '/m/pages/goods/detail' && h.searchParams.get('share_openid') === sharerOpenid)).toBe(true);
    // the tap was counted for the console's numbers (goods taps per product, issue 5)
    const taps = await waitUntil(
      async () => {
        const rows = await t.z.db.query<{ openid: string }>('SELECT openid FROM goods_taps WHERE room_id = $1', [roomId]);
        return rows.length ? rows : undefined;
      },
      { what: 'the goods tap beacon' },
    );
    expect(taps).toEqual([{ openid: friendOpenid }]);
    // S-GOODS-BACK: history.back() to the room it came from
    await friend.waitForSelector('zhibo-back-to-live >> a');
    await friend.click('zhibo-back-to-live >> a');
    await friend.waitForURL(`${t.url}/room/**`);
    expect(new URL(friend.url()).searchParams.get('share_openid')).toBe(sharerOpenid);
    await friend.waitForSelector('.zb-room');

    // the sharer did not come in through a share card: no share_openid on its goods links; home gets the same query
    await sharer.click('.zb-home');
    await sharer.waitForURL(`${shop.url}/home**`);
    const home = new URL(sharer.url());
    expect(Object.fromEntries(home.searchParams)).toEqual({
      room_id: String(roomId),
      openid: sharerOpenid,
      custom_params: custom,
      zb_back: '1',
    }); // zb_back: the SDK's own mark (back to live)
    await ca.close();
    await cf.close();
  });

  it("S-API-PLUGIN, S-PLAYER-1: the script-tag SDK on a merchant page: the seed's shapes, one status request a minute, plugin links reach the room page", async () => {
    const { roomId } = await roomWithGoods(t);
    const ctx = await b.context('desktop');
    await ctx.addInitScript(() => {
      const w = window as unknown as { statusFetches: number };
      w.statusFetches = 0;
      const orig = window.fetch;
      window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        if (String(input).includes('/api/plugin/v1/status')) w.statusFetches++;
        return orig(input, init);
      };
    });
    const page = await ctx.newPage();
    await page.goto(`${shop.url}/sdk-page?link_room=${roomId}`);
    await page.waitForFunction(() => !!window.zhibo);
    const r = await page.evaluate(async (id) => {
      const plugin = (window as unknown as { requirePlugin: (n: string) => import('@zhibo/sdk').LivePlayerPlugin }).requirePlugin(
        'live-player-plugin',
      );
      const first = await plugin.getLiveStatus({ room_id: id });
      for (let i = 0; i < 10; i++) await plugin.getLiveStatus({ room_id: id });
      await Promise.all(Array.from({ length: 5 }, () => plugin.getLiveStatus({ room_id: id })));
      const fetches = (window as unknown as { statusFetches: number }).statusFetches;
      const openid = await plugin.getOpenid({ room_id: id });
      const missing = await plugin.getLiveStatus({ room_id: 999999 }).catch((e: unknown) => e);
      return { first, openid, missing, fetches };
    }, roomId);
    expect(r.first).toEqual({ liveStatus: 102 });
    expect(r.fetches).toBe(1);
    expect(r.openid).toEqual({ openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/) });
    expect(r.missing).toEqual({ errcode: 'room_not_found', errmsg: `room 999999 does not exist` });

    // getShareParams on a page opened from a share card: the real share link passes, a forged share_openid is refused
    const link = await page.evaluate(async (id) => {
      const res = await fetch(`${window.zhibo!.client.server}/api/plugin/v1/share-link?room_id=${id}`, {
        headers: window.zhibo!.client.identityHeaders(),
      });
      return (await res.json()) as { share_openid: string; share_sig: string };
    }, roomId);
    const params = await page.evaluate(
      ([id, so, sig]) =>
        window
          .zhibo!.requirePlugin('live-player-plugin')
          .getShareParams(`room_id=${id}&share_openid=${so}&share_sig=${sig}&custom_params=%7B%22pid%22%3A1%7D`),
      [roomId, link.share_openid, link.share_sig] as const,
    );
    expect(params).toEqual({ room_id: roomId, openid: r.openid.openid, share_openid: link.share_openid, custom_params: { pid: 1 } });
    const forged = await page.evaluate(
      ([id, sig]) =>
        window
          .zhibo!.requirePlugin('live-player-plugin')
          .getShareParams(`room_id=${id}&share_openid=o${'B'.repeat(27)}&share_sig=${sig}`)
          .catch((e: unknown) => e),
      [roomId, link.share_sig] as const,
    );
    expect(forged).toEqual({ errcode: 'bad_request', errmsg: 'share_openid signature is invalid' });

    // <a href="plugin-private://…"> and <navigator url="plugin-private://…"> open the room page
    await page.click('#plugin-link');
    await page.waitForURL(`${t.url}/room/**`);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      room_id: String(roomId),
      custom_params: '{"path":"pages/index/index","pid":1}',
    });
    await page.goto(`${shop.url}/sdk-page?link_room=${roomId}`);
    await page.click('#nav');
    await page.waitForURL(`${t.url}/room/**`);
    expect(new URL(page.url()).searchParams.get('type')).toBe('9');
    await page.waitForSelector('.zb-room');
    await ctx.close();
  });
});

describe('the room page with an SDK below the minimum version', () => {
  it('S-PLAYER-3, S-VERSION: video only, with a prompt to upgrade', async () => {
    const t = await startServer('pglite', { env: { ZHIBO_MIN_SDK_VERSION: '9.0.0' } });
    const b = await launchBrowser();
    try {
      const { roomId } = await roomWithGoods(t);
      const ctx = await b.context('phone');
      const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
      await page.waitForSelector('.zb-video-only');
      expect(await page.isVisible('.zb-upgrade')).toBe(true);
      expect(await page.textContent('.zb-upgrade')).toContain('9.0.0');
      expect(await page.isVisible('.zb-side')).toBe(false);
      expect(await page.isVisible('.zb-share')).toBe(false);
      expect(await page.isVisible('video.zb-video')).toBe(true);
      expect((await debug(page)).channel).toBe('none');
      expect(await statusOf(page)).toBe('102');
    } finally {
      await b.close();
      await t.cleanup();
    }
  });
});
