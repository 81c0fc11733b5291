/**
 * editroom changes only what it is given, create's WeChat defaults, errcodes as WeChat words them, the room switches
 * (public feed, replays, customer service) with their effect, and the two compatibility profiles.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PluginRoutes, TransitionCause } from '@zhibo/protocol';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, png, startServer, type TestServer } from './helpers.js';

const P = '/wxaapi/broadcast/room/';
const GLI = '/wxa/business/getliveinfo';
type Info = Record<string, unknown>;

describe.each(testDbKinds())('room fields and switches (WeChat API) on %s', (kind) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it("editroom keeps what it is not given (a landscape room with an avatar stays so); create follows WeChat's defaults; 300042 while pushing, 300001 when over", async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const avatar = (await t.api.upload(m.token, png(32, 32))).media_id as string;
    const now = Math.floor(t.clock.now() / 1000);
    const created = await t.api.post(
      `${P}create`,
      {
        name: '横屏直播间',
        coverImg: m.media,
        shareImg: m.media,
        anchorImg: avatar,
        startTime: now + 900,
        endTime: now + 4500,
        anchorName: '主播小王',
        anchorWechat: 'wx_anchor',
        screenType: 1,
      },
      { access_token: m.token },
    );
    expect(created.errcode).toBe(0);
    const room = created.roomId as number;
    const info = async () => ((await m.post(GLI, { start: 0, limit: 1 })).room_info as Info[])[0]!;
    const before = await info();
    // WeChat's documented defaults: replay and customer service closed, listed in the feeds, type 1 (push).
    expect(before).toMatchObject({
      screen_type: 1,
      close_replay: 1,
      close_kf: 1,
      is_feeds_public: 1,
      close_like: 0,
      live_type: 1,
      anchor_wechat: 'wx_anchor',
    });
    expect(before.anchor_img).toMatch(/\/img\//);
    // WeChat's edit sample (PowerWeChat sends these 16 fields, zeros included): no type, screenType or anchorImg.
    const edit = {
      id: room,
      name: '改过的直播间',
      coverImg: m.media,
      startTime: now + 1200,
      endTime: now + 4800,
      anchorName: '主播小李',
      anchorWechat: 'wx_anchor',
      shareImg: m.media,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 1,
      isFeedsPublic: 0,
      closeReplay: 0,
      closeShare: 0,
      closeKf: 1,
      feedsImg: m.media,
    };
    expect((await m.post(`${P}editroom`, edit)).errcode).toBe(0);
    expect(await info()).toMatchObject({
      name: '改过的直播间',
      anchor_name: '主播小李',
      screen_type: 1,
      anchor_img: before.anchor_img,
      close_comment: 1,
      is_feeds_public: 0,
      close_replay: 0,
      start_time: now + 1200,
    });
    // one field alone: the rest stays; an endTime alone is checked against the stored startTime
    expect((await m.post(`${P}editroom`, { id: room, closeLike: '1' })).errcode).toBe(0);
    expect(await info()).toMatchObject({ name: '改过的直播间', close_like: 1, close_comment: 1, screen_type: 1 });
    expect((await m.post(`${P}editroom`, { id: room, endTime: now + 1300 })).errcode).toBe(200002);
    expect(await m.post(`${P}editroom`, { name: '没有编号的直播间' })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter id must no be null',
    });
    await t.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'test');
    expect((await m.post(`${P}editroom`, { id: room, name: '直播中改名字' })).errcode).toBe(300042);
    await t.z.services.rooms.apply(room, TransitionCause.AnchorEnded, 'test');
    expect((await m.post(`${P}editroom`, { id: room, name: '结束后改名字' })).errcode).toBe(300001);
  });

  it("errcodes in WeChat's words: a missing image is 200002 'parameter X must no be null', media type 40004, never a doubled prefix", async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const now = Math.floor(t.clock.now() / 1000);
    const base = { name: '测试直播间', startTime: now + 900, endTime: now + 4500, anchorName: '主播小王', type: 1 };
    expect(await m.post(`${P}create`, { ...base, shareImg: m.media })).toEqual({
      errcode: 200002,
      errmsg: 'parameter coverImg must no be null',
    });
    expect(await m.post(`${P}create`, { ...base, coverImg: m.media })).toEqual({
      errcode: 200002,
      errmsg: 'parameter shareImg must no be null',
    });
    expect(await m.post(`${P}create`, { ...base, coverImg: m.media, shareImg: m.media, name: undefined })).toEqual({
      errcode: 200002,
      errmsg: 'parameter name must no be null',
    });
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(png())], { type: 'image/png' }), 'a.png');
    const voice = await (
      await fetch(`${t.url}/cgi-bin/media/upload?access_token=${m.token}&type=voice`, { method: 'POST', body: form })
    ).json();
    expect(voice).toEqual({ errcode: 40004, errmsg: 'invalid media type: type must be image' });
    const times = await m.post(`${P}create`, { ...base, coverImg: m.media, shareImg: m.media, endTime: now + 1000 });
    expect(times.errcode).toBe(200002);
    expect(String(times.errmsg)).not.toMatch(/invalid parameter: /);
  });

  it('updatefeedpublic lists a live room on /feeds/ and the feeds JSON only when its app opted in; 200002/300022 failures', async () => {
    t = await startServer(kind);
    const a = await merchant(t);
    const b = await merchant(t);
    const ra = await a.room({ name: '甲店直播间' });
    const rb = await b.room({ name: '乙店直播间' });
    const feed = async () =>
      ((await (await fetch(`${t!.url}${PluginRoutes.feeds}`)).json()) as { rooms: Array<{ roomId: number; link: string }> }).rooms.map(
        (r) => r.roomId,
      );
    await t.z.services.rooms.apply(ra, TransitionCause.PublishStarted, 'test');
    await t.z.services.rooms.apply(rb, TransitionCause.PublishStarted, 'test');
    expect(await feed()).toEqual([]); // nobody opted in
    await t.z.services.apps.updateSettings(a.appid, { feedsPublic: true });
    expect(await feed()).toEqual([ra]); // b did not opt in
    expect(await a.post(`${P}updatefeedpublic`, { roomId: ra, isFeedsPublic: 0 })).toMatchObject({ errcode: 0 });
    expect(await feed()).toEqual([]);
    expect(await a.post(`${P}updatefeedpublic`, { roomId: String(ra), isFeedsPublic: '1' })).toMatchObject({ errcode: 0 });
    const page = await fetch(`${t.url}/feeds/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('甲店直播间');
    expect(html).toContain(`/room/?room_id=${ra}`);
    expect(html).not.toContain('乙店直播间');
    expect(await a.post(`${P}updatefeedpublic`, { roomId: ra })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter isFeedsPublic must no be null',
    });
    expect(await a.post(`${P}updatefeedpublic`, { roomId: ra, isFeedsPublic: 2 })).toMatchObject({ errcode: 200002 });
    expect(await b.post(`${P}updatefeedpublic`, { roomId: ra, isFeedsPublic: 1 })).toMatchObject({ errcode: 300022 });
  });

  it('updatereplay closeReplay 1 hides replays from get_replay, the room page list and the files (404); 0 shows them again', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const file = join(t.dataDir, 'replay-test.mp4');
    writeFileSync(file, Buffer.alloc(2048, 7));
    await t.z.services.replays.recordingReady({
      roomId: room,
      sessionId: 'sess-1',
      file,
      startedAt: t.clock.now() - 60_000,
      endedAt: t.clock.now(),
      durationSec: 60,
    });
    const replay = () => m.post(GLI, { action: 'get_replay', room_id: room, start: 0, limit: 10 });
    const plugin = async () =>
      ((await (await fetch(`${t!.url}${PluginRoutes.replays}?room_id=${room}`)).json()) as { replays: unknown[] }).replays.length;
    expect(await replay()).toMatchObject({ errcode: 0, total: 1 });
    expect(await plugin()).toBe(1);
    expect((await fetch(`${t.url}/replay/${room}/sess-1.mp4`)).status).toBe(200);
    expect(await m.post(`${P}updatereplay`, { closeReplay: 1, roomId: room })).toMatchObject({ errcode: 0 });
    expect(await replay()).toMatchObject({ errcode: 0, total: 0, live_replay: [] });
    expect(await plugin()).toBe(0);
    expect((await fetch(`${t.url}/replay/${room}/sess-1.mp4`)).status).toBe(404);
    expect(await m.post(`${P}updatereplay`, { closeReplay: 0, roomId: room })).toMatchObject({ errcode: 0 });
    expect(await replay()).toMatchObject({ total: 1 });
    expect(await m.post(`${P}updatereplay`, { closeReplay: 1, roomId: 424242 })).toMatchObject({ errcode: 300022 });
  });

  it('updatekf closeKf 0 shows the customer-service URL to the room page; 300038 without a kfUrl; closeKf 1 hides it', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const kf = async () => ((await (await fetch(`${t!.url}${PluginRoutes.room}?room_id=${room}`)).json()) as { kfUrl: string }).kfUrl;
    expect(await kf()).toBe('');
    expect(await m.post(`${P}updatekf`, { closeKf: 0, roomId: room })).toMatchObject({ errcode: 300038 });
    await t.z.services.apps.updateSettings(m.appid, { kfUrl: 'https://shop.example.com/help' });
    expect(await kf()).toBe(''); // the room still has it closed (the default)
    expect(await m.post(`${P}updatekf`, { closeKf: 0, roomId: room })).toMatchObject({ errcode: 0 });
    expect(await kf()).toBe('https://shop.example.com/help');
    expect(((await m.post(GLI, { start: 0, limit: 1 })).room_info as Info[])[0]).toMatchObject({ close_kf: 0 });
    expect(await m.post(`${P}updatekf`, { closeKf: 1, roomId: room })).toMatchObject({ errcode: 0 });
    expect(await kf()).toBe('');
    expect(await m.post(`${P}updatekf`, { roomId: room })).toMatchObject({ errcode: 200002, errmsg: 'parameter closeKf must no be null' });
  });

  it('compat profile: seed answers errcode 1 for no room and 500 calls a day; current answers 9410000 with empty lists and 100000 a day', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    expect(await m.post(GLI, { start: 0, limit: 10 })).toMatchObject({ errcode: 1 });
    await t.z.services.apps.updateSettings(m.appid, { compat: 'current' });
    expect(await m.post(GLI, { start: 0, limit: 10 })).toEqual({
      errcode: 9410000,
      errmsg: 'empty room list',
      room_info: [],
      live_replay: [],
    });
    // 600 calls: past the seed's 500, within current's 100000
    const codes = await Promise.all(Array.from({ length: 600 }, () => m.post(GLI, { start: 0, limit: 10 }).then((r) => r.errcode)));
    expect(codes.filter((c) => c === 45009)).toEqual([]);
    await m.room();
    expect(await m.post(GLI, { start: 0, limit: 10 })).toMatchObject({ errcode: 0, total: 1 });
    await t.z.services.apps.updateSettings(m.appid, { compat: 'seed' });
    expect(await m.post(GLI, { start: 0, limit: 10 })).toMatchObject({ errcode: 45009 });
    await expect(t.z.services.apps.updateSettings(m.appid, { compat: 'newest' })).rejects.toThrow(/compat must be one of seed, current/);
  });
});
