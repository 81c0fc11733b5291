/**
 * Browser tests of the room page: bundles built like scripts/build-web.mjs (only the ones the page
 * needs, skipped when fresh, written atomically so parallel test files do not see half a file),
 * Chromium through playwright-core, and a room with goods and the merchant's page URLs.
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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
}

declare global {
  interface Window {
    __zhiboRoom?: { debug(): RoomDebug };
    zhibo?: ZhiboSdk;
  }
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(ROOT, 'packages/server/public/build');
const ENTRIES: Array<[string, string]> = [
  ['packages/sdk/src/browser.ts', 'zhibo-sdk.js'],
  ['apps/room/src/main.ts', 'room.js'],
  ['packages/sdk/src/vendor/mpegts.ts', 'vendor/mpegts.js'],
  ['packages/sdk/src/vendor/hls.ts', 'vendor/hls.js'],
];
const SOURCES = ['apps/room/src', 'packages/sdk/src', 'packages/protocol/src'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function mtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/** Build the room page and SDK bundles into packages/server/public/build when a source is newer. */
export async function ensureWebBuild(): Promise<void> {
  const src = Math.max(...SOURCES.map((d) => newest(join(ROOT, d))));
  const stale = ENTRIES.filter(([, out]) => mtime(join(OUT, out)) < src || (out === 'room.js' && mtime(join(OUT, 'room.css')) < src));
  const alias = Object.fromEntries(['protocol', 'core', 'sdk'].map((p) => [`@zhibo/${p}`, `./packages/${p}/src/index.ts`]));
  for (const [entry, out] of stale) {
    const r = await build({
      absWorkingDir: ROOT, alias, entryPoints: [entry], outfile: join(OUT, out), bundle: true, format: out === 'zhibo-sdk.js' ? 'iife' : 'esm',
      target: ['es2020', 'safari15'], minify: true, sourcemap: true, logLevel: 'error', write: false,
    });
    for (const f of r.outputFiles) {
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = `${f.path}.${process.pid}.tmp`;
      writeFileSync(tmp, f.contents);
      renameSync(tmp, f.path);
    }
  }
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];

export interface TestBrowser {
  browser: Browser;
  /** a fresh context (own storage: a new device id) with a phone or desktop viewport */
  context(kind?: 'phone' | 'desktop'): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // launch() runs on a fresh temporary profile; each context has its own storage (a new device id).
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  return {
    browser,
    context: (kind = 'phone') =>
      browser.newContext(kind === 'phone'
        ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
        : { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }),
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

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
    res.end(`<!doctype html><meta charset="utf-8"><title>goods</title>${sdkTag}<h1 id="page">${u.pathname.replace(/[<>&]/g, '')}</h1><zhibo-back-to-live inline></zhibo-back-to-live>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`, hits,
    close: () => new Promise<void>((r) => {
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
