/**
 * Issue 15 acceptance with a real ffmpeg live: product A presented at ~3 s, B at ~8 s, the end at ~12 s → one replay
 * with two markers at those times (±1 s); goods/getVideo for A gives a ~5 s clip (±1 s) that plays in Chromium; the
 * replay page on a phone, jumping to B, shows B's explanation; the chat replay hides deleted comments and muted
 * viewers. The phone screenshot goes to docs/screenshots with ZHIBO_SCREENSHOTS=1.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStatus, type PluginReplayChatResponse, type PluginReplayResponse } from '@zhibo/protocol';
import { ffprobe, launchBrowser, pushTestStream, type Pusher, type TestBrowser, waitUntil } from '@zhibo/testkit';
import { Role } from '../src/modules/console/index.js';
import { shot, signIn } from './console-browser-helpers.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

/** A product picture drawn by ffmpeg: a gradient with a big character (the screenshots show real-looking goods). */
function art(c0: string, c1: string, text: string): Buffer {
  const font = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
  const vf = `gradients=s=300x300:c0=${c0}:c1=${c1}:nb_colors=2:x0=0:y0=0:x1=300:y1=300:speed=0.00001,drawtext=fontfile=${font}:text=${text}:fontsize=150:fontcolor=white@0.92:x=(w-tw)/2:y=(h-th)/2`;
  const r = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', vf, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'],
    { maxBuffer: 16 << 20 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg art: ${String(r.stderr)}`);
  return r.stdout;
}

const OUT = fileURLToPath(
  new URL(process.env.ZHIBO_SCREENSHOTS === '1' ? '../../../docs/screenshots/' : '../../../test-artifacts/screenshots/', import.meta.url),
);

describe('one replay per live with markers, clips and the chat replay (real ffmpeg, Chromium)', () => {
  let t: TestServer;
  let b: TestBrowser | undefined;
  let pusher: Pusher | undefined;
  let tick: ReturnType<typeof setInterval> | undefined;
  const viewers: Viewer[] = [];
  afterAll(async () => {
    clearInterval(tick);
    for (const v of viewers) v.close();
    await pusher?.stop();
    await b?.close();
    await t?.cleanup();
  });

  it(
    'present A at ~3 s and B at ~8 s, end at ~12 s: two markers, a ~5 s clip of A, the replay page jumps to B',
    { timeout: 180_000 },
    async () => {
      t = await startServer('pglite', { env: { ZHIBO_STALL_TIMEOUT_MS: '2000' } });
      // the server's clock follows the wall clock here: media stamps segments with it, the merchant's presents too
      t.clock.set(Date.now());
      tick = setInterval(() => t.clock.set(Date.now()), 20);
      const m = await merchant(t);
      const room = await m.room({ name: '回放看点测试' });
      const pic = async (c0: string, c1: string, text: string) => (await t.api.upload(m.token, art(c0, c1, text))).media_id as string;
      const a = await m.goods({
        name: '明前龙井',
        price: 98,
        url: 'pages/goods/detail?id=1',
        coverImgUrl: await pic('0x1b5e20', '0xc8e6c9', '茶'),
      });
      const bGoods = await m.goods({
        name: '粗陶茶杯',
        price: 39,
        url: 'pages/goods/detail?id=2',
        coverImgUrl: await pic('0x6d4c41', '0xd7ccc8', '杯'),
      });
      const never = await m.goods({ name: '茶叶罐', price: 88, url: 'pages/goods/detail?id=3' });
      expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [a, bGoods, never], roomId: room })).errcode).toBe(0);
      const status = () => t.z.services.rooms.cachedStatus(room)?.status;
      const getVideo = (goodsId: number) => m.post('/wxaapi/broadcast/goods/getVideo', { roomId: room, goodsId });
      expect((await getVideo(a)).errcode).toBe(300044); // nothing presented yet

      const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
      pusher = pushTestStream(pushAddr as string, { gopSeconds: 1 });
      await waitUntil(() => status() === LiveStatus.Live, { timeoutMs: 15_000, what: '101 after publish' });
      const [seg] = await t.z.db.query<{ clock_started_at: number }>('SELECT clock_started_at FROM replays WHERE room_id = $1', [room]);
      const t0 = seg!.clock_started_at;
      const at = (sec: number) =>
        waitUntil(() => Date.now() >= t0 + sec * 1000, { timeoutMs: sec * 1000 + 5000, intervalMs: 20, what: `${sec} s into the live` });

      const { v: fan } = await Viewer.join(t.url, room, { nick: '茶友老张' });
      const { v: troll } = await Viewer.join(t.url, room, { nick: '捣乱的' });
      viewers.push(fan, troll);
      const say = async (v: Viewer, text: string) => {
        v.send({ type: 'chat', text });
        return (await v.next('chat', (c) => c.text === text)).id;
      };
      await at(1.5);
      await say(fan, '主播好，今年的新茶什么时候发货？');
      const deleted = await say(fan, '这条会被删掉');
      await say(troll, '广告广告');
      expect((await m.post('/wxaapi/broadcast/room/deletecomment', { roomId: room, commentId: deleted })).errcode).toBe(0);
      expect(
        (await m.post('/wxaapi/broadcast/room/mute', { roomId: room, openid: troll.all('welcome')[0]!.openid, mute: 1 })).errcode,
      ).toBe(0);
      await at(3);
      expect((await m.post('/wxaapi/broadcast/goods/push', { roomId: room, goodsId: a })).errcode).toBe(0);
      expect((await getVideo(a)).errcode).toBe(300045); // presented: made once the live has ended
      await at(5);
      await say(fan, '龙井看着不错');
      await at(8);
      expect((await m.post('/wxaapi/broadcast/goods/push', { roomId: room, goodsId: bGoods })).errcode).toBe(0);
      await at(9.5);
      await say(fan, '杯子有别的颜色吗');
      await at(12);
      const end = await fetch(`${t.url}/admin/api/rooms/${room}/end`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.z.services.adminToken}` },
      });
      expect(await end.json()).toMatchObject({ live_status: 103 });
      clearInterval(tick);

      // the one replay: ready seconds after the end, two markers where the presents were
      const replay = await waitUntil(
        async () => {
          const r = (await (await fetch(`${t.url}/api/plugin/v1/replay?room_id=${room}`)).json()) as PluginReplayResponse;
          return r.state === 'ready' && r.markers.every((x) => x.clip_url) ? r : undefined;
        },
        { timeoutMs: 60_000, what: 'the replay with its clips' },
      );
      expect(replay.markers.map((x) => x.goods_id)).toEqual([a, bGoods]);
      const [ma, mb] = replay.markers;
      expect(Math.abs(ma!.start - 3)).toBeLessThanOrEqual(1);
      expect(Math.abs(ma!.end - 8)).toBeLessThanOrEqual(1);
      expect(Math.abs(mb!.start - 8)).toBeLessThanOrEqual(1);
      expect(Math.abs(mb!.end - 12)).toBeLessThanOrEqual(1);
      expect(mb!.goods?.name).toBe('粗陶茶杯');
      const whole = await ffprobe(replay.media_url!);
      expect(whole.codecs).toEqual(['aac', 'h264']);
      expect(Math.abs(whole.durationSec - 12)).toBeLessThanOrEqual(1);
      expect(Math.abs(replay.duration_sec! - whole.durationSec)).toBeLessThan(0.5);

      // goods/getVideo: A's clip is ~5 s, served with range requests; B's exists; a product never presented has none
      const va = await getVideo(a);
      expect(va).toMatchObject({ errcode: 0 });
      const clip = await ffprobe(va.url as string);
      expect(clip.codecs).toEqual(['aac', 'h264']);
      expect(Math.abs(clip.durationSec - 5)).toBeLessThanOrEqual(1);
      const ranged = await fetch(va.url as string, { headers: { range: 'bytes=0-99' } });
      expect(ranged.status).toBe(206);
      expect((await getVideo(bGoods)).errcode).toBe(0);
      expect((await getVideo(never)).errcode).toBe(300044);

      // the chat replay: comments and presents at their times; the deleted comment and the muted viewer's are not there
      const chat = (await (
        await fetch(`${t.url}/api/plugin/v1/replay-chat?room_id=${room}&from=0&to=600`)
      ).json()) as PluginReplayChatResponse;
      const texts = chat.items.flatMap((i) => (i.kind === 'comment' ? [i.text] : []));
      expect(texts).toEqual(['主播好，今年的新茶什么时候发货？', '龙井看着不错', '杯子有别的颜色吗']);
      const presents = chat.items.filter((i) => i.kind === 'present');
      expect(presents.map((p) => p.kind === 'present' && p.name)).toEqual(['明前龙井', '粗陶茶杯']);
      const colour = chat.items.find((i) => i.kind === 'comment' && i.text === '杯子有别的颜色吗')!;
      expect(Math.abs(colour.t - 9.5)).toBeLessThanOrEqual(1);
      // a window shows only what was said in it
      const later = (await (
        await fetch(`${t.url}/api/plugin/v1/replay-chat?room_id=${room}&from=${colour.t - 0.2}&to=${colour.t + 2}`)
      ).json()) as PluginReplayChatResponse;
      expect(later.items.map((i) => (i.kind === 'comment' ? i.text : i.kind))).toEqual(['杯子有别的颜色吗']);
      for (const q of ['from=0&to=601', 'from=5&to=5', 'from=-1&to=5', 'from=0', 'from=a&to=3']) {
        const bad = await fetch(`${t.url}/api/plugin/v1/replay-chat?room_id=${room}&${q}`);
        expect([q, bad.status]).toEqual([q, 400]);
      }

      // Chromium plays A's clip
      b = await launchBrowser();
      const phone = await b.context('phone');
      const page = await phone.newPage();
      await page.goto(`${t.url}/room/?room_id=${room}`);
      const played = await page.evaluate(async (src) => {
        const v = document.createElement('video');
        v.muted = true;
        v.src = src;
        document.body.append(v);
        await v.play();
        await new Promise<void>((r) => {
          const check = () => (v.currentTime > 1 ? r() : setTimeout(check, 50));
          check();
        });
        const out = { t: v.currentTime, w: v.videoWidth, duration: v.duration };
        v.remove();
        return out;
      }, va.url as string);
      expect(played.w).toBe(640);
      expect(Math.abs(played.duration - clip.durationSec)).toBeLessThan(0.5);

      // the replay page: the one replay plays, the markers are on the shelf, jumping to B shows B's explanation
      await page.waitForSelector('.zb-rp[data-state="ready"]', { timeout: 20_000 });
      await page.waitForSelector(`.zb-rp-marker[data-goods-id="${bGoods}"]`);
      await page.click(`.zb-rp-marker[data-goods-id="${bGoods}"] .zb-rp-jump`);
      await page.waitForFunction(
        (s) => {
          const v = document.querySelector<HTMLVideoElement>('.zb-rp-video');
          return !!v && v.currentTime >= s - 0.5 && v.readyState >= 2;
        },
        mb!.start,
        { timeout: 20_000 },
      );
      await page.waitForSelector(`.zb-rp-now[data-goods-id="${bGoods}"]:not([hidden])`, { timeout: 10_000 });
      expect(await page.textContent('.zb-rp-now')).toContain('粗陶茶杯');
      // the chat replay shows what was said up to there, not the hidden lines
      await page.waitForFunction(
        () => [...document.querySelectorAll('.zb-rp-chat .zb-text')].some((e) => e.textContent === '龙井看着不错'),
        undefined,
        { timeout: 10_000 },
      );
      const shown = await page.$$eval('.zb-rp-chat .zb-text', (els) => els.map((e) => e.textContent));
      expect(shown).not.toContain('这条会被删掉');
      expect(shown).not.toContain('广告广告');
      mkdirSync(OUT, { recursive: true });
      // a little after the last comment: it is in the chat replay too, and the picture is taken there
      await page.waitForFunction(
        (after) => (document.querySelector<HTMLVideoElement>('.zb-rp-video')?.currentTime ?? 0) > after,
        colour.t + 0.3,
        { timeout: 10_000 },
      );
      await page.evaluate(() => document.querySelector<HTMLVideoElement>('.zb-rp-video')?.pause());
      await page.waitForFunction(
        () => [...document.querySelectorAll('.zb-rp-chat .zb-text')].some((e) => e.textContent === '杯子有别的颜色吗'),
        undefined,
        { timeout: 10_000 },
      );
      await page.screenshot({ path: `${OUT}replay-phone.png` });
      // the toggle hides the chat replay
      await page.click('.zb-rp-chat-toggle');
      expect(await page.isHidden('.zb-rp-chat')).toBe(true);
      // A's card plays its explanation clip over the (paused) replay
      await page.click(`.zb-rp-marker[data-goods-id="${a}"] .zb-rp-clip`);
      await page.waitForFunction(
        (src) => {
          const v = document.querySelector<HTMLVideoElement>('.zb-rp-clipbox:not([hidden]) video');
          return !!v && v.src === src && v.currentTime > 0.5;
        },
        va.url as string,
        { timeout: 15_000 },
      );
      expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>('.zb-rp-video')!.paused)).toBe(true);
      await page.click('.zb-rp-clip-close');
      expect(await page.isHidden('.zb-rp-clipbox')).toBe(true);

      // a merchant's goods page plays it through the SDK: <zhibo-explanation> (nothing at all for a product without one)
      const shopPage = await phone.newPage();
      await shopPage.setContent(`<script src="${t.url}/sdk/zhibo-sdk.js" data-server="${t.url}"></script>
      <zhibo-explanation id="a" room-id="${room}" goods-id="${a}"></zhibo-explanation><zhibo-explanation id="n" room-id="${room}" goods-id="${never}"></zhibo-explanation>`);
      await shopPage.waitForFunction(
        () =>
          (document.querySelector('#a')?.shadowRoot?.querySelector('video')?.readyState ?? 0) >= 1 &&
          document.querySelector<HTMLElement>('#n')?.hidden,
      );
      expect(await shopPage.evaluate(() => document.querySelector('#a')!.shadowRoot!.querySelector('video')!.src)).toBe(va.url);

      // the console after the live: the markers with their clips, and the orders two sharers brought in the numbers
      const [s1, s2] = ['dev-sharer-one', 'dev-sharer-two'].map((id) => t.z.services.identity.openid(m.appid, { kind: 'device', id }));
      const buyer = fan.all('welcome')[0]!.openid;
      expect(
        (
          await m.post('/wxaapi/broadcast/order/report', {
            order_id: 'A-1',
            room_id: room,
            goods_id: a,
            openid: buyer,
            share_openid: s1,
            amount: 9800,
          })
        ).errcode,
      ).toBe(0);
      expect(
        (
          await m.post('/wxaapi/broadcast/order/report', {
            order_id: 'B-1',
            room_id: room,
            goods_id: bGoods,
            share_openid: s2,
            amount: 3900,
          })
        ).errcode,
      ).toBe(0);
      await t.z.services.accounts.create({ login: 'operator', name: 'Operator', role: Role.Operator, password: 'correct horse battery' });
      const desk = await b.context('desktop');
      const cp = await desk.newPage();
      await signIn(cp, t.url, 'operator', 'correct horse battery');
      await cp.goto(`${t.url}/console/#/rooms/${room}/replays`);
      await cp.waitForFunction(() => document.querySelectorAll('.highlights table.markers tbody tr').length === 2, undefined, {
        timeout: 15_000,
      });
      await shot(cp, 'console-highlights');
      await cp.goto(`${t.url}/console/#/rooms/${room}/numbers`);
      await cp.waitForSelector('[data-section=sales] .sales-sharers');
      expect(await cp.textContent('[data-section=sales] .stat-grid')).toContain('¥137.00');
      await shot(cp, 'console-sales');
      // and the replay page on a desktop
      const dp = await desk.newPage();
      await dp.goto(`${t.url}/room/?room_id=${room}`);
      await dp.waitForSelector('.zb-rp[data-state="ready"]');
      await dp.click(`.zb-rp-marker[data-goods-id="${a}"] .zb-rp-jump`);
      await dp.waitForFunction(() => (document.querySelector<HTMLVideoElement>('.zb-rp-video')?.currentTime ?? 0) > 5.5, undefined, {
        timeout: 15_000,
      });
      await dp.evaluate(() => document.querySelector<HTMLVideoElement>('.zb-rp-video')?.pause());
      await dp.screenshot({ path: `${OUT}replay-desktop.png` });
    },
  );
});
