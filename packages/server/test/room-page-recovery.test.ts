/**
 * S-PLAYER-2: the room page recovers without a reload — from a server restart (close code 3000, then the
 * same address comes back) and from a connection that drops without a close frame.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FakeClock } from '@zhibo/core';
import { TransitionCause } from '@zhibo/protocol';
import { WxApi } from '@zhibo/testkit';
import { loadConfig } from '../src/app/config.js';
import { testBundles } from '../../../scripts/bundles.mjs';
import { silentLog } from '../src/lib/log.js';
import { createZhibo, type Zhibo } from '../src/app/zhibo.js';
import type { TestServer } from './helpers.js';
import { launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

const channel = (p: Page) => p.evaluate(() => window.__zhiboRoom?.debug().channel);

describe('the room page across a server restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhibo-room-restart-'));
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 4, 0, 0));
  let z: Zhibo | undefined;
  let b: TestBrowser | undefined;
  const boot = async (port: number) => {
    z = await createZhibo(loadConfig({}, { http: `127.0.0.1:${port}`, rtmp: '127.0.0.1:0', dataDir }), {
      clock,
      log: silentLog,
      runTimers: false,
      buildDir: await testBundles(),
    });
    const urls = await z.listen();
    return { z, url: urls.http };
  };
  afterAll(async () => {
    await b?.close();
    await z?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('S-PLAYER-2: after a restart and after a dropped socket the page reconnects by itself and status pushes arrive again', async () => {
    const port = await freePort();
    const first = await boot(port);
    const t = { z: first.z, url: first.url, api: new WxApi(first.url), clock } as unknown as TestServer;
    const { roomId } = await roomWithGoods(t);
    b = await launchBrowser();
    const ctx = await b.context('phone');
    const page = await openRoom(ctx, `${first.url}/room/?room_id=${roomId}`);
    await page.waitForFunction(() => window.__zhiboRoom?.debug().channel === 'open', undefined, { timeout: 15_000 });
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

    await first.z.close(); // the gateway says 3000 (server shutdown): reconnect with backoff
    await page.waitForSelector('.zb-conn', { state: 'visible' });
    expect(await channel(page)).toBe('reconnecting');
    const second = await boot(port);
    await page.waitForFunction(() => window.__zhiboRoom?.debug().channel === 'open', undefined, { timeout: 30_000 });
    await page.waitForSelector('.zb-conn', { state: 'hidden' });
    await second.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.zb-room')?.dataset.status === '101', undefined, {
      timeout: 10_000,
    });

    // a socket that dies without a close frame (network loss): 1006 in the page, reconnect, pushes again
    const members = [...(second.z.services.realtime.channels.get(roomId)?.members ?? [])];
    expect(members.length).toBe(1);
    for (const c of members) c.ws.terminate();
    await page.waitForFunction(() => window.__zhiboRoom?.debug().channel !== 'open', undefined, { timeout: 10_000 });
    await page.waitForFunction(() => window.__zhiboRoom?.debug().channel === 'open', undefined, { timeout: 30_000 });
    await second.z.services.rooms.apply(roomId, TransitionCause.Paused, 'test');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.zb-room')?.dataset.status === '105', undefined, {
      timeout: 10_000,
    });
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7); // never reloaded
    await ctx.close();
  });
});
