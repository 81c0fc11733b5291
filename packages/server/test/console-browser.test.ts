/**
 * The merchant console in Chromium (issue 5 acceptance): a newcomer's whole path, and the demo shop.
 * Screenshots go to test-artifacts/screenshots (docs/screenshots when ZHIBO_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pushTestStream, waitUntil, type Pusher } from '@zhibo/testkit';
import { TransitionCause } from '@zhibo/protocol';
import { png, startServer, type TestServer } from './helpers.js';
import { launchBrowser, type TestBrowser } from './room-page-helpers.js';
import { setDateTime, shot, signIn } from './console-browser-helpers.js';
import { Role } from '../src/modules/console/index.js';
import { startShop, type Shop } from '../../../apps/shop/src/shop.js';
import { Viewer } from './realtime-helpers.js';

const PASSWORD = 'newcomer password';
const confirmDialog = (p: Page) => p.click('dialog[open] button[data-value=ok]');
const hashRoomId = (p: Page) => Number(/#\/rooms\/(\d+)/.exec(p.url())?.[1]);

async function videoPlays(p: Page, selector: string): Promise<void> {
  await p.waitForFunction(
    (sel) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      return !!v && v.readyState >= 2 && v.currentTime > 0.3;
    },
    selector,
    { timeout: 45_000 },
  );
}

describe('console in the browser', () => {
  let t: TestServer;
  let b: TestBrowser;
  const pushers: Pusher[] = [];
  const shops: Shop[] = [];
  beforeAll(async () => {
    t = await startServer('pglite');
    b = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of pushers) await p.stop();
    for (const s of shops) await s.close();
    await b?.close();
    await t?.cleanup();
  });

  it('a newcomer signs in, creates an app, a room and two goods, goes live with ffmpeg, presents a product, pauses, resumes, ends and plays the replay', async () => {
    await t.z.services.accounts.create({ login: 'newcomer', name: 'Tea House', role: Role.Merchant, password: PASSWORD });
    const ctx = await b.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // sign in (a wrong password first: the message sits next to the field)
    await page.goto(`${t.url}/console/`);
    await shot(page, 'console-login-desktop');
    await page.fill('input[name=login]', 'newcomer');
    await page.fill('input[name=password]', 'wrong password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[data-error-for=password]')).toMatch(/Wrong login or password/);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');

    // create an app: the appsecret is shown once
    await page.waitForSelector('h3:has-text("No app yet")');
    await page.fill('input[name=name]', 'Tea House');
    await page.click('button:has-text("Create app")');
    await page.waitForSelector('dialog[open] [data-copy=appsecret]');
    const appsecret = (await page.textContent('dialog[open] [data-copy=appsecret]'))!.trim();
    expect(appsecret).toMatch(/^[0-9a-f]{32}$/);
    await confirmDialog(page);
    await page.waitForSelector('text=Create your first live room');
    const appid = /#\/apps\/(wx[0-9a-f]+)/.exec(page.url())![1]!;

    // create a room: wrong images are refused next to their field, then the real ones
    await page.click('a:has-text("New room")');
    await page.setInputFiles('input[type=file][name=coverImg]', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not an image'),
    });
    await expect.poll(() => page.textContent('[data-error-for=coverImg]')).toMatch(/not a PNG, JPEG, GIF or WebP/);
    await page.setInputFiles('input[type=file][name=shareImg]', {
      name: 'big.png',
      mimeType: 'image/png',
      buffer: Buffer.concat([png(8, 8), Buffer.alloc(1_300_000)]),
    });
    await expect.poll(() => page.textContent('[data-error-for=shareImg]')).toMatch(/limit is 1\.0 MB/);
    await page.fill('input[name=name]', 'ab');
    await page.fill('input[name=anchorName]', '主播小李');
    const start = t.clock.now() + 15 * 60_000;
    await setDateTime(page, 'input[name=startTime]', start);
    await setDateTime(page, 'input[name=endTime]', start + 2 * 3600_000);
    await page.setInputFiles('input[type=file][name=coverImg]', { name: 'cover.png', mimeType: 'image/png', buffer: png(108, 192) });
    await page.setInputFiles('input[type=file][name=shareImg]', { name: 'share.png', mimeType: 'image/png', buffer: png(80, 64) });
    await page.waitForSelector('[data-field=coverImg] .upload-status:has-text("Uploaded")');
    await page.waitForSelector('[data-field=shareImg] .upload-status:has-text("Uploaded")');
    await page.click('button:has-text("Create room")');
    await expect.poll(() => page.textContent('[data-error-for=name]')).toMatch(/3–17 Chinese characters/); // the server's check
    await shot(page, 'console-room-form-desktop');
    await page.fill('input[name=name]', '春季新品直播');
    await page.click('button:has-text("Create room")');
    await page.waitForURL(/#\/rooms\/\d+$/);
    const roomId = hashRoomId(page);
    await page.waitForSelector('.badge-slot [data-status="102"]');

    // two goods in the library (fixed and discount), then onto the room's shelf
    await page.goto(`${t.url}/console/#/apps/${appid}/goods`);
    const addGoods = async (name: string, price: string, url: string, discount?: string) => {
      await page.waitForSelector('form[aria-label="Add a product"]');
      await page.fill('input[name=name]', name);
      await page.fill('input[name=url]', url);
      if (discount) await page.click('label.segment:has-text("Discount")');
      await page.fill('input[name=price]', price);
      if (discount) await page.fill('input[name=price2]', discount);
      await page.setInputFiles('input[type=file][name=coverImg]', { name: 'g.png', mimeType: 'image/png', buffer: png(64, 64) });
      await page.waitForSelector('[data-field=coverImg] .upload-status:has-text("Uploaded")');
      await page.click('button:has-text("Add product")');
    };
    await addGoods('明前龙井', '88.00', 'pages/goods/detail?id=1');
    await page.waitForSelector('.goods-card >> text=明前龙井');
    await addGoods('青瓷茶杯', '99.00', 'pages/goods/detail?id=2', '59.90');
    await page.waitForSelector('.goods-card >> text=青瓷茶杯');
    await shot(page, 'console-goods-desktop');
    await page.goto(`${t.url}/console/#/rooms/${roomId}/goods`);
    await page.check('input[name=pick] >> nth=0');
    await page.check('input[name=pick] >> nth=1');
    await page.click('[data-action=add-goods]');
    await page.waitForSelector('.shelf-item >> nth=1');
    const goodsIds = await page.$$eval('.shelf-item', (els) => els.map((e) => Number((e as HTMLElement).dataset.goodsId)));
    expect(goodsIds).toHaveLength(2);

    // copy the push URL, push to it with ffmpeg, see the preview play
    await page.goto(`${t.url}/console/#/rooms/${roomId}`);
    await page.click('.copy-field:has([data-copy="push-url"]) .btn-copy');
    const pushUrl = await page.evaluate(() => navigator.clipboard.readText());
    expect(pushUrl).toMatch(new RegExp(`^rtmp://127\\.0\\.0\\.1:\\d+/live/${roomId}\\?key=`));
    const pusher = pushTestStream(pushUrl, { size: '360x640' });
    pushers.push(pusher);
    await page.waitForSelector('.badge-slot [data-status="101"]', { timeout: 30_000 });
    await videoPlays(page, 'video.preview-video');
    await shot(page, 'console-room-live-desktop');

    // a viewer's room page; "present now" puts the product card in front of them
    const viewerCtx = await b.context('desktop');
    const viewer = await viewerCtx.newPage();
    await viewer.goto(`${t.url}/room/?room_id=${roomId}`);
    await viewer.waitForSelector('.zb-room');
    await page.goto(`${t.url}/console/#/rooms/${roomId}/goods`);
    await page.click(`.shelf-item[data-goods-id="${goodsIds[1]}"] [data-action=present]`);
    await page.waitForSelector(`.shelf-item[data-goods-id="${goodsIds[1]}"].is-presented`);
    await viewer.waitForSelector('.zb-present:not([hidden]) >> text=青瓷茶杯', { timeout: 15_000 });
    await shot(page, 'console-room-goods-desktop');

    // pause and resume (with confirmation), then end
    await page.goto(`${t.url}/console/#/rooms/${roomId}`);
    await page.click('[data-action=pause]');
    await confirmDialog(page);
    await page.waitForSelector('.badge-slot [data-status="105"]');
    await page.click('[data-action=resume]');
    await confirmDialog(page);
    await page.waitForSelector('.badge-slot [data-status="101"]');
    await page.click('[data-action=end]');
    await page.waitForSelector('dialog[open] >> text=End the live?');
    await confirmDialog(page);
    await page.waitForSelector('.badge-slot [data-status="103"]');
    await expect.poll(() => page.textContent('.timeline'), { timeout: 10_000 }).toMatch(/Paused[\s\S]*console · newcomer/);
    const causes = (await t.z.services.rooms.auditLog(roomId)).map((e) => e.cause);
    expect(causes).toEqual([
      'created',
      TransitionCause.PublishStarted,
      TransitionCause.Paused,
      TransitionCause.Resumed,
      TransitionCause.AnchorEnded,
    ]);
    await pusher.exited;

    // the replay is listed, and it plays
    await page.goto(`${t.url}/console/#/rooms/${roomId}/replays`);
    await waitUntil(
      async () => {
        await page.reload();
        return page.waitForSelector('[data-action=play]', { timeout: 2000 }).then(
          () => true,
          () => false,
        );
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: 'a replay segment in the console' },
    );
    await page.click('[data-action=play]');
    await videoPlays(page, 'video.replay-video');
    await shot(page, 'console-room-replays-desktop');
    expect(errors).toEqual([]);
    await viewerCtx.close();
    await ctx.close();
  });

  it('S-GOODS-BACK, S-SUB-2, S-API-4: the demo shop lists rooms, subscribes, and a product tap lands on its goods page with the four parameters and a way back', async () => {
    const s = t.z.services;
    const { appid, appsecret } = await s.apps.create('Demo shop');
    const media = (await s.images.upload(appid, png(108, 192))).media_id;
    const now = Math.floor(t.clock.now() / 1000);
    const room = (name: string) =>
      s.rooms.create(appid, {
        name,
        coverImg: media,
        shareImg: media,
        anchorName: '主播小王',
        startTime: now + 1200,
        endTime: now + 7200,
        type: 1,
        screenType: 0,
      });
    const upcoming = await room('明晚新茶直播');
    const live = await room('今晚品茶直播');
    const g = await s.goods.add(appid, {
      coverImgUrl: media,
      name: '白毫银针',
      priceType: 1,
      price: '128.00',
      url: 'pages/goods/detail?id=7',
    });
    await s.goods.addToRoom(appid, live, [g.goodsId]);
    const shop = await startShop({ zhiboUrl: t.url, appid, appsecret, port: 0 });
    shops.push(shop);
    await s.apps.updateSettings(appid, { goodsBaseUrl: `${shop.url}/`, homeUrl: `${shop.url}/` });
    // Headless Chromium cannot answer the notification prompt: in-page reminders only (Web Push has its own tests).
    await s.apps.updateSettings(appid, { reminders: { webpush: false } });
    const pushAddr = `${s.urls().rtmp}/${live}?key=${(await s.rooms.get(appid, live)).stream_key}`;
    pushers.push(pushTestStream(pushAddr));
    await waitUntil(() => s.rooms.cachedStatus(live)?.status === 101, { timeoutMs: 30_000, what: 'the live room to go live' });
    shop.client.invalidate();

    const ctx = await b.context('phone');
    const p = await ctx.newPage();
    await p.goto(`${shop.url}/`);
    await p.waitForSelector(`#live [data-room-id="${live}"]`);
    await p.waitForSelector(`#upcoming [data-room-id="${upcoming}"] zhibo-subscribe`);
    const sub = p.locator(`#upcoming [data-room-id="${upcoming}"] zhibo-subscribe >> button`);
    await expect.poll(() => sub.getAttribute('data-state')).toBe('subscribe');
    await shot(p, 'shop-home-phone');
    await sub.click();
    await expect.poll(() => sub.getAttribute('data-state')).toBe('subscribed');
    await waitUntil(async () => (await s.reminders.count(upcoming)) === 1, { what: 'the subscription stored' });
    const link = new URL((await p.getAttribute(`#live [data-room-id="${live}"] a.btn`, 'href'))!);
    expect(link.pathname).toBe('/room/');
    expect(JSON.parse(link.searchParams.get('custom_params')!)).toEqual({ from: 'shop-home', pid: live });

    // a friend's share card (scene 1007, signed share_openid) into the room; tap the product
    const sharer = s.identity.openid(appid, { kind: 'device', id: 'd-sharer-0123456789abcdef' });
    const custom = JSON.stringify({ from: 'shop-home', pid: live });
    const entry = new URL('/room/', t.url);
    entry.search = new URLSearchParams({
      room_id: String(live),
      custom_params: custom,
      scene: '1007',
      share_openid: sharer,
      share_sig: s.identity.signShare(live, sharer),
    }).toString();
    await p.goto(entry.toString());
    await p.waitForSelector('.zb-room');
    await p.click('.zb-bag');
    await p.waitForSelector('.zb-sheet[data-open=true]');
    await p.click('.zb-goods:nth-child(1)');
    await p.waitForURL(`${shop.url}/pages/goods/detail**`);
    await p.waitForSelector('#params');
    const shown = Object.fromEntries(
      await p.$$eval('#params [data-param]', (els) => els.map((e) => [(e as HTMLElement).dataset.param!, e.textContent ?? ''])),
    );
    expect(shown.room_id).toBe(String(live));
    expect(shown.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(shown.share_openid).toBe(sharer);
    expect(shown.custom_params).toBe(custom);
    expect(await p.textContent('#product-name')).toBe('白毫银针');
    await shot(p, 'shop-goods-phone');
    // back to the live
    await p.click('zhibo-back-to-live >> a');
    await p.waitForURL(`${t.url}/room/**`);
    expect(new URL(p.url()).searchParams.get('room_id')).toBe(String(live));
    await p.waitForSelector('.zb-room');
    await ctx.close();
    tour = { appid, live, shopUrl: shop.url };
  });

  let tour: { appid: string; live: number; shopUrl: string } | undefined;
  it('screenshots of the main console pages and the demo shop, desktop and phone (docs/screenshots)', async () => {
    const { appid, live, shopUrl } = tour!;
    await t.z.services.accounts.create({ login: 'operator', name: 'Operator', role: Role.Operator, password: PASSWORD });
    // a few viewers chatting, one of them muted, so the comment desk has something to show
    const chatters = await Promise.all(['小美', '阿强', 'Lily'].map((nick) => Viewer.join(t.url, live, { nick })));
    const lines = [
      '这款茶杯有几种颜色？',
      '主播好！刚下班赶上了',
      'Is shipping free to Shanghai?',
      '龙井是今年的新茶吗',
      '想要两盒，有优惠吗',
    ];
    for (const [i, text] of lines.entries()) chatters[i % 3]!.v.send({ type: 'chat', text });
    await waitUntil(() => (t.z.services.realtime.channels.get(live)?.comments.length ?? 0) >= lines.length, { what: 'the chat lines' });
    await t.z.services.interaction.mute(appid, live, chatters[1]!.welcome.openid, 1);
    const sampler = t.z.services.sampler;
    for (let i = 0; i < 6; i++) {
      t.clock.advance(60_000);
      await sampler.sample();
    }
    for (const kind of ['desktop', 'phone'] as const) {
      const ctx = await b.browser.newContext(
        kind === 'phone'
          ? {
              viewport: { width: 390, height: 844 },
              deviceScaleFactor: 2,
              isMobile: true,
              hasTouch: true,
              locale: 'en-US',
              timezoneId: 'Asia/Shanghai',
            }
          : { viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' },
      );
      const p = await ctx.newPage();
      if (kind === 'phone') {
        await p.goto(`${t.url}/console/`);
        await shot(p, 'console-login-phone');
      }
      await signIn(p, t.url, 'operator', PASSWORD);
      const visit = async (hash: string, name: string, wait: string) => {
        await p.goto(`${t.url}/console/#${hash}`);
        await p.waitForSelector(wait);
        await p.waitForTimeout(2500); // polls and the preview settle
        await shot(p, `console-${name}-${kind}`);
      };
      await visit(`/apps/${appid}`, 'rooms', '.room-row');
      await visit(`/rooms/${live}`, 'room-golive', '.badge-slot [data-status="101"]');
      await visit(`/rooms/${live}/goods`, 'room-shelf', '.shelf-item');
      await visit(`/rooms/${live}/comments`, 'room-comments', '.comments');
      await visit(`/rooms/${live}/share`, 'room-share', 'img.qr');
      await visit(`/rooms/${live}/numbers`, 'room-numbers', '.stat-grid');
      await visit(`/apps/${appid}/settings`, 'settings', 'form[aria-label="App settings"]');
      await visit(`/apps/${appid}/rooms/new`, 'room-new', 'form[aria-label="New room"]');
      await visit('/accounts', 'accounts', '.table');
      await p.goto(`${shopUrl}/`);
      await p.waitForSelector('#live');
      await p.waitForTimeout(1000);
      await shot(p, `shop-home-${kind}`);
      await ctx.close();
    }
    for (const c of chatters) c.v.close();
  }, 240_000); // ~40 pages at two viewports: about a minute on a quiet 2-core machine
});
