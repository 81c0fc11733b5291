/**
 * S-SUB-2 in a real browser: `<zhibo-subscribe room-id>` on a merchant's page (another origin than
 * zhibo: CORS and the SDK's device id in localStorage), subscribe / subscribed / not available.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { waitUntil } from '@zhibo/testkit';
import { TransitionCause } from '@zhibo/protocol';
import { merchant, startServer, type TestServer } from './helpers.js';
import { admin } from './reminder-helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = `
import { SdkClient, browserEnv } from './packages/sdk/src/client.ts';
import { defineSubscribe } from './packages/sdk/src/subscribe.ts';
const client = new SdkClient(browserEnv(), { server: document.documentElement.dataset.server });
defineSubscribe(() => client);
`;

describe('S-SUB-2 <zhibo-subscribe> in Chromium', () => {
  let t: TestServer;
  let site: Server;
  let siteUrl = '';
  let ctx: BrowserContext;
  let profile = '';
  let html = '';

  beforeAll(async () => {
    t = await startServer('pglite', { env: { ZHIBO_REMINDER_POLL_MS: '50' } });
    const alias = Object.fromEntries(['protocol', 'sdk'].map((p) => [`@zhibo/${p}`, `./packages/${p}/src/index.ts`]));
    const js = await build({
      stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' },
      absWorkingDir: ROOT,
      alias,
      bundle: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'error',
    });
    const bundle = js.outputFiles[0]!.contents;
    site = createServer((req, res) => {
      if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    profile = mkdtempSync(join(tmpdir(), 'zhibo-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await new Promise((r) => site?.close(r));
    await t?.cleanup();
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows subscribe, subscribes with the SDK identity, survives a reload, cancels, and offers Watch now once live', async () => {
    const m = await merchant(t);
    await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, { reminders: { webpush: false } });
    const roomId = await m.room();
    html = `<!doctype html><html data-server="${t.url}"><body><zhibo-subscribe room-id="${roomId}"></zhibo-subscribe><script type="module" src="/app.js"></script></body></html>`;
    const page = await ctx.newPage();
    await page.goto(siteUrl);
    const button = page.locator('zhibo-subscribe button');
    await expect.poll(() => button.textContent(), { timeout: 10_000 }).toContain('Remind me');
    await page.evaluate(() => {
      const w = window as unknown as { events: unknown[] };
      w.events = [];
      document.addEventListener('zhibo-subscribe', (e) => w.events.push((e as CustomEvent).detail));
    });

    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 10_000 }).toContain('Subscribed');
    expect(await t.z.services.reminders.count(roomId)).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { events: unknown[] }).events)).toEqual([{ subscribed: true, push: false }]);
    const device = await page.evaluate(() => localStorage.getItem('zhibo.deviceId'));
    expect(await t.z.services.reminders.isSubscribed(roomId, t.z.services.identity.openid(m.appid, { kind: 'device', id: device! }))).toBe(
      true,
    );

    await page.reload();
    await expect.poll(() => button.textContent(), { timeout: 10_000 }).toContain('Subscribed');
    await button.click();
    await expect.poll(() => button.textContent(), { timeout: 10_000 }).toContain('Remind me');
    expect(await t.z.services.reminders.count(roomId)).toBe(0);
    await button.click();
    await waitUntil(async () => (await t.z.services.reminders.count(roomId)) === 1, { what: 'subscribed again' });

    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    await page.reload();
    // once live the button offers the live itself (issue 12: "Watch now"), no longer a subscription
    await expect.poll(() => button.textContent(), { timeout: 10_000 }).toBe('Watch now');
    expect(await button.isDisabled()).toBe(false);
    await page.close();
  });
});
