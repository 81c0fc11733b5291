/**
 * The merchant talks to the room (issue 12 §11), in Chromium: the console sends comments as the anchor (badged in the
 * room) and pins a notice; viewers get a friendly default name, may set their own, and every page and the console
 * show the same name. Bad input gets words a merchant understands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TransitionCause } from '@zhibo/protocol';
import { waitUntil } from '@zhibo/testkit';
import { ConsoleClient, readyOperator } from './console-helpers.js';
import { startServer, type TestServer } from './helpers.js';
import { launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

describe('the merchant talks to the room', () => {
  let t: TestServer;
  let b: TestBrowser;
  let c: ConsoleClient;

  beforeAll(async () => {
    t = await startServer();
    const op = await readyOperator(t);
    c = new ConsoleClient(t.url);
    expect((await c.login(op.login, op.password)).status).toBe(200);
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.cleanup();
  });

  const texts = (p: Page) => p.$$eval('.zb-chat .zb-msg[data-id]', (els) => els.map((e) => e.textContent));

  it('anchor comments are badged, a pinned notice reaches present and later viewers, and a viewer\u2019s own name is shown the same everywhere', async () => {
    const { roomId } = await roomWithGoods(t);
    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    const [ca, cb] = [await b.context('phone'), await b.context('phone')];
    const a = await openRoom(ca, `${t.url}/room/?room_id=${roomId}`);
    const v = await openRoom(cb, `${t.url}/room/?room_id=${roomId}`);
    for (const p of [a, v]) await p.waitForFunction(() => window.__zhiboRoom?.debug().channel === 'open');

    // a comment as the anchor: both viewers see it with the badge and the anchor's name
    const sent = await c.post(`/rooms/${roomId}/comments`, { text: '欢迎大家，今晚新茶八折' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ role: 'anchor', nick: '主播小王', openid: '@anchor' });
    for (const p of [a, v]) {
      await p.locator('.zb-msg-anchor').waitFor();
      expect(await p.locator('.zb-msg-anchor').textContent()).toBe('主播主播小王：欢迎大家，今晚新茶八折');
    }

    // a pinned notice: at once for viewers present, in the snapshot for a viewer who arrives later, then removed
    expect((await c.post(`/rooms/${roomId}/notice`, { text: '今晚满 99 元包邮' })).body).toEqual({ notice: '今晚满 99 元包邮' });
    await expect.poll(() => a.locator('[data-testid=notice]').textContent()).toBe('公告今晚满 99 元包邮');
    const later = await openRoom(await b.context('phone'), `${t.url}/room/?room_id=${roomId}`);
    await expect.poll(() => later.locator('[data-testid=notice]').isVisible()).toBe(true);
    expect((await c.get(`/rooms/${roomId}/live`)).body.notice).toBe('今晚满 99 元包邮');
    expect((await c.post(`/rooms/${roomId}/notice`, { text: '' })).body).toEqual({ notice: null });
    await expect.poll(() => later.locator('[data-testid=notice]').isVisible()).toBe(false);

    // names: a friendly default, then the viewer's own, the same in the other viewer's page and in the console
    const me = a.locator('[data-testid=my-name]');
    await expect.poll(() => me.textContent()).toMatch(/^\p{Script=Han}{4}·[\w-]{4}$/u);
    a.once('dialog', (d) => void d.accept('Tea Lover'));
    await me.click();
    await expect.poll(() => me.textContent(), { timeout: 15_000 }).toBe('Tea Lover');
    await a.waitForFunction(() => window.__zhiboRoom?.debug().channel === 'open');
    await a.fill('.zb-input', '有没有小包装？');
    await a.press('.zb-input', 'Enter');
    await expect.poll(() => texts(v)).toContain('Tea Lover：有没有小包装？');
    await waitUntil(
      async () =>
        ((await c.get(`/rooms/${roomId}/live`)).body.comments as Array<{ nick: string; text: string }>).some(
          (x) => x.nick === 'Tea Lover' && x.text === '有没有小包装？',
        ),
      { what: 'the console sees the same name' },
    );
    expect(await a.evaluate(() => localStorage.getItem('zhibo.nick'))).toBe('Tea Lover');

    // bad input, in words; and nothing once the live is over
    const empty = await c.post(`/rooms/${roomId}/comments`, { text: '   ' });
    expect([empty.status, empty.body.fields]).toEqual([400, { text: 'Write something first' }]);
    const long = await c.post(`/rooms/${roomId}/notice`, { text: 'x'.repeat(201) });
    expect([long.status, long.body.fields]).toEqual([400, { text: 'A notice is 1–200 characters' }]);
    await t.z.services.rooms.apply(roomId, TransitionCause.AnchorEnded, 'test');
    const over = await c.post(`/rooms/${roomId}/comments`, { text: 'still there?' });
    expect(over.status).toBeGreaterThanOrEqual(400);
    expect(over.body.fields).toEqual({ text: 'The live is over: comments can no longer be sent' });
  });
});
