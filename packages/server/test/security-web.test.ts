/**
 * Issue 10, High 1 (the HTTP side; the browser side is security-xss-browser.test.ts): goods and home URLs are only
 * http(s) URLs or page paths at every entry point, every answer has nosniff and a CSP, pages have a strict one, the
 * console's cookie is scoped to /console, the console can live on its own origin, source maps are off by default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errcode } from '@zhibo/protocol';
import { merchant, png, startServer, type TestServer } from './helpers.js';
import { signedInMerchant } from './console-helpers.js';
import { HOSTILE_URLS, raw } from './security-helpers.js';

describe('security of the web side (pglite)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer('pglite');
  });
  afterAll(async () => t.cleanup());

  it('goods/add refuses javascript:, data:, vbscript:, protocol-relative and control-character URLs (goods_url_invalid), and keeps page paths and https URLs', async () => {
    const m = await merchant(t);
    for (const url of HOSTILE_URLS) {
      const r = await m.post('/wxaapi/broadcast/goods/add', {
        goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 1, price: 1, url },
      });
      // control characters are refused by the envelope already (47001), the rest by the goods rules
      expect([Errcode.GoodsUrlInvalid, Errcode.DataFormatError], url).toContain(r.errcode);
    }
    for (const url of ['pages/goods/detail?id=1', '/item/1', 'https://shop.example.com/p?id=1', 'HTTP://shop.example.com/'])
      expect(
        (await m.post('/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 1, price: 1, url } }))
          .errcode,
        url,
      ).toBe(0);
    expect((await t.z.db.query<{ n: number }>("SELECT count(*)::int AS n FROM goods WHERE url ~* 'script|data:'"))[0]!.n).toBe(0);
  });

  it('the console goods form and the app settings (console and admin API) refuse the same URLs', async () => {
    const { c, appid } = await signedInMerchant(t, 'xss-shop');
    const img = await c.upload(appid, 'coverImg', png());
    expect(img.status).toBe(200);
    for (const url of HOSTILE_URLS) {
      const g = await c.post(`/apps/${appid}/goods`, { name: '好茶', coverImg: img.body.mediaId, priceType: 1, price: '1', url });
      expect(g.status, url).toBe(400);
      expect(g.body.fields?.url, url).toBeTruthy();
      for (const field of ['goodsBaseUrl', 'homeUrl']) {
        const s = await c.put(`/apps/${appid}/settings`, { [field]: url });
        expect(s.status, `${field} ${url}`).toBe(400);
        expect(s.body.fields?.[field]).toBeTruthy();
        const a = await fetch(`${t.url}/admin/api/apps/${appid}/settings`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${t.z.services.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ [field]: url }),
        });
        expect(a.status, `admin ${field} ${url}`).toBe(400);
      }
    }
    expect(
      (await c.put(`/apps/${appid}/settings`, { goodsBaseUrl: 'https://shop.example.com/', homeUrl: 'https://shop.example.com/home' }))
        .status,
    ).toBe(200);
  });

  it('the room page has a strict CSP (no inline script, no javascript: URLs) that allows exactly its one inline style', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const r = await fetch(`${t.url}/room/?room_id=${room}`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/base-uri 'none'/);
    const html = await r.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // every script is a file
    expect(html).not.toMatch(/\sstyle="/);
    const inline = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(inline).digest('base64')}'`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('every answer has nosniff, and what is not a page gets a CSP that runs nothing', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const answers = [
      await raw(`${t.url}/healthz`),
      await raw(`${t.url}/no/such/route`),
      await raw(`${t.url}/cgi-bin/nope`),
      await raw(`${t.url}/api/plugin/v1/room?room_id=${room}`),
      await raw(`${t.url}/api/plugin/v1/room?room_id=999999`),
      await raw(`${t.url}/admin/api/apps`),
      await raw(`${t.url}/console/api/session`),
      await raw(`${t.url}/console/`),
      await raw(`${t.url}/live/${room}.flv`, { method: 'HEAD' }),
      await raw(`${t.url}/img/nope`),
    ];
    for (const a of answers) expect(a.headers['x-content-type-options']).toBe('nosniff');
    for (const a of answers.slice(0, 7)) expect(a.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(answers[7]!.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(answers[7]!.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
  });

  it('the console session cookie is scoped to /console (never sent to the room page) and the device cookie to sign-in', async () => {
    await t.z.services.accounts.create({ login: 'scoped', name: 'S', role: 'merchant', password: 'correct horse battery' });
    const r = await fetch(`${t.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'scoped', password: 'correct horse battery' }),
    });
    expect(r.status).toBe(200);
    const cookies = r.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('zhibo_console=') && !c.includes('Max-Age=0'))!;
    expect(session).toMatch(/; Path=\/console;/);
    expect(session).not.toMatch(/Domain=/i);
    expect(cookies.find((c) => c.startsWith('zhibo_device='))).toMatch(/Path=\/console\/api\/login;.*SameSite=Strict/);
    // The cookie of older versions (Path=/) is cleared.
    expect(cookies).toContain('zhibo_console=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
  });

  it('serves no source maps unless ZHIBO_SOURCE_MAPS is on', async () => {
    for (const p of ['/build/room.js.map', '/build/zhibo-sdk.js.map', '/console/assets/console.js.map'])
      expect((await fetch(`${t.url}${p}`)).status, p).toBe(404);
  });
});

describe('the console on its own origin (ZHIBO_CONSOLE_URL)', () => {
  let t: TestServer;
  let main = '';
  const consoleHost = 'console.zhibo.test';
  beforeAll(async () => {
    t = await startServer('pglite', { env: { ZHIBO_CONSOLE_URL: `https://${consoleHost}`, ZHIBO_SOURCE_MAPS: '1' } });
    main = new URL(t.url).host;
  });
  afterAll(async () => t.cleanup());

  it('answers the console only on its host, and nothing else there; its cookies are Secure and host-only', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const on = (path: string, host: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
      raw(`${t.url}${path}`, { ...init, headers: { ...init.headers, host } });
    expect((await on('/console/', consoleHost)).status).toBe(200);
    expect((await on('/console/', main)).status).toBe(404);
    expect((await on('/console/api/session', main)).status).toBe(404);
    expect((await on(`/room/?room_id=${room}`, consoleHost)).status).toBe(404);
    expect((await on(`/api/plugin/v1/room?room_id=${room}`, consoleHost)).status).toBe(404);
    expect((await on('/build/room.js', consoleHost)).status).toBe(404);
    expect((await on(`/room/?room_id=${room}`, main)).status).toBe(200);
    // images are stored as paths (/img/ID): the console's pages show them from the console's host too
    const cover = (await t.z.services.rooms.getAny(room))!.cover_img;
    expect(cover).toMatch(/^\/img\//);
    expect((await on(cover, consoleHost)).status).toBe(200);
    expect((await on('/', consoleHost)).headers.location).toBe('/console/');
    await t.z.services.accounts.create({ login: 'away', name: 'A', role: 'merchant', password: 'correct horse battery' });
    const login = await on('/console/api/login', consoleHost, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'away', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const cookies = login.headers['set-cookie'] as string[];
    expect(cookies[0]).toMatch(/^__Secure-zhibo_console=[^;]+; Path=\/console; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    // `zhibo operator reset-password` goes through the admin API, which is not tied to the console's host.
    const reset = await fetch(`${t.url}/admin/api/operator/reset-password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.z.services.adminToken}` },
    });
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as { login: string }).login).toBe('admin');
    // ZHIBO_SOURCE_MAPS=1 serves them.
    expect((await on('/build/room.js.map', main)).status).toBe(200);
  });
});
