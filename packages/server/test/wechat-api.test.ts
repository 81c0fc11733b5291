import { afterEach, describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const GLI = '/wxa/business/getliveinfo';
// jsqr is CommonJS with an ES-style default export: take whichever shape the loader gives.
type JsQR = (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;

describe.each(testDbKinds())('WeChat API on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => t?.cleanup());

  it('S-API-5: /cgi-bin/token answers a token, and WeChat errcodes for every bad input', async () => {
    t = await startServer(kind);
    const { appid, appsecret } = await t.z.services.apps.create('shop');
    const ok = await t.api.get('/cgi-bin/token', { grant_type: 'client_credential', appid, secret: appsecret });
    expect(Object.keys(ok)).toEqual(['access_token', 'expires_in']);
    expect(ok.expires_in).toBe(7200);
    expect((await t.api.get('/cgi-bin/token', { grant_type: 'client_credential', appid: 'wxnope', secret: appsecret })).errcode).toBe(
      40013,
    );
    expect((await t.api.get('/cgi-bin/token', { grant_type: 'client_credential', appid, secret: 'wrong' })).errcode).toBe(40125);
    expect((await t.api.get('/cgi-bin/token', { grant_type: 'password', appid, secret: appsecret })).errcode).toBe(40002);
    expect((await t.api.get('/cgi-bin/token', { grant_type: 'client_credential', secret: appsecret })).errcode).toBe(40013);
    expect((await t.api.post(GLI, { start: 0, limit: 10 })).errcode).toBe(41001);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: 'bogus' })).errcode).toBe(40001);
    t.clock.advance(7201_000);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: ok.access_token as string })).errcode).toBe(42001);
  });

  it('S-API-5: a new token replaces the old one after a 5-minute overlap', async () => {
    t = await startServer(kind);
    const { appid, appsecret } = await t.z.services.apps.create('shop');
    const first = await t.api.token(appid, appsecret);
    const second = await t.api.token(appid, appsecret);
    expect(second).not.toBe(first);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: first })).errcode).toBe(1);
    t.clock.advance(301_000);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: first })).errcode).toBe(42001);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: second })).errcode).toBe(1);
  });

  it('S-API-2: getliveinfo answers errcode 1 when the app has created no room', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    expect(await m.post(GLI, { start: 0, limit: 10 })).toMatchObject({ errcode: 1 });
  });

  it('S-API-1: getliveinfo returns rooms in the seed shape, newest start_time first, with goods in fen', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const early = await m.room({ name: '早场直播间' });
    const late = await m.room({
      name: '晚场直播间',
      startTime: Math.floor(t.clock.now() / 1000) + 7200,
      endTime: Math.floor(t.clock.now() / 1000) + 9000,
    });
    const g1 = await m.goods({ name: '好茶', price: 11 });
    const g2 = await m.goods({ name: '茶杯', priceType: 3, price: '99.90', price2: 59.9 });
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [g1, g2], roomId: early })).errcode).toBe(0);
    const r = await m.post(GLI, { start: 0, limit: 10 });
    expect(Object.keys(r)).toEqual(['errcode', 'errmsg', 'room_info', 'total']);
    expect(r).toMatchObject({ errcode: 0, errmsg: 'ok', total: 2 });
    const rooms = r.room_info as Array<Record<string, unknown>>;
    expect(rooms.map((x) => x.roomid)).toEqual([late, early]);
    const room = rooms[1]!;
    expect(Object.keys(room).slice(0, 9)).toEqual([
      'name',
      'roomid',
      'cover_img',
      'live_status',
      'start_time',
      'end_time',
      'anchor_name',
      'anchor_img',
      'goods',
    ]);
    expect(room).toMatchObject({ name: '早场直播间', live_status: 102, anchor_name: '主播小王' });
    expect(typeof room.start_time).toBe('number');
    expect(room.cover_img).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/img\//);
    const goods = room.goods as Array<Record<string, unknown>>;
    expect(goods.map((g) => Object.keys(g).slice(0, 4))).toEqual([
      ['cover_img', 'url', 'price', 'name'],
      ['cover_img', 'url', 'price', 'name'],
    ]);
    expect(goods[0]).toMatchObject({ price: 1100, name: '好茶', url: 'pages/goods/detail?id=1' });
    expect(goods[1]).toMatchObject({ price: 9990, price2: 5990, price_type: 3 });
    const img = await fetch(room.cover_img as string);
    expect(img.headers.get('content-type')).toBe('image/png');
    // paging
    const p2 = await m.post(GLI, { start: 1, limit: 1 });
    expect((p2.room_info as Array<{ roomid: number }>).map((x) => x.roomid)).toEqual([early]);
    expect(p2.total).toBe(2);
  });

  it('S-API-1: getliveinfo refuses malformed JSON (47001), an empty body (44002), bad types and limits', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    await m.room();
    expect((await m.post(GLI, '{"start": 0,')).errcode).toBe(47001);
    expect((await m.post(GLI, '[1,2]')).errcode).toBe(47001);
    expect((await m.post(GLI, '')).errcode).toBe(44002);
    expect((await m.post(GLI, { start: '0', limit: 10 })).errcode).toBe(47001);
    expect((await m.post(GLI, { start: 0, limit: 101 })).errcode).toBe(40097);
    expect((await m.post(GLI, { start: -1, limit: 10 })).errcode).toBe(40097);
    expect((await m.post(GLI, { start: 0, limit: 0 })).errcode).toBe(40097);
    expect((await m.post(GLI, { action: 'drop_tables', start: 0, limit: 1 })).errcode).toBe(40097);
  });

  it('S-API-4: getliveinfo and get_replay share 500 calls a day; call 501 gets 45009; the day resets at 00:00 Asia/Shanghai', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const calls = Array.from({ length: 500 }, (_, i) =>
      i % 2 ? m.post(GLI, { start: 0, limit: 10 }) : m.post(GLI, { action: 'get_replay', room_id: room, start: 0, limit: 10 }),
    );
    const results = await Promise.all(calls);
    expect(results.every((r) => r.errcode === 0)).toBe(true);
    const over = await m.post(GLI, { start: 0, limit: 10 });
    expect(over).toEqual({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit/) });
    expect(await t.z.services.quota.used(m.appid)).toBe(500);
    // 04:00 UTC = 12:00 Shanghai; 12 h later is 00:00 the next day there.
    t.clock.advance(12 * 3600_000);
    await m.refresh();
    expect((await m.post(GLI, { start: 0, limit: 10 })).errcode).toBe(0);
  });

  it('S-API-3: get_replay lists nothing for a room without replays, and 300022 for an unknown or foreign room', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const other = await merchant(t);
    const room = await m.room();
    const r = await m.post(GLI, { action: 'get_replay', room_id: room, start: 0, limit: 10 });
    expect(r).toEqual({ live_replay: [], errcode: 0, total: 0, errmsg: 'ok' });
    expect(Object.keys(r)).toEqual(['live_replay', 'errcode', 'total', 'errmsg']);
    expect((await other.post(GLI, { action: 'get_replay', room_id: room, start: 0, limit: 10 })).errcode).toBe(300022);
    expect((await m.post(GLI, { action: 'get_replay', room_id: 999999, start: 0, limit: 10 })).errcode).toBe(300022);
  });

  it('apps are isolated: another app never sees, edits, deletes or pushes to a room', async () => {
    t = await startServer(kind);
    const a = await merchant(t);
    const b = await merchant(t);
    const room = await a.room();
    const goods = await a.goods();
    expect((await b.post(GLI, { start: 0, limit: 10 })).errcode).toBe(1);
    expect((await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: b.token })).errcode).toBe(300022);
    expect((await b.post('/wxaapi/broadcast/room/deleteroom', { id: room })).errcode).toBe(300022);
    expect((await b.post('/wxaapi/broadcast/room/editroom', { id: room, name: '改名直播间' })).errcode).toBe(300022);
    expect((await b.post('/wxaapi/broadcast/room/addgoods', { ids: [goods], roomId: room })).errcode).toBe(300022);
    const bRoom = await b.room();
    expect((await b.post('/wxaapi/broadcast/room/addgoods', { ids: [goods], roomId: bRoom })).errcode).toBe(300024);
    // a's media_id is not b's
    expect(
      (
        await b.post('/wxaapi/broadcast/room/create', {
          name: '偷图直播间',
          coverImg: a.media,
          shareImg: a.media,
          anchorName: '主播',
          startTime: Math.floor(t.clock.now() / 1000) + 600,
          endTime: Math.floor(t.clock.now() / 1000) + 4200,
          type: 1,
          screenType: 0,
          closeLike: 0,
          closeGoods: 0,
          closeComment: 0,
        })
      ).errcode,
    ).toBe(300031);
  });

  it('room/create validates like WeChat: names, times, images, flags', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const now = Math.floor(t.clock.now() / 1000);
    const base = {
      name: '测试直播间',
      coverImg: m.media,
      startTime: now + 600,
      endTime: now + 4200,
      anchorName: '主播小王',
      shareImg: m.media,
      type: 1,
      screenType: 0,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 0,
    };
    const create = (over: Record<string, unknown>) => m.post('/wxaapi/broadcast/room/create', { ...base, ...over });
    expect((await create({ name: '短' })).errcode).toBe(300002);
    expect((await create({ anchorName: 'a' })).errcode).toBe(300034);
    expect((await create({ endTime: now + 700 })).errcode).toBe(200002);
    expect((await create({ startTime: now - 7200 })).errcode).toBe(200002);
    expect((await create({ coverImg: 'nope' })).errcode).toBe(300031);
    expect(await create({ shareImg: undefined })).toMatchObject({ errcode: 200002, errmsg: 'parameter shareImg must no be null' });
    expect((await create({ closeLike: 2 })).errcode).toBe(200002);
    expect((await create({ coverImg: 'https://cdn.example.com/c.jpg' })).errcode).toBe(0);
    expect((await m.post('/wxaapi/broadcast/room/create', '{bad')).errcode).toBe(47001);
    t.clock.advance(3 * 86_400_000 + 1000);
    await m.refresh();
    expect((await create({ startTime: now + 3 * 86400 + 600, endTime: now + 3 * 86400 + 4200 })).errcode).toBe(300006);
  });

  it('room edit, delete and goods errors follow WeChat', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const now = Math.floor(t.clock.now() / 1000);
    expect(
      (
        await m.post('/wxaapi/broadcast/room/editroom', {
          id: room,
          name: '改过的直播间',
          coverImg: m.media,
          shareImg: m.media,
          anchorName: '主播小李',
          startTime: now + 900,
          endTime: now + 5000,
          type: 1,
          screenType: 1,
          closeLike: 0,
          closeGoods: 0,
          closeComment: 1,
        })
      ).errcode,
    ).toBe(0);
    const info = await m.post(GLI, { start: 0, limit: 1 });
    expect((info.room_info as Array<Record<string, unknown>>)[0]).toMatchObject({
      name: '改过的直播间',
      anchor_name: '主播小李',
      close_comment: 1,
      screen_type: 1,
    });
    expect(
      (
        await m.post('/wxaapi/broadcast/goods/add', {
          goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 1, price: 1.005, url: 'x' },
        })
      ).errcode,
    ).toBe(300003);
    expect(
      (
        await m.post('/wxaapi/broadcast/goods/add', {
          goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 2, price: 20, price2: 10, url: 'x' },
        })
      ).errcode,
    ).toBe(300003);
    expect(
      (await m.post('/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: m.media, name: '', priceType: 1, price: 1, url: 'x' } }))
        .errcode,
    ).toBe(300004);
    expect(
      (await m.post('/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: m.media, name: '好茶', priceType: 1, price: 1, url: '' } }))
        .errcode,
    ).toBe(300007);
    expect((await m.post('/wxaapi/broadcast/goods/add', {})).errcode).toBe(200002);
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [424242], roomId: room })).errcode).toBe(300024);
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: 'x', roomId: room })).errcode).toBe(200002);
    const approved = await t.api.get('/wxaapi/broadcast/goods/getapproved', { access_token: m.token, offset: 0, limit: 10, status: 2 });
    expect(approved.total).toBe(0);
    await m.goods({ price: '19.99' });
    const after = await t.api.get('/wxaapi/broadcast/goods/getapproved', { access_token: m.token, offset: 0, limit: 10, status: 2 });
    expect((after.goods as Array<{ price: number }>)[0]!.price).toBe(19.99);
    expect((await m.post('/wxaapi/broadcast/room/deleteroom', { id: room })).errcode).toBe(0);
    expect((await m.post('/wxaapi/broadcast/room/deleteroom', { id: room })).errcode).toBe(300022);
    expect((await m.post(GLI, { start: 0, limit: 10 })).errcode).toBe(1);
  });

  it('S-ENTRY-1: getpushurl answers an rtmp URL with a secret key; getsharedcode a QR PNG that decodes to the room link with type=9', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const push = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    expect(push.pushAddr).toMatch(new RegExp(`^rtmp://127\\.0\\.0\\.1:\\d+/live/${room}\\?key=[A-Za-z0-9_-]{24}$`));
    const params = encodeURIComponent(JSON.stringify({ pid: 1 }));
    const code = await t.api.get('/wxaapi/broadcast/room/getsharedcode', { roomId: room, params, access_token: m.token });
    expect(code).toMatchObject({
      errcode: 0,
      pagePath: `plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=${room}&custom_params=${params}`,
    });
    const res = await fetch(code.cdnUrl as string);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    const qr = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
    const link = new URL(qr!.data);
    expect(link.pathname).toBe('/room/');
    expect(link.searchParams.get('room_id')).toBe(String(room));
    expect(link.searchParams.get('type')).toBe('9');
    expect(JSON.parse(link.searchParams.get('custom_params')!)).toEqual({ pid: 1 });
    const poster = await fetch(code.posterUrl as string);
    expect(poster.headers.get('content-type')).toBe('image/png'); // share-links.test.ts scans it with zbarimg
    expect((await t.api.get('/wxaapi/broadcast/room/getsharedcode', { roomId: 77777, access_token: m.token })).errcode).toBe(300022);
    expect((await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: 'abc', access_token: m.token })).errcode).toBe(300022);
  });

  it('media/upload keeps WeChat temporary material and refuses non-images, oversize files and missing fields', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const up = await t.api.upload(m.token, (await import('./helpers.js')).png(20, 20));
    expect(Object.keys(up)).toEqual(['type', 'media_id', 'created_at']);
    expect((await t.api.upload(m.token, Buffer.from('<script>alert(1)</script>'), 'x.png')).errcode).toBe(300006);
    expect((await t.api.upload(m.token, Buffer.alloc(2 * 1024 * 1024 + 10, 1), 'big.png')).errcode).toBe(300006);
    expect((await t.api.upload('bad', (await import('./helpers.js')).png())).errcode).toBe(40001);
    const res = await fetch(`${t.url}/cgi-bin/media/upload?type=image&access_token=${m.token}`, { method: 'POST', body: 'x' });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(44002);
  });
});
