/**
 * The console's WeChat goods review and followers in Chromium (issue 11 part B): the operator switches the review on,
 * approves and rejects (with a reason) in the queue; the merchant sees the states, edits under WeChat's rules,
 * resubmits, sees its followers and sends a go-live message; the callback URL setting is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitUntil } from '@zhibo/testkit';
import { TransitionCause } from '@zhibo/protocol';
import { png, startServer, type TestServer } from './helpers.js';
import { launchBrowser, type TestBrowser } from './room-page-helpers.js';
import { shot, signIn } from './console-browser-helpers.js';
import { ownerKey, Role } from '../src/modules/console/accounts.js';
import { plugin } from './reminder-helpers.js';

const PASSWORD = 'console password';

describe('console: goods review, goods editing and followers in the browser', () => {
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

  const newPage = async (errors: string[]): Promise<Page> => {
    const ctx = await b.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };

  it('the operator reviews in the queue; the merchant edits, resubmits, sees followers and pushes a live room', async () => {
    const errors: string[] = [];
    const seller = await t.z.services.accounts.create({ login: 'seller', name: 'Tea House', role: Role.Merchant, password: PASSWORD });
    await t.z.services.accounts.create({ login: 'operator1', name: 'Operator', role: Role.Operator, password: PASSWORD });
    const { appid, appsecret } = await t.z.services.apps.create('Tea House', ownerKey(seller.id));
    const token = await t.api.token(appid, appsecret);
    const media = (await t.api.upload(token, png(64, 64))).media_id as string;
    const addGoods = async (name: string) =>
      (
        await t.api.post(
          '/wxaapi/broadcast/goods/add',
          { goodsInfo: { coverImgUrl: media, name, priceType: 1, price: '11.00', url: 'pages/g?id=1' } },
          { access_token: token },
        )
      ).goodsId as number;

    // the operator switches the review on in App settings
    const op = await newPage(errors);
    await signIn(op, t.url, 'operator1', PASSWORD);
    await op.goto(`${t.url}/console/#/apps/${appid}/settings`);
    await op.waitForSelector('input[name=goodsReview]');
    await op.check('input[name=goodsReview]');
    await op.fill('input[name=callbackUrl]', 'https://shop.example.com/zhibo/events');
    await op.click('form[aria-label="App settings"] button[type=submit]');
    await waitUntil(async () => (await t.z.services.apps.get(appid))?.settings.goodsReview === true, { timeoutMs: 10_000 });
    expect((await t.z.services.apps.get(appid))?.settings.callbackUrl).toBe('https://shop.example.com/zhibo/events');

    const good = await addGoods('龙井');
    const bad = await addGoods('白茶');
    await op.goto(`${t.url}/console/#/review`);
    await op.waitForSelector(`.goods-card[data-goods-id="${bad}"]`);
    expect(await op.locator('.goods-card').count()).toBe(2);
    await shot(op, 'console-goods-review-queue');
    await op.click(`.goods-card[data-goods-id="${good}"] [data-action=approve]`);
    await op.waitForSelector(`.goods-card[data-goods-id="${good}"]`, { state: 'detached' });
    await op.click(`.goods-card[data-goods-id="${bad}"] [data-action=reject]`);
    await op.click('dialog[open] button[data-value=reject]');
    await expect.poll(() => op.textContent('.toast:last-child')).toMatch(/reason/i);
    expect((await t.z.services.goods.get(appid, bad)).audit_status).toBe(1);
    await op.click(`.goods-card[data-goods-id="${bad}"] [data-action=reject]`);
    await op.fill('dialog[open] textarea[name=reason]', '图片与商品不符');
    await op.click('dialog[open] button[data-value=reject]');
    await op.waitForSelector('.empty');
    const statusOf = async (id: number) =>
      (
        (await t.api.post('/wxa/business/getgoodswarehouse', { goods_ids: [id] }, { access_token: token })).goods as Array<{
          audit_status: number;
          price: number;
          name: string;
        }>
      )[0]!;
    expect((await statusOf(good)).audit_status).toBe(2);
    expect((await statusOf(bad)).audit_status).toBe(3);

    // the merchant sees the states and the reason, edits the rejected goods and submits it again
    const me = await newPage(errors);
    await signIn(me, t.url, 'seller', PASSWORD);
    await me.goto(`${t.url}/console/#/apps/${appid}/goods`);
    await me.waitForSelector(`.goods-card[data-goods-id="${bad}"] [data-audit="3"]`);
    expect(await me.textContent(`.goods-card[data-goods-id="${bad}"] [data-reason]`)).toContain('图片与商品不符');
    expect(await me.locator(`.goods-card[data-goods-id="${good}"] [data-audit="2"]`).count()).toBe(1);
    expect(await me.locator('[data-action=approve]').count()).toBe(0);
    await shot(me, 'console-goods-states');
    await me.click(`.goods-card[data-goods-id="${bad}"] a:text("Edit")`);
    await me.waitForSelector('form[aria-label="Edit the product"]');
    await me.fill('input[name=name]', '白茶 新图');
    await me.click('form[aria-label="Edit the product"] button[type=submit]');
    await me.waitForSelector(`.goods-card[data-goods-id="${bad}"]`);
    expect((await statusOf(bad)).name).toBe('白茶 新图');
    await me.click(`.goods-card[data-goods-id="${bad}"] button:text("Submit for review")`);
    await me.waitForSelector(`.goods-card[data-goods-id="${bad}"] [data-audit="1"]`);

    // approved goods: only prices may change (the name is read-only), and the price is exact
    await me.goto(`${t.url}/console/#/apps/${appid}/goods/${good}/edit`);
    await me.waitForSelector('form[aria-label="Edit the product"]');
    expect(await me.getAttribute('input[name=name]', 'readonly')).not.toBeNull();
    await me.fill('input[name=price]', '19.99');
    await me.click('form[aria-label="Edit the product"] button[type=submit]');
    await me.waitForSelector(`.goods-card[data-goods-id="${good}"]`);
    expect((await statusOf(good)).price).toBe(19.99);

    // a merchant cannot switch the review: the toggle is disabled
    await me.goto(`${t.url}/console/#/apps/${appid}/settings`);
    await me.waitForSelector('input[name=goodsReview]');
    expect(await me.isDisabled('input[name=goodsReview]')).toBe(true);

    // followers: two viewers follow from a room; the merchant sees them and tells them the room is live
    const room = (
      await t.api.post(
        '/wxaapi/broadcast/room/create',
        {
          name: '测试直播间',
          coverImg: media,
          startTime: Math.floor(t.clock.now() / 1000) + 900,
          endTime: Math.floor(t.clock.now() / 1000) + 4500,
          anchorName: '主播小王',
          anchorWechat: 'wx_a',
          shareImg: media,
          feedsImg: media,
          type: 1,
          screenType: 0,
          closeLike: 0,
          closeGoods: 0,
          closeComment: 0,
        },
        { access_token: token },
      )
    ).roomId as number;
    for (const d of ['device-c0001', 'device-c0002'])
      expect((await plugin(t.url, d, 'POST', '/api/plugin/v1/follow', { room_id: room })).status).toBe(200);
    await me.goto(`${t.url}/console/#/apps/${appid}/followers`);
    await me.waitForSelector('table[aria-label=Followers] tbody tr');
    expect(await me.locator('table[aria-label=Followers] tbody tr').count()).toBe(2);
    expect(await me.locator('[data-action=push]').count()).toBe(0);
    await t.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'test');
    await me.reload();
    await me.waitForSelector('[data-action=push]');
    await me.click('[data-action=push]');
    await waitUntil(async () => (await t.z.services.followers.messages(appid)).length === 1, { timeoutMs: 10_000 });
    await me.waitForSelector('ul.plain li');
    await shot(me, 'console-followers');
    expect(errors).toEqual([]);
  });
});
