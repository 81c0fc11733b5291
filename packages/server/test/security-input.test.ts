/**
 * Issue 10, Low 14–17 (server side): odd input (NUL, huge numbers, wrong types) answers 47001/200002 with at most one
 * log line and never -1 with a stack; an unknown action is not echoed; multipart fields are bounded; HEAD answers the
 * real Content-Length; viewer tokens must expire; replays of a room with closeReplay=1 or deleted answer 404.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { Errcode } from '@zhibo/protocol';
import { signKey, signViewerToken } from '@zhibo/client';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, png, startServer, type TestServer } from './helpers.js';
import { raw, recordingLog } from './security-helpers.js';

describe.each(testDbKinds())('odd input and small leaks on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  const log = recordingLog();
  beforeAll(async () => {
    t = await startServer(kind, { log });
    m = await merchant(t);
  });
  afterAll(async () => t.cleanup());

  it('NUL, bigint and wrongly typed values answer 47001 or 200002 — never -1 — and log at most one line each, without a stack', async () => {
    const room = await m.room();
    const goods = await m.goods();
    const before = log.lines.length;
    const calls: Array<[string, Record<string, unknown>]> = [
      [
        '/wxaapi/broadcast/room/create',
        {
          name: '直播\u0000间',
          coverImg: m.media,
          startTime: 1,
          endTime: 2,
          anchorName: 'a',
          anchorWechat: 'b',
          shareImg: m.media,
          type: 1,
          screenType: 0,
        },
      ],
      ['/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: m.media, name: '好\u0000茶', priceType: 1, price: 1, url: 'pages/a' } }],
      ['/wxaapi/broadcast/room/deleteroom', { id: 1e20 }],
      ['/wxaapi/broadcast/room/deleteroom', { id: '99999999999999999999' }],
      ['/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [2 ** 40] }],
      ['/wxaapi/broadcast/room/addgoods', { roomId: 2 ** 53 + 2, ids: [goods] }],
      ['/wxaapi/broadcast/goods/delete', { goodsId: 1e30 }],
      ['/wxaapi/broadcast/goods/delete', { goodsId: { $gt: 0 } }],
      ['/wxaapi/broadcast/goods/onsale', { roomId: room, goodsId: -1, onSale: 1 }],
      ['/wxaapi/broadcast/goods/sort', { roomId: room, goods: [{ goodsId: '1e400' }] }],
      ['/wxa/business/getliveinfo', { start: 0, limit: 10, action: 'get_replay', room_id: 2 ** 31 }],
      ['/wxaapi/broadcast/room/editroom', { id: room, name: ['x'], coverImg: { a: 1 } }],
      ['/wxaapi/broadcast/room/\u0000', {}],
    ];
    for (const [path, body] of calls) {
      const r = await m.post(path, body);
      expect(r.errcode, `${path} ${JSON.stringify(body)}`).not.toBe(-1);
      expect(r.errcode, `${path} ${JSON.stringify(body)}`).not.toBe(0);
    }
    // NUL anywhere in a body (values or keys), JSON or form: 47001 before any handler.
    for (const body of ['{"name":"a\\u0000b"}', '{"a\\u0000":1}', '{"x":{"y":["\\u0000"]}}'])
      expect(
        (
          (await (await fetch(`${t.url}/wxaapi/broadcast/room/create?access_token=${m.token}`, { method: 'POST', body })).json()) as {
            errcode: number;
          }
        ).errcode,
      ).toBe(Errcode.DataFormatError);
    const form = await fetch(`${t.url}/wxaapi/broadcast/goods/add?access_token=${m.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'goodsInfo[name]=a%00b',
    });
    expect(((await form.json()) as { errcode: number }).errcode).toBe(Errcode.DataFormatError);
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    expect(
      (
        (await (await fetch(`${t.url}/wxaapi/broadcast/room/create?access_token=${m.token}`, { method: 'POST', body: deep })).json()) as {
          errcode: number;
        }
      ).errcode,
    ).toBe(Errcode.DataFormatError);
    const after = log.lines.slice(before);
    expect(after.filter((l) => l.level === 'error')).toEqual([]);
    expect(after.filter((l) => /\n\s+at /.test(l.msg))).toEqual([]);
  });

  it('an unknown getliveinfo action is refused without echoing it', async () => {
    const action = `x${'<script>'.repeat(100_000)}`;
    const r = await fetch(`${t.url}/wxa/business/getliveinfo?access_token=${m.token}`, {
      method: 'POST',
      body: JSON.stringify({ start: 0, limit: 10, action }),
    });
    const text = await r.text();
    expect(text.length).toBeLessThan(300);
    expect(text).not.toContain('<script>');
    expect((JSON.parse(text) as { errcode: number }).errcode).toBe(Errcode.InvalidParameter);
  });

  it('bounds multipart forms: too many fields or parts, or an oversized field, are refused', async () => {
    const url = `${t.url}/cgi-bin/media/upload?access_token=${m.token}&type=image`;
    const send = async (fill: (f: FormData) => void) => {
      const f = new FormData();
      fill(f);
      f.append('media', new Blob([new Uint8Array(png())], { type: 'image/png' }), 'a.png');
      return ((await (await fetch(url, { method: 'POST', body: f })).json()) as { errcode?: number }).errcode ?? 0;
    };
    expect(await send(() => undefined)).toBe(0);
    expect(await send((f) => f.append('note', 'x'.repeat(1024 * 1024)))).toBe(Errcode.DataFormatError);
    expect(
      await send((f) => {
        for (let i = 0; i < 50; i++) f.append(`f${i}`, 'v');
      }),
    ).not.toBe(0);
    expect(
      await send((f) => {
        for (let i = 0; i < 5; i++) f.append(`file${i}`, new Blob([new Uint8Array(png())]), `${i}.png`);
      }),
    ).not.toBe(0);
  });

  it('HEAD answers the Content-Length of what GET sends (replays, images, bundles)', async () => {
    const room = await m.room();
    const dir = join(t.dataDir, 'recordings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'head.mp4'), Buffer.alloc(12_345, 7));
    await t.z.services.replays.recordingReady({
      roomId: room,
      sessionId: 'head-session',
      file: join(dir, 'head.mp4'),
      startedAt: 1,
      endedAt: 2,
      durationSec: 1,
    });
    const img = (
      await m.post('/wxaapi/broadcast/goods/add', {
        goodsInfo: { coverImgUrl: m.media, name: '头', priceType: 1, price: 1, url: 'pages/a' },
      })
    ).goodsId as number;
    const cover = new URL((await t.z.services.goods.get(m.appid, img)).cover_img, t.url).href;
    for (const url of [`${t.url}/replay/${room}/head-session.mp4`, cover, `${t.url}/healthz`]) {
      const get = await raw(url);
      const head = await raw(url, { method: 'HEAD' });
      expect(get.status, url).toBe(200);
      expect(head.status, url).toBe(200);
      expect(head.headers['content-length'], url).toBe(String(Buffer.byteLength(get.body, 'latin1') || get.headers['content-length']));
      expect(Number(head.headers['content-length']), url).toBeGreaterThan(0);
      expect(head.body).toBe('');
    }
  });

  it('an uploaded PNG/HTML polyglot is served re-encoded: an image, nosniff, no script left', async () => {
    const polyglot = Buffer.concat([png(), Buffer.from('<html><script>alert(document.domain)</script></html>')]);
    const up = await t.api.upload(m.token, polyglot);
    const gid = (
      await m.post('/wxaapi/broadcast/goods/add', {
        goodsInfo: { coverImgUrl: up.media_id, name: '图', priceType: 1, price: 1, url: 'pages/a' },
      })
    ).goodsId as number;
    const r = await raw(new URL((await t.z.services.goods.get(m.appid, gid)).cover_img, t.url).href);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^image\//);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).not.toContain('<script');
  });

  it('viewer tokens without exp, or valid for more than 30 days, are refused', async () => {
    const room = await m.room();
    const key = new TextEncoder().encode(signKey(m.appsecret));
    const ask = async (token: string) =>
      (await fetch(`${t.url}/api/plugin/v1/openid?room_id=${room}`, { headers: { 'x-zhibo-viewer-token': token } })).status;
    expect(await ask(signViewerToken(m.appsecret, 'user-1', 3600))).toBe(200);
    expect(await ask(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user-1').sign(key))).toBe(401);
    expect(
      await ask(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user-1').setExpirationTime('31d').sign(key)),
    ).toBe(401);
    expect(
      await ask(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user-1').setExpirationTime('29d').sign(key)),
    ).toBe(200);
  });

  it('replays of a room with closeReplay=1, or of a deleted room, answer 404 and get_replay lists none', async () => {
    const room = await m.room();
    const dir = join(t.dataDir, 'recordings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'closed.mp4'), Buffer.alloc(1000, 1));
    await t.z.services.replays.recordingReady({
      roomId: room,
      sessionId: 'closed-session',
      file: join(dir, 'closed.mp4'),
      startedAt: 1,
      endedAt: 2,
      durationSec: 1,
    });
    const file = `${t.url}/replay/${room}/closed-session.mp4`;
    const getReplay = async () => m.post('/wxa/business/getliveinfo', { action: 'get_replay', room_id: room, start: 0, limit: 10 });
    expect((await fetch(file)).status).toBe(200);
    expect((await getReplay()).total).toBe(1);
    await t.z.db.query('UPDATE rooms SET close_replay = 1 WHERE id = $1', [room]);
    expect((await fetch(file)).status).toBe(404);
    expect((await raw(file, { method: 'HEAD' })).status).toBe(404);
    expect(await getReplay()).toMatchObject({ errcode: 0, total: 0, live_replay: [] });
    await t.z.db.query('UPDATE rooms SET close_replay = 0 WHERE id = $1', [room]);
    expect((await fetch(file)).status).toBe(200);
    expect((await m.post('/wxaapi/broadcast/room/deleteroom', { id: room })).errcode).toBe(0);
    expect((await fetch(file)).status).toBe(404);
    expect((await getReplay()).errcode).not.toBe(0);
  });
});
