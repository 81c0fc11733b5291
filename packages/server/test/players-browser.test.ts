import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { launchBrowser, pushTestStream, type TestBrowser, type Pusher, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const require = createRequire(import.meta.url);
const MPEGTS = readFileSync(require.resolve('mpegts.js/dist/mpegts.js'), 'utf8');
const HLS = readFileSync(require.resolve('hls.js/dist/hls.min.js'), 'utf8');

declare global {
  interface Window {
    mpegts: {
      createPlayer(
        o: Record<string, unknown>,
        c?: Record<string, unknown>,
      ): { attachMediaElement(v: HTMLVideoElement): void; load(): void; play(): Promise<void> };
    };
    Hls: new (c?: Record<string, unknown>) => { loadSource(u: string): void; attachMedia(v: HTMLVideoElement): void };
  }
}

/** Real players in Debian's Chromium: mpegts.js (HTTP-FLV, WS-FLV) and hls.js play our live stream. */
describe('browser players on a live stream (issue 3 acceptance)', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let pusher: Pusher;
  let room = 0;
  beforeAll(async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    room = await m.room();
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    pusher = pushTestStream(pushAddr as string);
    await waitUntil(() => t.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, { timeoutMs: 15_000 });
    browser = await launchBrowser();
    mkdirSync('test-artifacts', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await pusher?.stop();
    await t?.cleanup();
  });

  const played = async (setup: (url: string) => void, url: string, shot: string, requests: string[] = []) => {
    const page = await (await browser.context('desktop')).newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent('<video id="v" muted autoplay playsinline width="640" height="360"></video>');
    await page.addScriptTag({ content: MPEGTS });
    await page.addScriptTag({ content: HLS });
    await page.evaluate(setup, url);
    const t0 = Date.now();
    await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime > 1.5, undefined, { timeout: 20_000 });
    const size = await page.evaluate(() => {
      const v = document.getElementById('v') as HTMLVideoElement;
      return { w: v.videoWidth, h: v.videoHeight };
    });
    await page.screenshot({ path: `test-artifacts/${shot}.png` });
    await page.close();
    return { size, ms: Date.now() - t0 };
  };

  it('mpegts.js plays HTTP-FLV (currentTime advances)', async () => {
    const r = await played(
      (url) => {
        const p = window.mpegts.createPlayer({ type: 'flv', isLive: true, url }, { enableStashBuffer: false });
        p.attachMediaElement(document.getElementById('v') as HTMLVideoElement);
        p.load();
        void p.play();
      },
      `${t.url}/live/${room}.flv`,
      'player-http-flv',
    );
    expect(r.size).toEqual({ w: 640, h: 360 });
  });

  it('mpegts.js plays WS-FLV (currentTime advances)', async () => {
    const r = await played(
      (url) => {
        const p = window.mpegts.createPlayer({ type: 'flv', isLive: true, url }, { enableStashBuffer: false });
        p.attachMediaElement(document.getElementById('v') as HTMLVideoElement);
        p.load();
        void p.play();
      },
      `${t.url.replace('http', 'ws')}/live/${room}.flv`,
      'player-ws-flv',
    );
    expect(r.size).toEqual({ w: 640, h: 360 });
  });

  it('hls.js plays the LL-HLS playlist with parts and blocking reloads (currentTime advances)', async () => {
    await waitUntil(async () => (await fetch(`${t.url}/live/${room}/index.m3u8`)).ok, { timeoutMs: 15_000 });
    const requests: string[] = [];
    const r = await played(
      (url) => {
        const h = new window.Hls({ lowLatencyMode: true });
        h.loadSource(url);
        h.attachMedia(document.getElementById('v') as HTMLVideoElement);
        void (document.getElementById('v') as HTMLVideoElement).play();
      },
      `${t.url}/live/${room}/index.m3u8`,
      'player-hls',
      requests,
    );
    expect(r.size).toEqual({ w: 640, h: 360 });
    expect(requests.some((u) => /index\.m3u8\?_HLS_msn=\d+&_HLS_part=\d+/.test(u))).toBe(true);
    expect(requests.some((u) => /\/live\/\d+\/[\w-]+-p\d+\.\d+\.m4s$/.test(u))).toBe(true);
  });
});
