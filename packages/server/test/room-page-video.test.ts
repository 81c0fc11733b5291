/**
 * The room page plays the live video (S-PLAYER-2 acceptance): ffmpeg pushes RTMP, the page turns 101 by
 * push and plays with the lowest-latency player (mpegts.js over HTTP-FLV), WS-FLV and hls.js when asked;
 * when the stream drops (106) the overlay shows and the player picks up again when the anchor is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, waitUntil, type Pusher } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

const playing = async (p: Page, beyond = 1.5) => {
  await p.waitForFunction((min) => (window.__zhiboRoom?.debug().currentTime ?? 0) > min, beyond, { timeout: 30_000 });
  return p.evaluate(() => window.__zhiboRoom!.debug());
};

describe('the room page plays the live stream', () => {
  let t: TestServer;
  let b: TestBrowser;
  let pusher: Pusher | undefined;
  let roomId = 0;
  let pushAddr = '';

  beforeAll(async () => {
    t = await startServer();
    const fx = await roomWithGoods(t);
    roomId = fx.roomId;
    pushAddr = (await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId, access_token: fx.m.token })).pushAddr as string;
    b = await launchBrowser();
  });
  afterAll(async () => {
    await pusher?.stop();
    await b?.close();
    await t?.cleanup();
  });

  it('S-PLAYER-2: ffmpeg → room page: 102 turns 101 by push and the video plays (HTTP-FLV); a dropped stream shows 106 and playback resumes at 101', async () => {
    const ctx = await b.context('phone');
    const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
    await page.waitForSelector('[data-testid=countdown]');
    pusher = pushTestStream(pushAddr);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.zb-room')?.dataset.status === '101', undefined, {
      timeout: 20_000,
    });
    const d = await playing(page);
    expect(d.tech).toBe('flv');
    expect(await page.isVisible('.zb-unmute')).toBe(true); // autoplay muted, tap to unmute
    await page.click('.zb-unmute');
    expect(await page.evaluate(() => document.querySelector('video')!.muted)).toBe(false);

    await pusher.stop();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.zb-room')?.dataset.status === '106', undefined, {
      timeout: 20_000,
    });
    expect(await page.textContent('.zb-overlay')).toContain('正在重新连接');
    pusher = pushTestStream(pushAddr);
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Live, {
      timeoutMs: 20_000,
      what: 'the room live again',
    });
    const before = (await page.evaluate(() => window.__zhiboRoom!.debug())).currentTime;
    await playing(page, before + 1.5);
    expect(await page.isHidden('.zb-overlay')).toBe(true);
    await ctx.close();
  });

  it('S-PLAYER-2: WS-FLV and hls.js play the same room when chosen', async () => {
    if (!pusher || pusher.proc.exitCode !== null) pusher = pushTestStream(pushAddr);
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Live, {
      timeoutMs: 20_000,
      what: 'the room live',
    });
    const ctx = await b.context('desktop');
    for (const tech of ['wsflv', 'hls.js'] as const) {
      const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}&player=${tech}`);
      expect((await playing(page)).tech).toBe(tech);
      await page.close();
    }
    await ctx.close();
  });
});
