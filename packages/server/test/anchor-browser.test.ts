/**
 * Issue 14 acceptance: a merchant goes live from a phone. Chromium with a fake camera and microphone opens the anchor
 * page from the console's QR code (decoded from the image), goes live over WHIP; a second browser plays the room with
 * mpegts.js (HTTP-FLV) and hls.js (LL-HLS) — currentTime advances, audio is decoded; a viewer's comment and likes show
 * on the phone; the phone presents a product; ending makes 103 and a replay whose ffprobe duration matches the live
 * within 1 s. A second test drops the publisher's session and watches the page reconnect (106 → 101).
 * Screenshots: test-artifacts/screenshots, or docs/screenshots with ZHIBO_SCREENSHOTS=1.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { LiveStatus } from '@zhibo/protocol';
import { ffprobe, launchBrowser, type TestBrowser, waitUntil } from '@zhibo/testkit';
import { shot, signIn } from './console-browser-helpers.js';
import { type ConsoleClient, roomForm, signedInMerchant } from './console-helpers.js';
import { Viewer } from './realtime-helpers.js';
import { png, startServer, type TestServer } from './helpers.js';

type JsQR = (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;
const require = createRequire(import.meta.url);
const MPEGTS = readFileSync(require.resolve('mpegts.js/dist/mpegts.js'), 'utf8');
const HLS = readFileSync(require.resolve('hls.js/dist/hls.min.js'), 'utf8');
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** What the anchor page exposes for diagnostics (apps/anchor/src/main.ts). */
type AnchorWindow = { __zhiboAnchor: { wakeLock: { held: boolean }; publisher: { on(e: 'state', fn: (s: string) => void): void } | null } };
type PlayerWindow = {
  mpegts: { createPlayer(o: object, c: object): { attachMediaElement(v: HTMLVideoElement): void; load(): void; play(): Promise<void> } };
  Hls: new (c: object) => { loadSource(u: string): void; attachMedia(v: HTMLVideoElement): void };
};

let t: TestServer | undefined;
const browsers: TestBrowser[] = [];
const viewers: Viewer[] = [];
let clockTimer: ReturnType<typeof setInterval> | undefined;

afterEach(async () => {
  clearInterval(clockTimer);
  for (const v of viewers.splice(0)) v.ws.close();
  for (const b of browsers.splice(0)) await b.close();
  await t?.cleanup();
  t = undefined;
});

/** Chromium gathers no loopback candidates: the WHIP UDP side binds the host's own address. */
function hostAddress(): string {
  const a = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!a) throw new Error('no non-loopback IPv4 address');
  return a.address;
}

async function setup(roomOver: Record<string, unknown> = {}): Promise<{ c: ConsoleClient; appid: string; room: number; goodsId: number }> {
  t = await startServer('pglite', { env: { ZHIBO_WHIP_BIND: hostAddress(), ZHIBO_STALL_TIMEOUT_MS: '3000' } });
  // the page shows the elapsed time from server times: let the fake clock follow the wall clock
  t.clock.set(Date.now());
  clockTimer = setInterval(() => t?.clock.set(Date.now()), 200);
  const { c, appid } = await signedInMerchant(t, 'phone-shop');
  const cover = (await c.upload(appid, 'coverImg', png(300, 300))).body.mediaId as string;
  const room = (await c.post(`/apps/${appid}/rooms`, roomForm(t, cover, { name: '春茶直播 · 手机开播', ...roomOver }))).body.id as number;
  const goodsImg = (await c.upload(appid, 'goodsImg', png(200, 200))).body.mediaId as string;
  const goodsId = (
    await c.post(`/apps/${appid}/goods`, {
      name: '明前龙井 250g',
      coverImg: goodsImg,
      priceType: 1,
      price: '168.00',
      url: 'pages/goods/detail?id=1',
    })
  ).body.id as number;
  expect((await c.post(`/rooms/${room}/goods`, { ids: [goodsId] })).status).toBe(200);
  return { c, appid, room, goodsId };
}

