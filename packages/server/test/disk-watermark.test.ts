/**
 * Issue 10 (High 2), the watermark by configuration: with ZHIBO_DISK_MIN_FREE_MB above the free space the server
 * degrades — recordings stop, uploads, taps and subscriptions answer `disk_low`, chat is not stored — while video,
 * the API and essential writes go on, and /healthz says so; when space is back everything resumes.
 * (disk-full.test.ts does the same on a real tmpfs, up to ENOSPC.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStatus, PluginRoutes, ViewerHeaders } from '@zhibo/protocol';
import { ffprobe, pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { merchant, png, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

describe('the disk watermark (by configuration)', () => {
  let t: TestServer;
  let pusher: Pusher | undefined;
  beforeAll(async () => {
    t = await startServer('pglite');
    t.clock.set(Date.now());
  });
  afterAll(async () => {
    await pusher?.stop();
    await t.cleanup();
  });
  const health = async () =>
    (await (await fetch(`${t.url}/healthz`)).json()) as {
      ok: boolean;
      degraded: string[];
      disk: { low: boolean; freeMb: number; minFreeMb: number };
    };

  it('below ZHIBO_DISK_MIN_FREE_MB: uploads, taps and subscriptions answer disk_low, chat is shown but not stored, recording stops; video, the API and status changes go on; above it all resumes', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const goodsId = await m.goods();
    await m.post('/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [goodsId] });
    expect(await health()).toMatchObject({ ok: true, degraded: [], disk: { low: false } });

    // The watermark above the free space of this disk (1 PB): low at the next check.
    const disk = t.z.services.disk;
    disk.setMinFreeBytes(2 ** 50);
    await disk.check();
    const h = await health();
    expect(h).toMatchObject({ ok: true, degraded: ['disk_low'], disk: { low: true } });
    expect(h.disk.minFreeMb).toBe(2 ** 30);

    const up = await t.api.upload(m.token, png());
    expect(up.errcode).toBe(-1);
    expect(up.errmsg).toMatch(/low on disk space .* uploads are refused until space is freed/);
    const plugin = (path: string, body: unknown) =>
      fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ViewerHeaders.deviceId]: 'disk-test-device' },
        body: JSON.stringify(body),
      });
    const tap = await plugin(PluginRoutes.goodsTap, { room_id: room, goods_id: goodsId });
    expect(tap.status).toBe(507);
    expect(((await tap.json()) as { errmsg: string }).errmsg).toMatch(/goods taps are refused/);
    expect((await plugin(PluginRoutes.subscribe, { room_id: room })).status).toBe(507);

    // The API answers and essential writes go on: a room is created, getliveinfo lists it.
    const other = await m.room({ name: '磁盘满时创建' });
    const list = await m.post('/wxa/business/getliveinfo', { start: 0, limit: 10 });
    expect((list.room_info as Array<{ roomid: number }>).map((r) => r.roomid)).toContain(other);

    // Chat reaches the room but is not stored.
    const { v: a } = await Viewer.join(t.url, room);
    const { v: b } = await Viewer.join(t.url, room);
    a.send({ type: 'chat', text: 'while the disk is low' });
    await b.next('chat', (c) => c.text === 'while the disk is low');
    expect((await t.z.services.interaction.stats(m.appid, room)).comments).toBe(0);

    // Video: the anchor goes live and plays; nothing is recorded.
    expect(t.z.services.media.isRecording).toBe(false);
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    pusher = pushTestStream(pushAddr as string, { size: '160x90', fps: 10 });
    await waitUntil(() => t.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, { timeoutMs: 30_000, what: 'live' });
    expect((await ffprobe(`${t.url}/live/${room}.flv`)).codecs).toEqual(['aac', 'h264']);
    await pusher.stop();
    await waitUntil(() => t.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Abnormal, { timeoutMs: 15_000, what: '106' });
    await t.z.services.media.idle();
    await t.z.services.live.settled();
    const replays = await m.post('/wxa/business/getliveinfo', { action: 'get_replay', room_id: room, start: 0, limit: 10 });
    expect(replays.total).toBe(0);

    // Space is back: everything resumes at the next check.
    disk.setMinFreeBytes(0);
    await disk.check();
    expect(await health()).toMatchObject({ degraded: [], disk: { low: false } });
    expect(t.z.services.media.isRecording).toBe(true);
    expect((await t.api.upload(m.token, png())).media_id).toBeTruthy();
    expect((await plugin(PluginRoutes.goodsTap, { room_id: room, goods_id: goodsId })).status).toBe(200);
    a.send({ type: 'chat', text: 'stored again' });
    await b.next('chat', (c) => c.text === 'stored again');
    await waitUntil(async () => (await t.z.services.interaction.stats(m.appid, room)).comments === 1, {
      timeoutMs: 5000,
      what: 'the comment stored',
    });
    a.close();
    b.close();
  });
});
