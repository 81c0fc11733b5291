/**
 * Links that work from a phone (issue 12 §1, §2): with ZHIBO_PUBLIC_URL unset every link zhibo hands out uses the
 * address the request came in by (never 127.0.0.1 for a phone), X-Forwarded-* only from ZHIBO_TRUST_PROXY, and the
 * served poster scans (zbarimg) to the room link with type=9, its time in the app's time zone and language.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/app/config.js';
import { addressLines } from '../src/app/address-lines.js';
import { lanAddress, linkHost } from '../src/http/base-url.js';
import m011 from '../src/db/migrations/011_image_paths.js';
import { DomainError } from '../src/lib/errors.js';
import { merchant, startServer, type TestServer } from './helpers.js';

const run = promisify(execFile);
let dir: string;
let t: TestServer | undefined;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'zhibo-links-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** A request with any Host / X-Forwarded-* headers (fetch does not let a caller set Host). */
function call(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
const json = async (p: ReturnType<typeof call>) => JSON.parse((await p).body.toString('utf8')) as Record<string, unknown>;

async function zbar(bytes: Buffer, name: string): Promise<string[]> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file]);
  return stdout.split('\n').filter((l) => l !== '');
}

describe('public links with ZHIBO_PUBLIC_URL unset', () => {
  it('getliveinfo, get_replay, getsharedcode, getpushurl and the room read answer links at the Host a request came in by, not 127.0.0.1', async () => {
    t = await startServer('pglite'); // 127.0.0.1: RTMP listens where the request came in, so push URLs follow the Host too
    const m = await merchant(t);
    const room = await m.room();
    await m.post('/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [await m.goods()] });
    const port = new URL(t.url).port;
    const phone = { host: `phone.test:${port}` };
    const at = `http://phone.test:${port}`;

    const info = await json(call(`${t.url}/wxa/business/getliveinfo?access_token=${m.token}`, phone, 'POST', '{"start":0,"limit":10}'));
    const r = (info.room_info as Array<Record<string, unknown> & { goods: Array<{ cover_img: string }> }>)[0]!;
    for (const k of ['cover_img', 'share_img', 'feeds_img']) expect(r[k]).toMatch(new RegExp(`^${at}/img/[A-Za-z0-9_-]+$`));
    expect(r.goods[0]!.cover_img).toMatch(new RegExp(`^${at}/img/`));
    // the same image opens (here through loopback: phone.test only exists in the Host header)
    const img = await fetch(`${t.url}${new URL(r.cover_img as string).pathname}`);
    expect([img.status, img.headers.get('content-type')]).toEqual([200, 'image/png']);
    // a caller on this machine (the merchant's server) gets the listen address: the pages are cached per address
    const local = await json(call(`${t.url}/wxa/business/getliveinfo?access_token=${m.token}`, {}, 'POST', '{"start":0,"limit":10}'));
    expect((local.room_info as Array<{ cover_img: string }>)[0]!.cover_img).toMatch(new RegExp(`^${t.url}/img/`));

    const code = await json(call(`${t.url}/wxaapi/broadcast/room/getsharedcode?roomId=${room}&access_token=${m.token}`, phone));
    expect(code.cdnUrl).toBe(`${at}/qr/${room}.png`);
    expect(code.posterUrl).toBe(`${at}/poster/${room}.png`);
    const push = await json(call(`${t.url}/wxaapi/broadcast/room/getpushurl?roomId=${room}&access_token=${m.token}`, phone));
    expect(push.pushAddr).toMatch(new RegExp(`^rtmp://phone\\.test:\\d+/live/${room}\\?key=`));

    const read = await json(call(`${t.url}/api/plugin/v1/room?room_id=${room}`, phone));
    expect(read.coverImg).toMatch(new RegExp(`^${at}/img/`));
    expect(read.media).toEqual({
      flv: `${at}/live/${room}.flv`,
      wsFlv: `ws://phone.test:${port}/live/${room}.flv`,
      hls: `${at}/live/${room}/index.m3u8`,
    });
    const shell = (await call(`${t.url}/room/?room_id=${room}`, phone)).body.toString();
    expect(shell).toMatch(new RegExp(`<meta property="og:image" content="${at}/img/`));
  });

  it('the served poster (PNG and JPEG) and code image scan with zbarimg to the room link at the request\u2019s host with type=9; the time line is in the app\u2019s time zone and language', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const room = await m.room();
    await t.z.services.apps.updateSettings(m.appid, { timeZone: 'America/New_York', language: 'en' });
    const port = new URL(t.url).port;
    const phone = { host: `phone.test:${port}` };
    const want = `http://phone.test:${port}/room/?room_id=${room}&type=9`;
    const png = await call(`${t.url}/poster/${room}.png`, phone);
    expect([png.status, png.type]).toEqual([200, 'image/png']);
    expect(await sharp(png.body).metadata()).toMatchObject({ width: 750, height: 1334, format: 'png' });
    expect(await zbar(png.body, 'poster.png')).toEqual([want]);
    const jpg = await call(`${t.url}/poster/${room}.jpg?params=${encodeURIComponent('{"pid":7}')}`, phone);
    expect([jpg.status, jpg.type]).toEqual([200, 'image/jpeg']);
    const scanned = new URL((await zbar(jpg.body, 'poster.jpg'))[0]!);
    expect([scanned.host, scanned.searchParams.get('type'), scanned.searchParams.get('custom_params')]).toEqual([
      `phone.test:${port}`,
      '9',
      '{"pid":7}',
    ]);
    expect(await zbar((await call(`${t.url}/qr/${room}.png`, phone)).body, 'qr.png')).toEqual([want]);
    // start = the fake clock (2026-11-23 04:00 UTC) + 600 s = 2026-11-22 23:10 in New York (GMT-5)
    await writeFile(join(dir, 'time.png'), await sharp(png.body).extract({ left: 0, top: 940, width: 750, height: 60 }).png().toBuffer());
    const { stdout } = await run('tesseract', [join(dir, 'time.png'), '-', '--psm', '7']);
    expect(stdout.trim()).toBe('Live at 2026-11-22 23:10 (GMT-5)');
    // posters are cached per address: another host gets its own link
    expect(await zbar((await call(`${t.url}/poster/${room}.png`, { host: `tv.test:${port}` })).body, 'poster2.png')).toEqual([
      want.replace('phone.test', 'tv.test'),
    ]);
  });

  it('X-Forwarded-Proto/Host from an untrusted address and a malformed Host are ignored: links keep the listen address', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const room = await m.room();
    const port = new URL(t.url).port;
    const forged = await json(
      call(`${t.url}/wxaapi/broadcast/room/getsharedcode?roomId=${room}&access_token=${m.token}`, {
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
      }),
    );
    expect(forged.posterUrl).toBe(`http://127.0.0.1:${port}/poster/${room}.png`);
    const bad = await json(call(`${t.url}/api/plugin/v1/room?room_id=${room}`, { host: 'a b"<x>' }));
    expect(bad.coverImg).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/img/`));
  });

  it('X-Forwarded-Proto/Host from a ZHIBO_TRUST_PROXY address make https links at the proxy\u2019s host', async () => {
    t = await startServer('pglite', { env: { ZHIBO_TRUST_PROXY: 'loopback' } });
    const m = await merchant(t);
    const room = await m.room();
    const viaProxy = { 'x-forwarded-host': 'live.example.com', 'x-forwarded-proto': 'https' };
    const code = await json(call(`${t.url}/wxaapi/broadcast/room/getsharedcode?roomId=${room}&access_token=${m.token}`, viaProxy));
    expect([code.cdnUrl, code.posterUrl]).toEqual([
      `https://live.example.com/qr/${room}.png`,
      `https://live.example.com/poster/${room}.png`,
    ]);
    expect(await zbar((await call(`${t.url}/poster/${room}.png`, viaProxy)).body, 'proxied.png')).toEqual([
      `https://live.example.com/room/?room_id=${room}&type=9`,
    ]);
  });

  it('app settings refuse an unknown time zone or language with words a merchant understands, and keep a valid one', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const apps = t.z.services.apps;
    await expect(apps.updateSettings(m.appid, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      field: 'timeZone',
      message: expect.stringContaining('such as Asia/Shanghai'),
    });
    await expect(apps.updateSettings(m.appid, { language: 'fr' })).rejects.toBeInstanceOf(DomainError);
    expect(await apps.updateSettings(m.appid, { timeZone: 'europe/berlin', language: 'en' })).toMatchObject({
      timeZone: 'Europe/Berlin',
      language: 'en',
    });
  });
});

