/**
 * Issue 10 (Medium 12): storage must not grow without limit. The storage collector deletes expired temporary media and
 * the images nothing shows (from the database and, on PGlite, from the disk), goods taps and entries past the
 * retention, finished reminder rows and subscriptions of ended rooms, stale HLS directories; anonymous writes have
 * quotas per viewer, address and app.
 */
import { mkdirSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginRoutes, TransitionCause, ViewerHeaders } from '@zhibo/protocol';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { noisy } from './image-fixtures.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

const DAY = 86_400_000;

describe.each(testDbKinds())('the storage collector on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(kind);
  });
  afterAll(async () => {
    await t.cleanup();
  });
  const count = async (sql: string, params: unknown[] = []) =>
    (await t.z.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
  const plugin = (path: string, body: unknown, device = 'storage-test-device') =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ViewerHeaders.deviceId]: device },
      body: JSON.stringify(body),
    });

  it('expired temporary media and the images nothing shows are gone from the database (and the disk on PGlite); images of rooms and goods stay', async () => {
    const m = await merchant(t); // per test: the fake clock moves
    const room = await m.room(); // uses m.media as cover and share image
    const goodsId = await m.goods();
    const unused: string[] = [];
    for (let i = 0; i < 10; i++) {
      const up = await t.api.upload(m.token, await noisy(1200, 900).jpeg({ quality: 90 }).toBuffer());
      expect(up.media_id).toBeTruthy();
      unused.push(up.media_id as string);
    }
    const imageOf = async (mediaId: string) =>
      (await t.z.db.query<{ image_id: string }>('SELECT image_id FROM media WHERE media_id = $1', [mediaId]))[0]!.image_id;
    const unusedImages = await Promise.all(unused.map(imageOf));
    const roomRow = (await t.z.services.rooms.getAny(room))!;
    const usedImage = /\/img\/([^/]+)$/.exec(roomRow.cover_img)![1]!;
    const bytesBefore = (await t.z.db.query<{ n: number }>("SELECT pg_total_relation_size('images')::int8 AS n"))[0]!.n;
    const stored = (
      await t.z.db.query<{ n: number }>('SELECT sum(octet_length(bytes))::int8 AS n FROM images WHERE id = ANY($1::text[])', [unusedImages])
    )[0]!.n;
    expect(stored).toBeGreaterThan(4_000_000);

    // Nothing has expired yet: nothing is collected.
    expect(await t.z.services.collector.runOnce()).toMatchObject({ media: 0, images: 0 });
    t.clock.advance(3 * DAY + 2 * 3_600_000);
    const r = await t.z.services.collector.runOnce();
    expect(r.media).toBeGreaterThanOrEqual(11);
    expect(r.images).toBe(10);
    expect(await count('media')).toBe(0);
    expect(await count('images WHERE id = ANY($1::text[])', [unusedImages])).toBe(0);
    expect((await fetch(`${t.url}/img/${unusedImages[0]}`)).status).toBe(404);
    // The image the room and the goods show stays, and still serves.
    expect((await fetch(`${t.url}/img/${usedImage}`)).status).toBe(200);
    expect((await t.z.services.goods.list(m.appid, 0, 100)).goods.find((g) => g.id === goodsId)?.cover_img).toContain(usedImage);
    if (kind === 'pglite') {
      // VACUUM gave the pages back: the table's files shrank by most of what was stored.
      const bytesAfter = (await t.z.db.query<{ n: number }>("SELECT pg_total_relation_size('images')::int8 AS n"))[0]!.n;
      expect(bytesBefore - bytesAfter).toBeGreaterThan(stored * 0.8);
    }
  });

  it('goods taps and entries older than ZHIBO_RETENTION_DAYS are deleted; newer ones stay', async () => {
    const m = await merchant(t); // per test: the fake clock moves
    const room = await m.room();
    const goodsId = await m.goods();
    await m.post('/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [goodsId] });
    expect((await plugin(PluginRoutes.goodsTap, { room_id: room, goods_id: goodsId })).status).toBe(200);
    const { v } = await Viewer.join(t.url, room);
    v.close();
    await waitUntil(async () => (await t.z.services.interaction.stats(m.appid, room)).entries.direct === 1, {
      timeoutMs: 5000,
      what: 'the entry stored',
    });
    t.clock.advance(366 * DAY);
    expect((await plugin(PluginRoutes.goodsTap, { room_id: room, goods_id: goodsId })).status).toBe(200);
    const r = await t.z.services.collector.runOnce();
    expect(r.goodsTaps).toBeGreaterThanOrEqual(1);
    expect(r.entries).toBeGreaterThanOrEqual(1);
    expect(await count('goods_taps WHERE room_id = $1', [room])).toBe(1);
    expect(await count('room_entries WHERE room_id = $1', [room])).toBe(0);
  });

  it('finished reminder rows and subscriptions of rooms that ended over ZHIBO_REMINDER_RETENTION_DAYS ago are deleted', async () => {
    const m = await merchant(t); // per test: the fake clock moves
    const ended = await m.room();
    const upcoming = await m.room();
    for (const room of [ended, upcoming]) expect((await plugin(PluginRoutes.subscribe, { room_id: room })).status).toBe(200);
    await t.z.services.rooms.apply(ended, TransitionCause.PublishStarted, 'test');
    await t.z.services.rooms.apply(ended, TransitionCause.AnchorEnded, 'test');
    const now = t.clock.now();
    await t.z.db.query(
      `INSERT INTO reminder_outbox (appid, source_kind, source_id, room_id, channel, event, idempotency_key, state, available_at, created_at, done_at)
       VALUES ($1, 'room_sub', 1, $2, 'webhook', 'live', 'zr_test_old', 'sent', $3, $3, $3), ($1, 'room_sub', 2, $2, 'webhook', 'live', 'zr_test_new', 'sent', $4, $4, $4)`,
      [m.appid, ended, now - 31 * DAY, now + 30 * DAY],
    );
    expect(await count('subscriptions WHERE room_id = $1', [ended])).toBe(1);
    t.clock.advance(31 * DAY);
    const r = await t.z.services.collector.runOnce();
    expect(r.subscriptions).toBeGreaterThanOrEqual(1);
    expect(await count('subscriptions WHERE room_id = $1', [ended])).toBe(0);
    expect(await count('subscriptions WHERE room_id = $1', [upcoming])).toBe(1);
    expect(await count("reminder_outbox WHERE idempotency_key = 'zr_test_old'")).toBe(0);
    expect(await count("reminder_outbox WHERE idempotency_key = 'zr_test_new'")).toBe(1);
  });

  it('HLS directories of streams that stopped over an hour ago are removed from the disk; recent ones stay', async () => {
    const hls = join(t.dataDir, 'hls');
    for (const [id, age] of [
      ['900001', 2 * 3_600_000],
      ['900002', 60_000],
    ] as const) {
      mkdirSync(join(hls, id), { recursive: true });
      for (const f of ['index.m3u8', 'seg-1.ts']) {
        writeFileSync(join(hls, id, f), 'x');
        const at = (Date.now() - age) / 1000;
        utimesSync(join(hls, id, f), at, at);
      }
      const at = (Date.now() - age) / 1000;
      utimesSync(join(hls, id), at, at);
    }
    const r = await t.z.services.collector.runOnce();
    expect(r.hlsDirs).toBe(1);
    expect(existsSync(join(hls, '900001'))).toBe(false);
    expect(existsSync(join(hls, '900002', 'index.m3u8'))).toBe(true);
  });
});

