/**
 * Browser tests of the room page: Chromium through the test kit, the merchant's fixture site, and a room with goods and
 * the merchant's page URLs. (The bundles come from startServer: scripts/bundles.mjs builds them into a temporary dir.)
 */
import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestServer } from './helpers.js';
import { merchant } from './helpers.js';
import type { ZhiboSdk } from '@zhibo/sdk';

/** What the room page exposes for tests (apps/room/src/room.ts debug()). */
export interface RoomDebug {
  status: number;
  openid: string;
  mutedSelf: boolean;
  videoOnly: boolean;
  channel: string;
  tech: string | null;
  currentTime: number;
  /** FLV live-edge keeping (packages/sdk/src/live-latency.ts) */
  latency: { aheadSec: number; rate: number; jumps: number } | null;
}

declare global {
  interface Window {
    __zhiboRoom?: { debug(): RoomDebug };
    zhibo?: ZhiboSdk;
  }
}

export { launchBrowser, type TestBrowser } from '@zhibo/testkit';

/**
 * The merchant's site on another port: goods pages (with `<zhibo-back-to-live>`), and `/sdk-page`
 * that loads the script-tag SDK and holds plugin links. Records every request's URL.
 */
export async function fixtureShop(zhibo: string): Promise<{ url: string; hits: URL[]; close(): Promise<void> }> {
  const hits: URL[] = [];
  const sdkTag = `<script src="${zhibo}/sdk/zhibo-sdk.js"></script>`;
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://shop.test');
    hits.push(u);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (u.pathname === '/favicon.ico') return res.end();
    if (u.pathname === '/sdk-page') {
      const room = u.searchParams.get('link_room') ?? '1';
      const link = `plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=${room}&custom_params=${encodeURIComponent('{"path":"pages/index/index","pid":1}')}`;
      return res.end(`<!doctype html><meta charset="utf-8"><title>merchant</title>${sdkTag}
<a id="plugin-link" href="${link}">watch</a> <navigator id="nav" url="${link}&type=9">watch (navigator)</navigator>`);
    }
    res.end(
      `<!doctype html><meta charset="utf-8"><title>goods</title>${sdkTag}<h1 id="page">${u.pathname.replace(/[<>&]/g, '')}</h1><zhibo-back-to-live inline></zhibo-back-to-live>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A merchant with a room (102), three goods on its shelf (fixed, range, discount) and page URLs set. */
export async function roomWithGoods(t: TestServer, opts: { goodsBaseUrl?: string; homeUrl?: string; room?: Record<string, unknown> } = {}) {
  const m = await merchant(t);
  const roomId = await m.room(opts.room);
  const g1 = await m.goods({ name: '明前龙井 250g', price: 11, url: 'pages/goods/detail?id=1' });
  const g2 = await m.goods({ name: '手作陶瓷茶杯', priceType: 2, price: 39, price2: 59.9, url: 'pages/goods/detail?id=2' });
  const g3 = await m.goods({ name: '便携旅行茶具套装', priceType: 3, price: 199, price2: 129, url: 'pages/goods/detail?id=3' });
  const r = await m.post('/wxaapi/broadcast/room/addgoods', { ids: [g1, g2, g3], roomId });
  if (r.errcode !== 0) throw new Error(`addgoods: ${JSON.stringify(r)}`);
  await t.z.services.apps.updateSettings(m.appid, {
    ...(opts.goodsBaseUrl ? { goodsBaseUrl: opts.goodsBaseUrl } : {}),
    ...(opts.homeUrl ? { homeUrl: opts.homeUrl } : {}),
  });
  return { m, roomId, goods: [g1, g2, g3] };
}

export async function openRoom(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('.zb-room');
  return page;
}
