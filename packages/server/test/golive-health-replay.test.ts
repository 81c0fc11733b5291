/**
 * A live seen by the anchor and by a viewer (issue 12 §7, §8), with real ffmpeg pushes and Chromium:
 * - the go-live page's health read: bitrate, fps, keyframe interval with a warning above 2 s, codecs and size;
 *   refused pushes (wrong key, a second encoder, an ended room) with their reason;
 * - a viewer still on the room page when the live ends gets the replay of the whole live (both segments of a live
 *   that dropped and came back) without reloading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, waitUntil, type Pusher } from '@zhibo/testkit';
import { ConsoleClient, readyOperator } from './console-helpers.js';
import { startServer, type TestServer } from './helpers.js';
import { launchBrowser, openRoom, roomWithGoods, type TestBrowser } from './room-page-helpers.js';

interface Health {
  stream: null | {
    keyframeIntervalSec: number | null;
    fps: number;
    bitrateKbps: number;
    video: { codec: string; width?: number; height?: number } | null;
    audio: { codec: string } | null;
  };
  warnings: Array<{ code: string; message: string }>;
  refused: Array<{ reason: string; from: string; at: number }>;
}

describe('going live: stream health, refused pushes, the replay seen from the room', () => {
  let t: TestServer;
  let b: TestBrowser;
  let c: ConsoleClient;
  const pushers: Pusher[] = [];
  let roomId = 0;
  let pushAddr = '';

  beforeAll(async () => {
    t = await startServer();
    const fx = await roomWithGoods(t);
    roomId = fx.roomId;
    pushAddr = (await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId, access_token: fx.m.token })).pushAddr as string;
    const op = await readyOperator(t);
    c = new ConsoleClient(t.url);
    expect((await c.login(op.login, op.password)).status).toBe(200);
    b = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of pushers) await p.stop();
    await b?.close();
    await t?.cleanup();
  });

  const health = async () => (await c.get(`/rooms/${roomId}/health`)).body as unknown as Health;
  const push = (url: string, opts: Parameters<typeof pushTestStream>[1] = {}) => {
    const p = pushTestStream(url, opts);
    pushers.push(p);
    return p;
  };
  const live = () =>
    waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Live, { timeoutMs: 30_000, what: 'the room live' });

  it('health, refusals and the whole replay in the room without a reload', async () => {
    const ctx = await b.context('phone');
    const page = await openRoom(ctx, `${t.url}/room/?room_id=${roomId}`);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    expect((await health()).stream).toBeNull();

    // a push with a 5 s keyframe interval: the health read shows it and warns
    const first = push(pushAddr, { seconds: 120, gopSeconds: 5 });
    await live();
    const h1 = await waitUntil(
      async () => {
        const h = await health();
        return h.stream?.keyframeIntervalSec ? h : undefined;
      },
      { timeoutMs: 30_000, what: 'a keyframe interval' },
    );
    expect(h1.stream).toMatchObject({
      keyframeIntervalSec: 5,
      video: { codec: 'H.264', width: 640, height: 360 },
      audio: { codec: 'AAC' },
    });
    expect(h1.stream!.bitrateKbps).toBeGreaterThan(100);
    expect(h1.warnings.map((w) => w.code)).toContain('keyframe_interval');
    expect(h1.warnings.find((w) => w.code === 'keyframe_interval')!.message).toContain('set it to 2 s');

    // refused: the wrong key, then a second encoder with the right key
    push(pushAddr.replace(/key=[^&]+/, 'key=wrong'), { seconds: 10 });
    await waitUntil(async () => (await health()).refused.some((r) => r.reason.includes('wrong stream key')), {
      timeoutMs: 20_000,
      what: 'the wrong key refused',
    });
    push(pushAddr, { seconds: 10 });
    await waitUntil(async () => (await health()).refused.some((r) => r.reason.includes('already has a publisher')), {
      timeoutMs: 20_000,
      what: 'the second encoder refused',
    });
    expect((await health()).refused.every((r) => r.from === '127.0.0.1' && !r.reason.includes('key='))).toBe(true);

    // the stream drops (106) and comes back with a 2 s keyframe interval: a second segment, no warning
    await first.stop();
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Abnormal, { timeoutMs: 20_000, what: '106' });
    push(pushAddr, { seconds: 120 });
    await live();
    await waitUntil(async () => (await health()).stream?.keyframeIntervalSec === 2, { timeoutMs: 30_000, what: 'the 2 s interval' });
    expect((await health()).warnings.map((w) => w.code)).not.toContain('keyframe_interval');

    // the anchor ends the live: the page, never reloaded, shows the replay of both segments
    expect((await c.post(`/rooms/${roomId}/status`, { action: 'end' })).status).toBe(200);
    const panel = page.locator('[data-testid=replays]');
    await expect.poll(() => panel.getAttribute('data-segments'), { timeout: 60_000 }).toBe('2');
    await expect.poll(() => panel.getAttribute('data-pending'), { timeout: 60_000 }).toBe('0');
    expect(await page.locator('.zb-replay-item').count()).toBe(2);
    const src = await page.locator('video.zb-replay-video').getAttribute('src');
    expect(src).toMatch(new RegExp(`/replay/${roomId}/[\\w-]+\\.mp4$`));
    expect((await fetch(src!, { headers: { range: 'bytes=0-99' } })).status).toBe(206);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');

    // and a push to the ended room is refused with its reason
    push(pushAddr, { seconds: 10 });
    await waitUntil(async () => (await health()).refused.some((r) => r.reason.includes('can not go live')), {
      timeoutMs: 20_000,
      what: 'the ended room refused',
    });
    await ctx.close();
  });
});