describe('listen address and settings', () => {
  it('loadConfig: RTMP follows the HTTP host unless set; ZHIBO_TRUST_PROXY takes addresses, CIDRs and names and refuses anything else', () => {
    expect(loadConfig({}, { http: '0.0.0.0:8080' }).rtmp).toEqual({ host: '0.0.0.0', port: 1935 });
    expect(loadConfig({ ZHIBO_RTMP: '127.0.0.1:1936' }, { http: '0.0.0.0:8080' }).rtmp).toEqual({ host: '127.0.0.1', port: 1936 });
    expect(loadConfig({ ZHIBO_TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '10.0.0.0/8',
      '::1/128',
    ]);
    expect(() => loadConfig({ ZHIBO_TRUST_PROXY: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ ZHIBO_TRUST_PROXY: 'everyone' })).toThrow(/ZHIBO_TRUST_PROXY: "everyone" is not an IP address/);
  });

  it('linkHost replaces 0.0.0.0 by the LAN address, and the start message says which address links use and how to change it', () => {
    expect(linkHost('0.0.0.0', '192.168.1.5')).toBe('192.168.1.5');
    expect(linkHost('0.0.0.0', undefined)).toBe(lanAddress() ?? '127.0.0.1');
    expect(linkHost('::1', '192.168.1.5')).toBe('[::1]');
    const cfg = loadConfig({});
    expect(addressLines(cfg, { http: 'http://127.0.0.1:8080', rtmp: 'rtmp://127.0.0.1:1935/live' }).join('\n')).toMatch(
      /this machine only[\s\S]*npm start -- --http 0\.0\.0\.0:8080[\s\S]*ZHIBO_PUBLIC_URL=/,
    );
    expect(
      addressLines(loadConfig({}, { http: '0.0.0.0:8080' }), {
        http: 'http://192.168.1.5:8080',
        rtmp: 'rtmp://192.168.1.5:1935/live',
      }).join('\n'),
    ).toMatch(/the address each request came in by[\s\S]*http:\/\/192\.168\.1\.5:8080/);
    expect(
      addressLines(loadConfig({ ZHIBO_PUBLIC_URL: 'https://live.example.com' }), {
        http: 'https://live.example.com',
        rtmp: 'rtmp://x/live',
      }).join('\n'),
    ).toContain('use ZHIBO_PUBLIC_URL=https://live.example.com');
  });

  it('migration 6 turns stored loopback image URLs into /img/ID paths and keeps other URLs', async () => {
    const db = new PGlite();
    await db.exec(`CREATE TABLE rooms (cover_img text, share_img text, feeds_img text, anchor_img text); CREATE TABLE goods (cover_img text);
      CREATE TABLE subscriptions (appid text, openid text, kind text); CREATE TABLE room_interaction (room_id integer);
      INSERT INTO rooms VALUES ('http://127.0.0.1:8080/img/abc_-1', 'https://cdn.example.com/img/a', '', 'http://localhost/img/Z');
      INSERT INTO goods VALUES ('http://[::1]:9/img/q');`);
    await db.exec(m011);
    expect((await db.query('SELECT * FROM rooms')).rows).toEqual([
      { cover_img: '/img/abc_-1', share_img: 'https://cdn.example.com/img/a', feeds_img: '', anchor_img: '/img/Z' },
    ]);
    expect((await db.query('SELECT * FROM goods')).rows).toEqual([{ cover_img: '/img/q' }]);
    await db.close();
  });
});
