/**
 * The console screens of issue 11 part A in Chromium: a room's Members tab (assistants and their sign-in links, the
 * sub-anchor and its key, the switches), the app's Members page (roles) and the compatibility settings; and the
 * assistant's phone page opened from the link, moderating that room.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitUntil } from '@zhibo/testkit';
import { Role } from '../src/modules/console/index.js';
import { shot, signIn } from './console-browser-helpers.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';
import { launchBrowser, type TestBrowser } from './room-page-helpers.js';

const PASSWORD = 'operator password';

describe('console members screens in the browser', () => {
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

  const errorsOf = (p: Page) => {
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    return errors;
  };

  it('the operator adds an assistant, hands out its link, sets a sub-anchor and the switches; the assistant moderates the room from a phone', async () => {
    await t.z.services.accounts.create({ login: 'ops', name: 'Operator', role: Role.Operator, password: PASSWORD });
    const m = await merchant(t);
    await t.z.services.apps.updateSettings(m.appid, { kfUrl: 'https://shop.example.com/help' });
    const room = await m.room({ anchorWechat: 'wx_anchor' });
    const g = await m.goods({ name: '明前龙井' });
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [g], roomId: room })).errcode).toBe(0);

    const ctx = await b.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    const errors = errorsOf(page);
    await signIn(page, t.url, 'ops', PASSWORD);
    await page.goto(`${t.url}/console/#/rooms/${room}/members`);
    await page.waitForSelector('form[aria-label="Add assistant"]');
    await page.fill('form[aria-label="Add assistant"] input[name=username]', 'bad id!');
    await page.fill('form[aria-label="Add assistant"] input[name=nickname]', '小助手');
    await page.click('form[aria-label="Add assistant"] button[type=submit]');
    await expect.poll(() => page.textContent('form[aria-label="Add assistant"] [data-error-for=username]')).toMatch(/not a WeChat id/);
    await page.fill('form[aria-label="Add assistant"] input[name=username]', 'wx_helper');
    await page.click('form[aria-label="Add assistant"] button[type=submit]');
    await page.waitForSelector('tr[data-username=wx_helper]');
    await page.click('tr[data-username=wx_helper] [data-action=link]');
    await page.waitForSelector('[data-copy=assistant-link]');
    const url = (await page.textContent('[data-copy=assistant-link]')) ?? '';
    expect(url).toMatch(new RegExp(`/console/assistant/#t=${room}\\.`));

    await page.fill('form[aria-label="Sub-anchor"] input[name=subanchor]', 'wx_sub');
    await page.click('form[aria-label="Sub-anchor"] button[type=submit]');
    await waitUntil(async () => (await t.z.services.rooms.getAny(room))?.sub_anchor_wechat === 'wx_sub', { what: 'the sub-anchor saved' });
    await page.waitForSelector('[data-copy=subanchor-push]');
    await page.check('form[aria-label="Room switches"] input[name=kf]');
    await page.uncheck('form[aria-label="Room switches"] input[name=isFeedsPublic]');
    await page.click('form[aria-label="Room switches"] button[type=submit]');
    await waitUntil(async () => (await t.z.services.rooms.getAny(room))?.close_kf === 0, { what: 'closeKf 0 saved' });
    expect((await t.z.services.rooms.getAny(room))?.is_feeds_public).toBe(0);
    await shot(page, 'console-room-members');

    // the room page now shows the customer-service button; it opens the app's kfUrl with the room and the viewer
    const viewerCtx = await b.context('phone');
    const viewer = await viewerCtx.newPage();
    await viewer.route('https://shop.example.com/**', (r) =>
      r.fulfill({ status: 200, contentType: 'text/html', body: '<title>help</title>' }),
    );
    await viewer.goto(`${t.url}/room/?room_id=${room}`);
    await viewer.waitForSelector('.zb-kf:not([hidden])');
    await viewer.click('.zb-kf');
    await viewer.waitForURL(/^https:\/\/shop\.example\.com\/help/);
    const kf = new URL(viewer.url());
    expect(kf.searchParams.get('room_id')).toBe(String(room));
    expect(kf.searchParams.get('openid')).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    await viewerCtx.close();

    // the assistant's phone: the link signs it in; it sees the room, mutes and deletes a comment, presents the product
    const phoneCtx = await b.context('phone');
    const phone = await phoneCtx.newPage();
    const phoneErrors = errorsOf(phone);
    const { v } = await Viewer.join(t.url, room);
    v.send({ type: 'chat', text: '请问有优惠吗' });
    const chat = await v.next('chat');
    await phone.goto(url);
    await phone.waitForSelector('[data-role=room-name]');
    expect(await phone.textContent('[data-role=room-name]')).toBe('测试直播间');
    expect(phone.url()).not.toContain('#t='); // the token leaves the address bar
    await phone.waitForSelector(`[data-comment="${chat.id}"]`);
    await expect.poll(() => phone.textContent('[data-stat=viewers]')).toBe('1');
    await phone.click(`[data-comment="${chat.id}"] [data-action=mute]`);
    expect((await v.next('muted')).you).toBe(true);
    await phone.click(`[data-action=present][data-goods="${g}"]`);
    expect((await v.next('present', (p) => p.goods !== null)).goods?.name).toBe('明前龙井');
    await expect.poll(() => phone.textContent('[data-role=presented]')).toContain('明前龙井');
    await phone.click(`[data-comment="${chat.id}"] [data-action=delete]`);
    expect((await v.next('chatDeleted')).id).toBe(chat.id);
    await shot(phone, 'assistant-phone-desk');
    // removing the assistant signs the phone out
    await page.click('tr[data-username=wx_helper] [data-action=remove]');
    await page.click('dialog[open] button[data-value=ok]');
    await phone.waitForSelector('[data-role=signed-out]', { timeout: 15_000 });
    v.close();
    expect(errors).toEqual([]);
    expect(phoneErrors).toEqual([]);
    await phoneCtx.close();
    await ctx.close();
  });

  it('the Members page adds and removes roles; the settings page switches role checks and the compatibility profile', async () => {
    const m = await merchant(t);
    const ctx = await b.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    const errors = errorsOf(page);
    await signIn(page, t.url, 'ops', PASSWORD);
    await page.goto(`${t.url}/console/#/apps/${m.appid}/settings`);
    await page.waitForSelector('select[name=compat]');
    await page.check('input[name=roleChecks]');
    await page.selectOption('select[name=compat]', 'current');
    await page.click('form[aria-label="App settings"] button[type=submit]');
    await waitUntil(async () => (await t.z.services.apps.get(m.appid))?.settings.compat === 'current', { what: 'the profile saved' });
    expect((await t.z.services.apps.get(m.appid))?.settings.roleChecks).toBe(true);
    // the 300036 answer's qrcode_url opens the Members page with the anchor filled in
    const refused = await m.post('/wxaapi/broadcast/room/create', {
      name: '测试直播间',
      coverImg: m.media,
      shareImg: m.media,
      startTime: Math.floor(t.clock.now() / 1000) + 900,
      endTime: Math.floor(t.clock.now() / 1000) + 4500,
      anchorName: '主播小王',
      anchorWechat: 'wx_anchor',
    });
    expect(refused.errcode).toBe(300036);
    await page.goto(refused.qrcode_url as string);
    await page.waitForSelector('form[aria-label="Add member"]');
    expect(await page.inputValue('form[aria-label="Add member"] input[name=username]')).toBe('wx_anchor');
    expect(await page.textContent('[data-role=role-checks]')).toMatch(/Role checks are on/);
    await page.click('form[aria-label="Add member"] button[type=submit]');
    await page.waitForSelector('tr[data-username=wx_anchor][data-role="2"]');
    await shot(page, 'console-members');
    expect(await m.room({ anchorWechat: 'wx_anchor' })).toBeGreaterThan(0);
    await page.click('tr[data-username=wx_anchor] [data-action=remove-role]');
    await page.click('dialog[open] button[data-value=ok]');
    await page.waitForSelector('tr[data-username=wx_anchor]', { state: 'detached' });
    expect((await m.post('/wxaapi/broadcast/role/getrolelist', { role: 2, offset: 0, limit: 10 })).total).toBe(0);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
