/** The room page's HTTP side: page shell, bundles, the room / replays / share-link reads, and share-params against forgery. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { PluginRoutes, WebRoutes, type PluginReplaysResponse, type PluginRoomResponse, type ShareLinkResponse } from '@zhibo/protocol';
import { testDbKinds } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { roomWithGoods } from './room-page-helpers.js';

const DEV = { 'x-zhibo-device': 'device-http-test-1' };
const OTHER = { 'x-zhibo-device': 'device-http-test-2' };

describe.each(testDbKinds())('room page routes on %s', (kind) => {
  let t: TestServer;
  let fx: Awaited<ReturnType<typeof roomWithGoods>>;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });

  beforeAll(async () => {
    t = await startServer(kind);
    fx = await roomWithGoods(t, { goodsBaseUrl: 'https://shop.example.com/m/', homeUrl: 'https://shop.example.com/' });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("S-PLAYER-1: GET /room/ serves the page shell for the seed's link form; /room redirects keeping the query", async () => {
    const r = await get(`/room/?room_id=${fx.roomId}&custom_params=%7B%22pid%22%3A1%7D&type=9`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const html = await r.text();
    expect(html).toContain('<title>测试直播间 · 直播</title>');
    expect(html).toMatch(/<script type="module" src="\/build\/room\.js\?v=\w+"><\/script>/);
    expect(html).toMatch(/\/build\/room\.css\?v=\w+/);
    const redirect = await fetch(`${t.url}/room?room_id=${fx.roomId}&type=10`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(`/room/?room_id=${fx.roomId}&type=10`);
    // no room, or junk: still the shell (the page says what is wrong), nothing from the query is echoed
    const junk = await (await get('/room/?room_id=%3Cscript%3E')).text();
    expect(junk).not.toContain('<script>');
  });

  it('bundles: /build/* with gzip, ETag and 304; /sdk/zhibo-sdk.js with CORS; no path traversal', async () => {
    const r = await fetch(`${t.url}/build/room.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    const etag = r.headers.get('etag')!;
    expect((await fetch(`${t.url}/build/room.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await get('/build/room.css')).headers.get('content-type')).toMatch(/text\/css/);
    expect((await get('/build/vendor/mpegts.js')).status).toBe(200);
    const versioned = await get('/build/room.js?v=abc');
    expect(versioned.headers.get('cache-control')).toMatch(/immutable/);
    const sdk = await get(WebRoutes.sdk);
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get('access-control-allow-origin')).toBe('*');
    for (const bad of [
      '/build/../package.json',
      '/build/%2e%2e/package.json',
      '/build/..%2f..%2fpackage.json',
      '/build/.hidden',
      '/build/nope.js',
    ])
      expect((await get(bad)).status, bad).toBe(404);
    // gzip really is gzip (node's fetch decodes it; read raw through http to check)
    const { request } = await import('node:http');
    const raw = await new Promise<Buffer>((resolve, reject) => {
      request(`${t.url}/build/room.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve(Buffer.concat(parts)));
      })
        .on('error', reject)
        .end();
    });
    expect(gunzipSync(raw).length).toBeGreaterThan(raw.length);
  });

  it("S-PLAYER-2/-4: the room read has the shelf in fen, the merchant's page URLs, the minimum SDK version and the media URLs", async () => {
    const r = await get(`${PluginRoutes.room}?room_id=${fx.roomId}`);
    expect(r.status).toBe(200);
    const b = (await r.json()) as PluginRoomResponse;
    expect(b).toMatchObject({
      roomId: fx.roomId,
      liveStatus: 102,
      name: '测试直播间',
      anchorName: '主播小王',
      goodsBaseUrl: 'https://shop.example.com/m/',
      homeUrl: 'https://shop.example.com/',
      minSdkVersion: '1.0.0',
    });
    expect(b.goods.map((g) => [g.name, g.price_type, g.price, g.price2])).toEqual([
      ['明前龙井 250g', 1, 1100, 0],
      ['手作陶瓷茶杯', 2, 3900, 5990],
      ['便携旅行茶具套装', 3, 19900, 12900],
    ]);
    expect(b.media).toEqual({
      flv: `${t.url}/live/${fx.roomId}.flv`,
      wsFlv: `${t.url.replace('http', 'ws')}/live/${fx.roomId}.flv`,
      hls: `${t.url}/live/${fx.roomId}/index.m3u8`,
    });
    expect(b.serverTime).toBe(t.clock.now());
    await t.z.services.apps.updateSettings(fx.m.appid, { minSdkVersion: '2.0.0' });
    expect(((await (await get(`${PluginRoutes.room}?room_id=${fx.roomId}`)).json()) as PluginRoomResponse).minSdkVersion).toBe('2.0.0');
    await t.z.services.apps.updateSettings(fx.m.appid, { minSdkVersion: '0.1' });
    expect((await get(`${PluginRoutes.room}?room_id=0`)).status).toBe(400);
    expect(await (await get(`${PluginRoutes.room}?room_id=999999`)).json()).toEqual({
      errcode: 'room_not_found',
      errmsg: 'room 999999 does not exist',
    });
  });

  it('S-PLAYER-5: the replays read lists ready, unexpired replays of the room (no quota)', async () => {
    const roomId = await fx.m.room();
    const now = t.clock.now();
    const add = (session: string, status: string, created: number, expires: number) =>
      t.z.db.query(
        `INSERT INTO replays (room_id, session_id, status, file, started_at, ended_at, duration_sec, create_time, expire_time) VALUES ($1,$2,$3,'x.flv',$4,$4,61.5,$4,$5)`,
        [roomId, session, status, created, expires],
      );
    await add(`s-${kind}-a`, 'ready', now - 3_600_000, now + 365 * 86_400_000);
    await add(`s-${kind}-b`, 'recording', now - 1000, now + 1000);
    await add(`s-${kind}-c`, 'ready', now - 400 * 86_400_000, now - 1);
    const r = (await (await get(`${WebRoutes.replays}?room_id=${roomId}`)).json()) as PluginReplaysResponse;
    expect(r.replays).toEqual([
      {
        media_url: `${t.url}/replay/${roomId}/s-${kind}-a.mp4`,
        create_time: new Date(now - 3_600_000).toISOString().replace('.000', ''),
        expire_time: expect.any(String),
        duration_sec: 61.5,
      },
    ]);
    expect((await get(`${WebRoutes.replays}?room_id=abc`)).status).toBe(400);
    expect((await get(`${WebRoutes.replays}?room_id=999999`)).status).toBe(404);
  });

  it("S-PARAMS-1/-3: share-link signs the asking viewer's share_openid; share-params accepts it and refuses a forged one", async () => {
    const noId = await get(`${WebRoutes.shareLink}?room_id=${fx.roomId}`);
    expect(noId.status).toBe(401);
    expect((await get(`${WebRoutes.shareLink}?room_id=${fx.roomId}&scene=1001`, DEV)).status).toBe(400);
    const link = (await (
      await get(`${WebRoutes.shareLink}?room_id=${fx.roomId}&custom_params=${encodeURIComponent('{"pid":1}')}&close_share_ticket=1`, DEV)
    ).json()) as ShareLinkResponse;
    expect(link.scene).toBe(1007);
    const sharer = ((await (await get(`${PluginRoutes.openid}?room_id=${fx.roomId}`, DEV)).json()) as { openid: string }).openid;
    expect(link.share_openid).toBe(sharer);
    const u = new URL(link.url);
    expect(u.pathname).toBe('/room/');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      room_id: String(fx.roomId),
      custom_params: '{"pid":1}',
      scene: '1007',
      share_openid: sharer,
      share_sig: link.share_sig,
      close_share_ticket: '1',
    });
    // the friend who opens it: getShareParams' read
    const ok = await get(
      `${PluginRoutes.shareParams}?room_id=${fx.roomId}&share_openid=${sharer}&share_sig=${link.share_sig}&custom_params=${encodeURIComponent('{"pid":1}')}`,
      OTHER,
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      room_id: fx.roomId,
      openid: expect.not.stringMatching(sharer),
      share_openid: sharer,
      custom_params: { pid: 1 },
    });
    const forged = `o${'A'.repeat(27)}`;
    const bad = await get(`${PluginRoutes.shareParams}?room_id=${fx.roomId}&share_openid=${forged}&share_sig=${link.share_sig}`, OTHER);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errcode: 'bad_request', errmsg: 'share_openid signature is invalid' });
    // a signature is bound to its room
    const otherRoom = await fx.m.room();
    expect(
      (await get(`${PluginRoutes.shareParams}?room_id=${otherRoom}&share_openid=${sharer}&share_sig=${link.share_sig}`, OTHER)).status,
    ).toBe(400);
  });
});