describe('quotas on anonymous writes', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer('pglite', {
      env: { ZHIBO_QUOTA_TAPS_PER_IP_HOUR: '5', ZHIBO_QUOTA_ENTRIES_PER_VIEWER_HOUR: '3', ZHIBO_QUOTA_SUBSCRIPTIONS_PER_APP_DAY: '2' },
    });
  });
  afterAll(async () => {
    await t.cleanup();
  });
  const post = (path: string, body: unknown, device: string) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ViewerHeaders.deviceId]: device },
      body: JSON.stringify(body),
    });

  it('goods taps: 5 per address and hour are stored, the 6th answers 429 and stores nothing', async () => {
    const m = await merchant(t); // per test: the fake clock moves
    const room = await m.room();
    const goodsId = await m.goods();
    await m.post('/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [goodsId] });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await post(PluginRoutes.goodsTap, { room_id: room, goods_id: goodsId }, `tapper-device-${i}`)).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await t.z.db.query<{ n: number }>('SELECT count(*)::int AS n FROM goods_taps WHERE room_id = $1', [room]))[0]!.n).toBe(5);
    t.clock.advance(3_600_000);
    expect((await post(PluginRoutes.goodsTap, { room_id: room, goods_id: goodsId }, 'tapper-device-9')).status).toBe(200);
  });

  it('entries: a viewer reconnecting 5 times in an hour is stored 3 times', async () => {
    const m = await merchant(t); // per test: the fake clock moves
    const room = await m.room();
    const deviceId = 'entry-quota-device';
    for (let i = 0; i < 5; i++) (await Viewer.join(t.url, room, { deviceId })).v.close();
    const stats = await t.z.services.interaction.stats(m.appid, room);
    expect(stats.entries.direct).toBe(3);
  });

  it('subscriptions: 2 subscribe calls per app and day, the 3rd answers 429', async () => {
    const m = await merchant(t); // per test: the fake clock moves
    const room = await m.room();
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await post(PluginRoutes.subscribe, { room_id: room }, `subscriber-device-${i}`)).status);
    expect(codes).toEqual([200, 200, 429]);
    t.clock.advance(DAY);
    expect((await post(PluginRoutes.subscribe, { room_id: room }, 'subscriber-device-9')).status).toBe(200);
  });
});
