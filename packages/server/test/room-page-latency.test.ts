/**
 * The room page keeps FLV near the live edge (S-PLAYER-2, packages/sdk/src/live-latency.ts): a viewer joining
 * late in a GOP (the GOP cache hands over everything since the keyframe) jumps once to the target instead of
 * staying a GOP behind, and a backlog below the jump threshold is eaten with playbackRate ≤ 1.1, not seeks.
 * Real ffmpeg (10 s GOP so the cache is seconds deep), real Chromium, mpegts.js over HTTP-FLV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, waitUntil, type Pusher } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

declare global {
  interface Window {
    __seen?: { seeks: number; maxRate: number };
  }
}

/** Seconds buffered ahead of the playhead, read from the page's <video>. */
const ahead = (p: Page) =>
  p.evaluate(() => {
    const v = document.querySelector('video')!;
    return v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : -1;
  });

describe('the room page plays FLV at the live edge', () => {
  let t: TestServer;
  let b: TestBrowser;
  let ctx: BrowserContext;
  let page: Page;
  let pusher: Pusher | undefined;
  let roomId = 0;

  beforeAll(async () => {
    t = await startServer();
    const fx = await roomWithGoods(t);
    roomId = fx.roomId;
    const pushAddr = (await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId, access_token: fx.m.token })).pushAddr as string;
    pusher = pushTestStream(pushAddr, { gopSeconds: 10 });
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Live, {
      timeoutMs: 20_000,
      what: 'the room live',
    });
    b = await launchBrowser();
    ctx = await b.context('desktop');
  });
  afterAll(async () => {
    await ctx?.close();
    await b?.close();
    await pusher?.stop();
    await t?.cleanup();
  });

  it('joining 3 s into a 10 s GOP: the page jumps to the live edge and keeps ≤ 1 s buffered ahead', async () => {
    // ~68 tags a second (25 fps video + 43 AAC frames): ≥ 200 tags in the GOP cache is ≥ 3 s behind the edge.
    await waitUntil(() => (t.z.services.media.hub(String(roomId))?.stats().gopTags ?? 0) >= 200, {
      timeoutMs: 20_000,
      what: 'a GOP cache 3 s deep',
    });
    page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
    await page.waitForFunction(() => (window.__zhiboRoom?.debug().currentTime ?? 0) > 0.2, undefined, { timeout: 30_000 });
    await waitUntil(
      async () => {
        const a = await ahead(page);
        return a >= 0 && a <= 1.0;
      },
      { timeoutMs: 10_000, what: 'at most 1 s buffered ahead' },
    );
    const d = await page.evaluate(() => window.__zhiboRoom!.debug());
    expect(d.tech).toBe('flv');
    expect(d.latency!.jumps).toBeGreaterThanOrEqual(1);
    const t0 = d.currentTime;
    for (let i = 0; i < 12; i++) {
      await page.waitForTimeout(250);
      expect(await ahead(page)).toBeLessThanOrEqual(1.2);
    }
    expect((await page.evaluate(() => window.__zhiboRoom!.debug())).currentTime - t0).toBeGreaterThan(1.5); // still playing
  });

  it('after a pause of ~1.5 s the page catches up with playbackRate between 1.0 and 1.1, without seeking', async () => {
    await page.evaluate(() => {
      const v = document.querySelector('video')!;
      window.__seen = { seeks: 0, maxRate: v.playbackRate };
      v.addEventListener('seeking', () => window.__seen!.seeks++);
      v.addEventListener('ratechange', () => (window.__seen!.maxRate = Math.max(window.__seen!.maxRate, v.playbackRate)));
      v.pause();
    });
    await waitUntil(async () => (await ahead(page)) >= 1.7, { timeoutMs: 10_000, what: 'a backlog of 1.7 s' });
    await page.evaluate(() => document.querySelector('video')!.play());
    await waitUntil(
      async () => {
        const a = await ahead(page);
        return a >= 0 && a <= 0.9;
      },
      { timeoutMs: 40_000, intervalMs: 250, what: 'back to ≤ 0.9 s buffered ahead' },
    );
    const seen = await page.evaluate(() => window.__seen!);
    expect(seen.seeks).toBe(0);
    expect(seen.maxRate).toBeGreaterThan(1);
    expect(seen.maxRate).toBeLessThanOrEqual(1.1);
  });
});