/** The console's QR code, decoded from its image: the link the phone's camera would open. */
async function scanQr(c: ConsoleClient, room: number): Promise<string> {
  const link = await c.post(`/rooms/${room}/anchor-link`);
  expect(link.status).toBe(200);
  const svg = Buffer.from((link.body.qr as string).split(',')[1]!, 'base64');
  const { data, info } = await sharp(svg, { density: 300 })
    .flatten({ background: '#fff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const code = jsQR(new Uint8ClampedArray(data), info.width, info.height);
  expect(code?.data).toBe(link.body.url);
  return code!.data;
}

async function phonePage(url: string): Promise<Page> {
  const b = await launchBrowser({ args: FAKE_MEDIA });
  browsers.push(b);
  const page = await (await b.context('phone')).newPage();
  page.on('pageerror', (e) => console.error(`anchor page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-state=preview]', { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('video.an-preview')?.videoWidth, undefined, {
    timeout: 30_000,
  });
  return page;
}

async function goLive(page: Page): Promise<void> {
  await page.click('[data-action=go-live]');
  await page.click('.an-modal [data-action=confirm]');
  await page.waitForSelector('body[data-state=live]', { timeout: 30_000 });
}

/** A second browser plays the room with mpegts.js or hls.js: currentTime advances past 1.5 s and audio is decoded. */
async function play(kind: 'flv' | 'hls', url: string): Promise<{ w: number; h: number; audioBytes: number }> {
  const b = browsers[1] ?? (browsers.push(await launchBrowser()), browsers[browsers.length - 1]!);
  const page = await (await b.context('desktop')).newPage();
  await page.setContent('<video id="v" muted autoplay playsinline width="360" height="640"></video>');
  await page.addScriptTag({ content: kind === 'flv' ? MPEGTS : HLS });
  await page.evaluate(
    ([k, u]) => {
      const v = document.getElementById('v') as HTMLVideoElement;
      const w = window as unknown as PlayerWindow;
      if (k === 'flv') {
        const p = w.mpegts.createPlayer({ type: 'flv', isLive: true, url: u }, { enableStashBuffer: false });
        p.attachMediaElement(v);
        p.load();
        void p.play();
      } else {
        const hls = new w.Hls({ lowLatencyMode: true });
        hls.loadSource(u);
        hls.attachMedia(v);
        void v.play();
      }
    },
    [kind, url] as const,
  );
  await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime > 1.5, undefined, { timeout: 40_000 });
  await page.waitForFunction(
    () =>
      ((document.getElementById('v') as HTMLVideoElement & { webkitAudioDecodedByteCount?: number }).webkitAudioDecodedByteCount ?? 0) > 0,
    undefined,
    { timeout: 20_000 },
  );
  const r = await page.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement & { webkitAudioDecodedByteCount: number };
    return { w: v.videoWidth, h: v.videoHeight, audioBytes: v.webkitAudioDecodedByteCount };
  });
  await page.close();
  return r;
}

describe('going live from a phone (anchor page, WHIP)', () => {
  it('the QR link signs the phone in; Go live publishes over WHIP (101); viewers play it with mpegts.js and hls.js (audio too); comments, likes and presenting work; End makes 103 and a replay as long as the live', async () => {
    const { c, room, goodsId } = await setup();
    const media = t!.z.services.media;
    const sessions = new Map<string, { start: number; stop?: number }>();
    media.on('publishStart', (e) => sessions.set(e.sessionId, { start: Date.now() }));
    media.on('publishStop', (e) => (sessions.get(e.sessionId)!.stop = Date.now()));

    const page = await phonePage(await scanQr(c, room));
    expect(page.url()).toBe(`${t!.url}/anchor/?room_id=${room}`); // the one-time ticket is gone from the address bar
    expect(await page.textContent('.an-title strong')).toBe('春茶直播 · 手机开播');
    expect(await page.textContent('.an-status')).toMatch(/未开播/);
    await shot(page, 'anchor-phone-preview');

    await goLive(page);
    await waitUntil(() => t!.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, {
      timeoutMs: 20_000,
      what: '101 from the phone',
    });
    const session = media.whip!.session([...sessions.keys()][0]!)!;
    expect(session).toBeDefined();
    await page.waitForSelector('.an-status[data-status="101"]', { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as AnchorWindow).__zhiboAnchor.wakeLock.held)).toBe(true);

    // a viewer: the realtime channel (comment, likes) and the players in a second browser
    const { v } = await Viewer.join(t!.url, room);
    viewers.push(v);
    v.send({ type: 'chat', text: '主播好！这个茶怎么卖？' });
    v.send({ type: 'like', count: 7 });
    const flv = await play('flv', `${t!.url}/live/${room}.flv`);
    expect(flv.h).toBeGreaterThan(flv.w); // portrait room: the phone sends portrait video
    expect(flv.audioBytes).toBeGreaterThan(0);
    const hls = await play('hls', `${t!.url}/live/${room}/index.m3u8`);
    expect(hls.audioBytes).toBeGreaterThan(0);
    expect((await ffprobe(`${t!.url}/live/${room}.flv`)).codecs).toEqual(['aac', 'h264']);

    await page.waitForSelector('.an-comment >> text=这个茶怎么卖', { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('.an-likes')?.textContent === '7', undefined, { timeout: 15_000 });
    await page.waitForFunction(() => Number(document.querySelector('.an-viewers')?.textContent) >= 1, undefined, { timeout: 15_000 });
    expect(await page.textContent('.an-elapsed')).toMatch(/^\d+:\d\d$/);

    // present a product from the shelf: every viewer gets the card
    await page.click('[data-action=shelf]');
    await page.click(`.an-goods[data-goods-id="${goodsId}"] [data-action=present]`);
    const presented = await v.next('present', (m) => m.goods?.goods_id === goodsId, 10_000);
    expect(presented.goods?.name).toBe('明前龙井 250g');
    await page.waitForSelector(`.an-goods.is-presented[data-goods-id="${goodsId}"]`);
    await shot(page, 'anchor-phone-shelf');
    await page.click('[data-action=close-shelf]');
    await page.waitForSelector('.an-presented:not([hidden])', { timeout: 10_000 });

    // mute, back camera, lower quality: no renegotiation, the same WHIP session goes on
    await page.click('[data-action=mute]');
    expect(await page.getAttribute('[data-action=mute]', 'aria-pressed')).toBe('true');
    await page.click('[data-action=flip]');
    await page.selectOption('select[name=quality]', '540p');
    const keyframes = session.stats().video.keyframes;
    await waitUntil(() => session.stats().video.keyframes > keyframes, {
      timeoutMs: 15_000,
      what: 'video still flowing after flip and quality change',
    });
    expect(media.whip!.sessionCount).toBe(1);
    await page.waitForSelector('.an-toast', { state: 'hidden', timeout: 10_000 });
    await shot(page, 'anchor-phone-live');

    // End, with its confirmation: 103 for everyone, the phone stops publishing
    await page.click('[data-action=go-live]');
    expect(await page.textContent('.an-modal h2')).toMatch(/结束直播/);
    await page.click('.an-modal [data-action=confirm]');
    await page.waitForSelector('body[data-state=ended]', { timeout: 15_000 });
    expect(t!.z.services.rooms.cachedStatus(room)?.status).toBe(LiveStatus.Ended);
    await waitUntil(() => media.whip!.sessionCount === 0, { timeoutMs: 10_000, what: 'WHIP session gone' });
    expect(await page.evaluate(() => (window as unknown as AnchorWindow).__zhiboAnchor.wakeLock.held)).toBe(false);
    const causes = (await t!.z.services.rooms.auditLog(room)).map((e) => `${e.to_status}:${e.cause}:${e.actor}`);
    expect(causes).toEqual(['102:created:api', '101:publish_started:media', '103:anchor_ended:anchor']);

    const replay = await waitUntil(async () => (await t!.z.services.replays.notExpired(room)).find((r) => r.status === 'ready'), {
      timeoutMs: 30_000,
      what: 'the replay',
    });
    const s = sessions.get(replay.session_id)!;
    const liveSec = (s.stop! - s.start) / 1000;
    const probe = await ffprobe(t!.z.services.replays.mediaUrl(t!.url, room, replay.session_id));
    console.info(
      `anchor page live: ${liveSec.toFixed(2)} s (publishStart → publishStop); replay ffprobe ${probe.durationSec.toFixed(2)} s`,
    );
    expect(probe.codecs).toEqual(['aac', 'h264']);
    expect(Math.abs(probe.durationSec - liveSec)).toBeLessThanOrEqual(1);
  });

  it("a landscape room (screenType 1) captures landscape and asks to turn the phone; when the publisher's session drops (server side gone, as after a network loss) the page reconnects by itself: 101 → 106 → 101", async () => {
    const { c, room } = await setup({ screenType: 1 });
    const page = await phonePage(await scanQr(c, room));
    const size = await page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('video.an-preview')!;
      return { w: v.videoWidth, h: v.videoHeight };
    });
    expect(size.w).toBeGreaterThan(size.h);
    expect(await page.isVisible('.an-rotate')).toBe(true); // the phone viewport is upright
    await shot(page, 'anchor-phone-landscape-room');
    await goLive(page);
    await waitUntil(() => t!.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, {
      timeoutMs: 20_000,
      what: '101 from the phone',
    });
    const states: string[] = [];
    await page.exposeFunction('recordState', (s: string) => states.push(s));
    await page.evaluate(() =>
      (window as unknown as AnchorWindow).__zhiboAnchor.publisher!.on(
        'state',
        (s) => void (window as unknown as { recordState(s: string): Promise<void> }).recordState(s),
      ),
    );
    // The session vanishes on the server (as when the phone's network drops and the server times it out).
    expect(t!.z.services.media.kick(String(room), 'test: session dropped')).toBe(true);
    await waitUntil(() => t!.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Abnormal, { timeoutMs: 10_000, what: '106' });
    await waitUntil(() => t!.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, {
      timeoutMs: 60_000,
      what: '101 again after the reconnect',
    });
    await page.waitForSelector('body[data-state=live]', { timeout: 15_000 });
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('live');
    const causes = (await t!.z.services.rooms.auditLog(room)).map((e) => `${e.to_status}:${e.cause}`);
    expect(causes).toEqual(['102:created', '101:publish_started', '106:stream_lost', '101:publish_started']);
    expect(t!.z.services.media.whip!.sessionCount).toBe(1);
  });

  it("the console's go-live tab shows the phone QR code, the WHIP URL and OBS's WHIP settings beside RTMP", async () => {
    const { room } = await setup();
    const b = await launchBrowser();
    browsers.push(b);
    const page = await (await b.context('desktop')).newPage();
    await signIn(page, t!.url, 'phone-shop', 'correct horse battery');
    await page.goto(`${t!.url}/console/#/rooms/${room}`);
    await page.waitForSelector('[data-copy=whip-url]');
    expect(await page.textContent('[data-copy=whip-url]')).toBe(`${t!.url}/whip/${room}`);
    expect(await page.textContent('.card:has([data-copy=whip-url]) .obs')).toMatch(/^ServiceWHIPServer\S*\/whip\/\d+Bearer Token/);
    await page.click('[data-action=anchor-qr]');
    const src = await (await page.waitForSelector('.anchor-qr-img')).getAttribute('data-anchor-url');
    expect(src).toMatch(new RegExp(`/anchor/\\?room_id=${room}#ticket=`));
    await shot(page, 'console-room-golive-whip-desktop');
  });
});
