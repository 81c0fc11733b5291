/**
 * Issue 10, High 1, end to end in Chromium: a merchant's `javascript:` goods URL is refused at every entry point; one
 * forced into the database anyway does nothing when the signed-in operator taps the product in the room page (the page
 * refuses to navigate, and the page's CSP would block a `javascript:` navigation too). The payload is the one of the
 * report: it would create an operator account with the operator's CSRF token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errcode, TransitionCause } from '@zhibo/protocol';
import { startServer, type TestServer } from './helpers.js';
import { launchBrowser, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

const PAYLOAD =
  `javascript:document.title='PWNED';fetch('/console/api/session').then(r=>r.json()).then(s=>fetch('/console/api/accounts',{method:'POST',` +
  `headers:{'content-type':'application/json','x-csrf-token':s.csrf},body:JSON.stringify({login:'evil-op',name:'x',role:'operator',password:'a long evil passphrase'})}));//`; // the room page appends ?room_id=…: the comment swallows it

describe('stored XSS through a goods URL (Chromium)', () => {
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

  it("a javascript: goods URL is refused; forced into the database, the operator's tap in the room page runs nothing", async () => {
    const { m, roomId, goods } = await roomWithGoods(t, { goodsBaseUrl: 'https://shop.example.com/m/' });
    const refused = await m.post('/wxaapi/broadcast/goods/add', {
      goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 1, price: 1, url: PAYLOAD },
    });
    expect(refused.errcode).toBe(Errcode.GoodsUrlInvalid);
    // The rest of the entry points (console form, app settings, admin API) are covered in security-web.test.ts.
    await t.z.db.query('UPDATE goods SET url = $1 WHERE id = $2', [PAYLOAD, goods[2]]);
    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    await t.z.services.accounts.create({ login: 'boss', name: 'Operator', role: 'operator', password: 'the operator passphrase' });

    const ctx = await b.context('phone');
    // The operator is signed in to the console in this browser (same origin as the room page).
    const login = await ctx.request.post(`${t.url}/console/api/login`, { data: { login: 'boss', password: 'the operator passphrase' } });
    expect(login.status()).toBe(200);
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(`${t.url}/room/?room_id=${roomId}`);
    await page.waitForSelector('.zb-bag:not([hidden])');
    await page.click('.zb-bag');
    await page.waitForSelector('.zb-sheet[data-open=true]');
    await page.click('.zb-goods:nth-child(3)');
    // The page says the link is not valid and stays where it is.
    await page.waitForFunction(() => /not valid|地址无效/.test(document.body.textContent ?? ''));
    expect(new URL(page.url()).pathname).toBe('/room/');
    expect(await page.title()).not.toBe('PWNED');

    // Even a javascript: navigation the page's own code did not refuse is blocked by the CSP.
    const blocked = page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
          location.href = "javascript:document.title='CSP-BYPASSED'";
        }),
    );
    expect(await blocked).toMatch(/^script-src/);
    expect(await page.title()).not.toMatch(/PWNED|CSP-BYPASSED/);

    // The operator's account list is unchanged; the browser reported the blocked navigation.
    expect((await t.z.services.accounts.list()).map((a) => a.login)).not.toContain('evil-op');
    expect(violations.length).toBeGreaterThanOrEqual(1);
    await ctx.close();
  });
});
