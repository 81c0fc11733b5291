/**
 * Issue 10 (Medium 10): anonymous reads must not take the event loop from everyone. The room read is cached per room
 * (a flood costs one database read, a change is visible at once), anonymous reads are limited per address, and the QR
 * image is encoded off the main thread and cached. `npm run bench -- flood` measures live video during a flood.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { PluginRoutes, type PluginRoomResponse } from '@zhibo/protocol';
import { merchant, startServer, type TestServer } from './helpers.js';

type JsQR = (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;

describe('anonymous reads', () => {
  let t: TestServer;
  let limited: TestServer;
  beforeAll(async () => {
    t = await startServer('pglite');
    limited = await startServer('pglite', { env: { ZHIBO_PLUGIN_RATE_PER_IP: '5', ZHIBO_RENDER_RATE_PER_IP: '1' } });
  });
  afterAll(async () => {
    await t.cleanup();
    await limited.cleanup();
  });
  const read = async (s: TestServer, room: number) =>
    (await (await fetch(`${s.url}${PluginRoutes.room}?room_id=${room}`)).json()) as PluginRoomResponse;

  it('100 concurrent room reads cost one database read of the room; a shelf change or an edit is visible to the next read', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const rooms = t.z.services.rooms;
    const getAny = rooms.getAny.bind(rooms);
    let loads = 0;
    rooms.getAny = async (id: number) => {
      loads++;
      return getAny(id);
    };
    try {
      const answers = await Promise.all(Array.from({ length: 100 }, () => read(t, room)));
      expect(new Set(answers.map((a) => a.name))).toEqual(new Set(['测试直播间']));
      expect(loads).toBe(1);
      expect((await read(t, room)).goods).toEqual([]);
      expect(loads).toBe(1);
      // A change drops the cached read (domain event roomChanged): the next read has it.
      const goodsId = await m.goods();
      await m.post('/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [goodsId] });
      expect((await read(t, room)).goods.map((g) => g.goods_id)).toEqual([goodsId]);
      expect(loads).toBe(2);
      // The parts that are per request are fresh: status from memory, media URLs from the request, the time.
      const a = await read(t, room);
      expect(a.liveStatus).toBe(102);
      expect(a.media.flv).toBe(`${t.url}/live/${room}.flv`);
    } finally {
      rooms.getAny = getAny;
    }
  });

  it('anonymous reads are limited per address (ZHIBO_PLUGIN_RATE_PER_IP, bursts of 4×): then 429 throttled with CORS; the status read is never limited', async () => {
    const m = await merchant(limited);
    const room = await m.room();
    const codes = await Promise.all(
      Array.from({ length: 40 }, async () => (await fetch(`${limited.url}${PluginRoutes.room}?room_id=${room}`)).status),
    );
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(20);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(10);
    const r = await fetch(`${limited.url}${PluginRoutes.room}?room_id=${room}`);
    expect(r.status).toBe(429);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(await r.json()).toMatchObject({ errmsg: expect.stringMatching(/more than 5 requests a second/) as unknown });
    const status = await Promise.all(
      Array.from({ length: 60 }, async () => (await fetch(`${limited.url}${PluginRoutes.status}?room_id=${room}`)).status),
    );
    expect(status.every((c) => c === 200)).toBe(true);
    const qr = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => (await fetch(`${limited.url}/qr/${room}.png?params=${i}`)).status),
    );
    expect(qr.filter((c) => c === 429).length).toBeGreaterThanOrEqual(5);
  });

  it('the QR image is a 430×430 PNG that decodes to the room link; the same link is rendered once', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const url = `${t.url}/qr/${room}.png?params=${encodeURIComponent('{"from":"test"}')}`;
    const first = Buffer.from(await (await fetch(url)).arrayBuffer());
    const img = PNG.sync.read(first);
    expect([img.width, img.height]).toEqual([430, 430]);
    const link = new URL(jsQR(new Uint8ClampedArray(img.data), img.width, img.height)!.data);
    expect(link.searchParams.get('room_id')).toBe(String(room));
    expect(link.searchParams.get('type')).toBe('9');
    const again = await Promise.all(Array.from({ length: 5 }, async () => Buffer.from(await (await fetch(url)).arrayBuffer())));
    expect(again.every((b) => b.equals(first))).toBe(true);
  });
});
