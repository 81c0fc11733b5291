/**
 * Issue 10, Low 17: the demo shop put a room's cover URL into a `style` attribute (CSS injection with a quote). It now
 * renders an escaped `<img>` of http(s) URLs only, and its pages carry a CSP: no inline script, its one inline
 * stylesheet by hash, no style attributes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchant, startServer, type TestServer } from './helpers.js';
import { startShop, type Shop } from '../../../apps/shop/src/shop.js';

describe('the demo shop (pglite)', () => {
  let t: TestServer;
  let shop: Shop;
  beforeAll(async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const a = await m.room({ name: '注入测试直播间' });
    const b = await m.room({ name: '脚本测试直播间' });
    await m.room({ name: '正常的直播间' });
    await t.z.db.query('UPDATE rooms SET cover_img = $1 WHERE id = $2', [
      "https://img.example/x.png'); background:url('https://evil.example/leak",
      a,
    ]);
    await t.z.db.query('UPDATE rooms SET cover_img = $1 WHERE id = $2', ['javascript:alert(1)', b]);
    shop = await startShop({ zhiboUrl: t.url, appid: m.appid, appsecret: m.appsecret, port: 0, roomListTtlMs: 0 });
  });
  afterAll(async () => {
    await shop?.close();
    await t?.cleanup();
  });

  it('renders covers as escaped <img> of http(s) URLs only, never in a style attribute, under a strict CSP', async () => {
    const r = await fetch(`${shop.url}/`);
    const html = await r.text();
    expect(html).toContain('注入测试直播间');
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toContain('evil.example'); // not an image URL: not rendered at all
    expect(html).not.toContain('javascript:alert(1)');
    expect(html).toMatch(new RegExp(`<img src="${t.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/img/[^"]+" alt="" loading="lazy">`));
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(new RegExp(`script-src 'self' ${new URL(t.url).origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(;|$)`));
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe/);
    const inline = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(inline).digest('base64')}'`);
  });
});
