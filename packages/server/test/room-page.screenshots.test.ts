/**
 * Screenshots of the room page for docs/room-page.md (phone 390×844 and desktop 1366×768):
 * `ZHIBO_SCREENSHOTS=1 npx vitest run packages/server/test/room-page.screenshots.test.ts`.
 * A real stream (ffmpeg → RTMP), real chat from other viewers, a presented product, real replays.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TransitionCause } from '@zhibo/protocol';
import { waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { launchBrowser, openRoom, type TestBrowser } from './room-page-helpers.js';
import { Viewer } from './realtime-helpers.js';

const OUT = fileURLToPath(
  new URL(process.env.ZHIBO_SCREENSHOTS === '1' ? '../../../docs/screenshots/' : '../../../test-artifacts/screenshots/', import.meta.url),
);
const FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

/** A PNG drawn by ffmpeg: a two-colour gradient with a big character. */
function art(w: number, h: number, c0: string, c1: string, text: string, size: number): Buffer {
  const vf =
    `gradients=s=${w}x${h}:c0=${c0}:c1=${c1}:nb_colors=2:x0=0:y0=0:x1=${w}:y1=${h}:speed=0.00001` +
    (text ? `,drawtext=fontfile=${FONT}:text=${text}:fontsize=${size}:fontcolor=white@0.92:x=(w-tw)/2:y=(h-th)/2` : '');
  const r = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', vf, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'],
    { maxBuffer: 32 << 20 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg art: ${String(r.stderr)}`);
  return r.stdout;
}

/** A portrait "tea shop" live stream. */
function pushScene(url: string) {
  const vf =
    `gradients=s=720x1280:c0=0x3e2723:c1=0xd7a86e:nb_colors=2:x0=0:y0=0:x1=720:y1=1280:speed=0.004,` +
    `drawbox=x=60:y=840:w=600:h=240:color=0x5d4037@0.9:t=fill,drawbox=x=250:y=640:w=220:h=200:color=0xf5f5dc@0.95:t=fill,` +
    `drawbox=x=300:y=600:w=120:h=40:color=0xf5f5dc@0.95:t=fill,` +
    `drawtext=fontfile=${FONT}:text=明前龙井 · 新茶上市:fontsize=54:fontcolor=white:x=(w-tw)/2:y=330:shadowx=2:shadowy=2,` +
    `drawtext=fontfile=${FONT}:text=今日直播间专享价:fontsize=34:fontcolor=0xffe0b2:x=(w-tw)/2:y=410`;
  const p = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `${vf},format=yuv420p`,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:sample_rate=44100',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-r',
      '25',
      '-g',
      '50',
      '-b:v',
      '900k',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      url,
    ],
    { stdio: 'ignore' },
  );
  return { stop: () => new Promise<void>((r) => (p.exitCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGINT')))) };
}

const shot = async (p: Page, name: string) => {
  await p.waitForTimeout(450); // let entry animations settle (screenshots only; no assertion depends on it)
  await p.screenshot({ path: `${OUT}${name}.png` });
};
const status = (p: Page, s: number) =>
  p.waitForFunction((w) => document.querySelector<HTMLElement>('.zb-room')?.dataset.status === String(w), s, { timeout: 30_000 });

describe('room page screenshots', () => {
  let t: TestServer;
  let b: TestBrowser;
  const bots: Viewer[] = [];
  afterAll(async () => {
    for (const v of bots) v.close();
    await b?.close();
    await t?.cleanup();
  });

  it('takes the screenshots', { timeout: 240_000 }, async () => {
    mkdirSync(OUT, { recursive: true });
    t = await startServer();
    b = await launchBrowser();
    const m = await merchant(t);
    const up = async (png: Buffer) => (await t.api.upload(m.token, png)).media_id as string;
    const cover = await up(art(540, 960, '0x4e342e', '0xffcc80', '', 0));
    const avatar = await up(art(120, 120, '0xff7043', '0xffca28', '王', 64));
    const nowSec = Math.floor(t.clock.now() / 1000);
    const mkRoom = (name: string, start = 754) =>
      m.room({
        name,
        coverImg: cover,
        shareImg: cover,
        anchorImg: avatar,
        anchorName: '茶农小王',
        startTime: nowSec + start,
        endTime: nowSec + 7200,
      });
    const room = await mkRoom('明前龙井开采季 · 产地直播');
    const goods = [
      await m.goods({
        coverImgUrl: await up(art(300, 300, '0x1b5e20', '0xc8e6c9', '茶', 150)),
        name: '明前龙井 250g 礼盒',
        priceType: 3,
        price: 268,
        price2: 198,
        url: 'pages/goods/detail?id=1',
      }),
      await m.goods({
        coverImgUrl: await up(art(300, 300, '0x6d4c41', '0xd7ccc8', '杯', 150)),
        name: '手作粗陶茶杯',
        priceType: 2,
        price: 39,
        price2: 59.9,
        url: 'pages/goods/detail?id=2',
      }),
      await m.goods({
        coverImgUrl: await up(art(300, 300, '0x37474f', '0xb0bec5', '具', 150)),
        name: '便携旅行茶具套装',
        priceType: 1,
        price: 129,
        url: 'pages/goods/detail?id=3',
      }),
      await m.goods({
        coverImgUrl: await up(art(300, 300, '0x827717', '0xf0f4c3', '罐', 150)),
        name: '锡制密封茶叶罐',
        priceType: 1,
        price: 88,
        url: 'pages/goods/detail?id=4',
      }),
    ];
    await m.post('/wxaapi/broadcast/room/addgoods', { ids: goods, roomId: room });
    await t.z.services.apps.updateSettings(m.appid, { goodsBaseUrl: 'https://shop.example.com/', homeUrl: 'https://shop.example.com/' });

    const phone = await b.context('phone');
    const page = await openRoom(phone, `${t.url}/room/?room_id=${room}`);
    await status(page, 102);
    await page.waitForSelector('.zb-ov-102 zhibo-subscribe');
    await shot(page, 'room-102');

    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    let pusher = pushScene(pushAddr as string);
    await status(page, 101);
    await page.waitForFunction(() => (window.__zhiboRoom?.debug().currentTime ?? 0) > 1.5, undefined, { timeout: 30_000 });
    const lines: Array<[string, string]> = [
      ['小鹿', '主播好！今年的新茶什么时候发货？'],
      ['茶友老张', '去年买过，回购了'],
      ['Mia', '杯子有别的颜色吗'],
      ['阿杰', '已下单，坐等发货'],
      ['小鹿', '求讲解一下冲泡水温'],
      ['茶友老张', '礼盒适合送长辈吗'],
    ];
    for (const [nick, text] of lines) {
      let v = bots.find((x) => (x as unknown as { nick?: string }).nick === nick);
      if (!v) {
        v = (await Viewer.join(t.url, room, { nick })).v;
        (v as unknown as { nick: string }).nick = nick;
        bots.push(v);
      }
      v.send({ type: 'chat', text });
      await v.next('chat', (c) => c.text === text);
    }
    for (const v of bots) v.send({ type: 'like', count: 40 });
    await t.z.services.interaction.present(m.appid, room, goods[0]);
    await page.waitForSelector('.zb-present:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('.zb-chat .zb-text').length >= 6);
    for (let i = 0; i < 6; i++) await page.click('.zb-like');
    await shot(page, 'room-live');
    await page.click('.zb-bag');
    await page.waitForSelector('.zb-sheet[data-open=true]');
    await shot(page, 'room-live-goods');
    await page.click('.zb-backdrop', { position: { x: 20, y: 100 } });

    const desk = await b.context('desktop');
    const dp = await openRoom(desk, `${t.url}/room/?room_id=${room}`);
    await dp.waitForFunction(() => (window.__zhiboRoom?.debug().currentTime ?? 0) > 1.5, undefined, { timeout: 30_000 });
    await dp.waitForSelector('.zb-present:not([hidden])');
    await shot(dp, 'room-desktop');
    await desk.close();

    await t.z.services.rooms.apply(room, TransitionCause.Paused, 'test');
    await status(page, 105);
    await shot(page, 'room-105');
    await t.z.services.rooms.apply(room, TransitionCause.Resumed, 'test');
    await status(page, 101);
    await pusher.stop();
    await status(page, 106);
    await shot(page, 'room-106');
    pusher = pushScene(pushAddr as string);
    await status(page, 101);
    await page.waitForTimeout(4000); // a few seconds of recording for the replay
    await t.z.services.rooms.apply(room, TransitionCause.AnchorEnded, 'test');
    await pusher.stop();
    await status(page, 103);
    await waitUntil(async () => (await t.z.db.query(`SELECT 1 FROM replays WHERE room_id = $1 AND status = 'ready'`, [room])).length > 0, {
      timeoutMs: 60_000,
      what: 'a ready replay',
    });
    await page.reload(); // the overlay polls for replays every 10 s; a reload shows it now
    // 103: the replay page (issue 15) takes over once the live's one replay is ready
    await page.waitForSelector('.zb-rp[data-state="ready"]', { timeout: 60_000 });
    await page
      .waitForFunction(() => (document.querySelector<HTMLVideoElement>('.zb-rp-video')?.readyState ?? 0) >= 1, undefined, {
        timeout: 20_000,
      })
      .catch(() => undefined);
    await shot(page, 'room-103');

    const banned = await mkRoom('夜场直播');
    await t.z.services.rooms.apply(banned, TransitionCause.Banned, 'test');
    await page.goto(`${t.url}/room/?room_id=${banned}`);
    await status(page, 104);
    await shot(page, 'room-104');
    const expired = await mkRoom('周末品鉴会');
    await t.z.services.rooms.apply(expired, TransitionCause.PlanExpired, 'test');
    await page.goto(`${t.url}/room/?room_id=${expired}`);
    await status(page, 107);
    await shot(page, 'room-107');
    await phone.close();
  });
});
