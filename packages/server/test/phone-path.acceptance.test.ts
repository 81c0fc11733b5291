/**
 * Acceptance of issue 12 (links that work from a phone): ZHIBO_PUBLIC_URL unset, zhibo opened by a phone (Chromium,
 * phone viewport) at a host name that is not loopback (`live.test`, mapped to this machine by Chromium's resolver: what
 * a LAN address or a local DNS name is to a real phone). Tests listen on 127.0.0.1 only: links follow the Host the phone
 * used exactly as they do on 0.0.0.0 (push URLs too, since RTMP listens on the address the request came in at). The merchant signs in,
 * reads the share page, downloads the poster and the code, the anchor pushes, the viewer watches and shares, the live
 * ends; every link collected from the share page, the poster, the QR codes and getliveinfo / get_replay opens in the
 * phone and carries the phone's host — none points at 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readyOperator } from './console-helpers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LiveStatus, TransitionCause } from '@zhibo/protocol';
import { launchBrowser, pushTestStream, waitUntil, type Pusher, type TestBrowser } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { roomWithGoods } from './room-page-helpers.js';
import { shot } from './console-browser-helpers.js';

const run = promisify(execFile);
const HOST = 'live.test';

/** A merchant's server calling the API at the public host name (Host header; Node cannot resolve live.test). */
function api(url: string, host: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { host, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('issue 12 acceptance: the whole path from a phone at a non-loopback host name, ZHIBO_PUBLIC_URL unset', () => {
  let t: TestServer;
  let b: TestBrowser;
  let dir: string;
  let pusher: Pusher | undefined;
  let origin = '';
  const opened: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zhibo-phone-'));
    t = await startServer('pglite');
    origin = `http://${HOST}:${new URL(t.url).port}`;
    b = await launchBrowser({ args: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
  });
  afterAll(async () => {
    await pusher?.stop();
    await b?.close();
    await t?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** Open a link in the phone: it must answer 2xx and carry the phone's host. */
  async function opens(page: Page, link: string, what: string): Promise<Buffer> {
    expect(new URL(link).host, `${what}: ${link}`).toBe(new URL(origin).host);
    const res = await page.goto(link);
    expect(res?.status(), `${what}: ${link}`).toBeLessThan(300);
    opened.push(`${what}: ${link}`);
    return res!.body();
  }
  async function zbar(bytes: Buffer, name: string): Promise<string[]> {
    await writeFile(join(dir, name), bytes);
    const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', join(dir, name)]);
    return stdout.split('\n').filter(Boolean);
  }

  it('console share page → poster and code (zbarimg) → room page → live video → share link → replay; getliveinfo / get_replay links; all at the phone\u2019s host', async () => {
    expect(t.z.config.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:/); // the listen address: every link below must not use it
    const fx = await roomWithGoods(t);
    const roomId = fx.roomId;
    const ctx = await b.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await ctx.newPage();

    // The merchant signs in on the phone and opens the room's Share page.
    const op = await readyOperator(t);
    await page.goto(`${origin}/console/`);
    await page.fill('input[name=login]', op.login);
    await page.fill('input[name=password]', op.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.shell');
    await page.goto(`${origin}/console/#/rooms/${roomId}/share`);
    const note = page.locator('.address-note');
    await note.waitFor();
    expect(await note.getAttribute('data-address-source')).toBe('request');
    expect(await note.textContent()).toContain(origin);
    await shot(page, 'phone-path-share');
    const copied = async (name: string) => (await page.locator(`[data-copy="${name}"]`).textContent())!;
    const links = { code: await copied('code-link'), article: await copied('article-link'), plain: await copied('plain-link') };
    const qrSrc = (await page.locator('img.qr').getAttribute('src'))!;
    const posterHref = (await page.locator('a', { hasText: 'Download poster' }).getAttribute('href'))!;
    const posterJpg = (await page.locator('a', { hasText: 'JPEG' }).getAttribute('href'))!;

    // The poster (PNG and JPEG) and the code image scan to the room link at the phone's host with type=9.
    const want = `${origin}/room/?room_id=${roomId}&type=9`;
    expect(await zbar(await opens(page, posterHref, 'poster PNG'), 'poster.png')).toEqual([want]);
    expect(await zbar(await opens(page, posterJpg, 'poster JPEG'), 'poster.jpg')).toEqual([want]);
    expect(await zbar(await opens(page, qrSrc, 'code image'), 'qr.png')).toEqual([want]);
    expect(links.code).toBe(want);

    // The go-live page says where the anchor pushes: the phone's host too (RTMP listens on every interface).
    await page.goto(`${origin}/console/#/rooms/${roomId}`);
    const pushUrl = (await page.locator('[data-copy="push-url"]').textContent())!;
    expect(pushUrl).toMatch(new RegExp(`^rtmp://${HOST.replace('.', '\\.')}:\\d+/live/${roomId}\\?key=`));
    // ffmpeg cannot resolve live.test: the same URL at 127.0.0.1 (the anchor's machine resolves the name, we do not)
    pusher = pushTestStream(pushUrl.replace(HOST, '127.0.0.1'), { seconds: 120 });
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Live, { timeoutMs: 30_000, what: 'live' });
    await page.locator('[data-testid=stream-health] [data-health=keyframe]').waitFor({ timeout: 30_000 });
    await waitUntil(async () => (await page.locator('[data-health=keyframe] .health-value').textContent()) === '2 s', {
      timeoutMs: 30_000,
      what: 'health numbers',
    });
    await shot(page, 'phone-path-golive');

    // Every share link opens the room page in the phone; the QR's link plays the live video.
    for (const [what, link] of Object.entries(links)) {
      await opens(page, link, `${what} link`);
      await page.waitForSelector('.zb-room');
    }
    await opens(page, want, 'the QR code\u2019s link');
    await page.waitForFunction(() => (window.__zhiboRoom?.debug().currentTime ?? 0) > 1, undefined, { timeout: 30_000 });
    const room = await page.evaluate(() => window.__zhiboRoom!.debug());
    expect(room.status).toBe(101);
    // the viewer shares: the signed share link carries the phone's host as well
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.resolve() } }));
    await page.click('.zb-share');
    await page.waitForFunction(() => !!document.querySelector<HTMLElement>('.zb-room')?.dataset.lastShare);
    const shared = (await page.evaluate(() => document.querySelector<HTMLElement>('.zb-room')!.dataset.lastShare))!;
    await opens(page, shared, 'viewer share link');
    expect(new URL(shared).searchParams.get('share_sig')).toBeTruthy();

    // getliveinfo from a merchant server that calls zhibo by the same name: every image URL opens in the phone.
    const info = await api(`${t.url}/wxa/business/getliveinfo?access_token=${fx.m.token}`, new URL(origin).host, 'POST', {
      start: 0,
      limit: 10,
    });
    const r = (
      info.room_info as Array<{
        roomid: number;
        cover_img: string;
        share_img: string;
        anchor_img: string;
        feeds_img: string;
        goods: Array<{ cover_img: string }>;
      }>
    ).find((x) => x.roomid === roomId)!;
    for (const [what, link] of [
      ['cover_img', r.cover_img],
      ['share_img', r.share_img],
      ...r.goods.map((g, i) => [`goods ${i} cover_img`, g.cover_img]),
    ] as Array<[string, string]>)
      await opens(page, link, `getliveinfo ${what}`);

    // The live ends; get_replay's media_url opens in the phone.
    await pusher.stop();
    pusher = undefined;
    await waitUntil(() => t.z.services.rooms.cachedStatus(roomId)?.status === LiveStatus.Abnormal, { timeoutMs: 20_000, what: '106' });
    await t.z.services.rooms.apply(roomId, TransitionCause.AnchorEnded, 'test');
    const replays = await waitUntil(
      async () => {
        const x = await api(`${t.url}/wxa/business/getliveinfo?access_token=${fx.m.token}`, new URL(origin).host, 'POST', {
          action: 'get_replay',
          room_id: roomId,
          start: 0,
          limit: 10,
        });
        return (x.live_replay as Array<{ media_url: string }>).length ? (x.live_replay as Array<{ media_url: string }>) : undefined;
      },
      { timeoutMs: 60_000, what: 'a replay' },
    );
    expect(new URL(replays[0]!.media_url).host).toBe(new URL(origin).host);
    // the phone fetches the MP4 (a range, as a video element does) at the phone's host, from the room page
    // (the page last opened an image, whose own CSP lets it fetch nothing)
    await page.goto(`${origin}/room/?room_id=${roomId}`);
    expect(await page.evaluate((u) => fetch(u, { headers: { range: 'bytes=0-99' } }).then((x) => x.status), replays[0]!.media_url)).toBe(
      206,
    );
    opened.push(`get_replay media_url: ${replays[0]!.media_url}`);
    // The room page shows the live's replay: its segment list until the one joined replay is ready, then the replay
    // view (issue 15) over the joined MP4 — either way a video at the phone's host.
    const player = page.locator(
      '[data-testid=replays][data-segments="1"]:visible video.zb-replay-video, .zb-rp[data-state=ready] video.zb-rp-video',
    );
    await player.first().waitFor({ timeout: 30_000 });
    const src = await player.first().getAttribute('src');
    expect(new URL(src!, origin).host).toBe(new URL(origin).host);
    opened.push(`room page replay video: ${src}`);
    await shot(page, 'phone-path-room-103');
    expect(opened.length).toBeGreaterThanOrEqual(12);
    await ctx.close();
  });
});
