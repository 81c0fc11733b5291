/**
 * stable_token as WeChat runs it (the same token until it nears expiry; force_refresh limited), with the fake clock;
 * and a request carrying `Upgrade: h2c` (Java 11 HttpClient, curl --http2) answered over HTTP/1.1.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const GLI = '/wxa/business/getliveinfo';

describe.each(testDbKinds())('stable_token on %s', (kind) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('stable_token: instances sharing an app get the same token until 5 minutes before expiry; the old one keeps working; /cgi-bin/token never knocks it out', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const stable = async (force?: unknown) =>
      t!.api.post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: m.appid,
        secret: m.appsecret,
        ...(force === undefined ? {} : { force_refresh: force }),
      });
    const works = async (token: string) => (await t!.api.post(GLI, { start: 0, limit: 10 }, { access_token: token })).errcode === 1;
    const a = await stable(false);
    expect(a).toMatchObject({ expires_in: 7200 });
    t.clock.advance(3600_000);
    const b = await stable();
    expect(b).toEqual({ access_token: a.access_token, expires_in: 3600 });
    // an ordinary token issued meanwhile does not end the stable one (and the other way round)
    const ordinary = await t.api.token(m.appid, m.appsecret);
    t.clock.advance(600_000);
    expect(await works(a.access_token as string)).toBe(true);
    expect(await works(ordinary)).toBe(true);
    t.clock.advance(2900_000); // 300 s left: renewed
    const c = await stable();
    expect(c.access_token).not.toBe(a.access_token);
    expect(c.expires_in).toBe(7200);
    expect(await works(a.access_token as string)).toBe(true); // runs out by itself
    expect(await stable()).toMatchObject({ access_token: c.access_token });
    t.clock.advance(301_000);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: a.access_token as string })).errcode).toBe(42001);
    expect(await works(c.access_token as string)).toBe(true);
    expect(await works(ordinary)).toBe(true);
  });

  it('stable_token force_refresh: a new token at once, the previous one ends; 45011 within 30 s; 45009 after 20 a day; bad input errcodes', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const stable = async (over: Record<string, unknown> = {}) =>
      t!.api.post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: m.appid,
        secret: m.appsecret,
        force_refresh: true,
        ...over,
      });
    const a = await stable({ force_refresh: false });
    const b = await stable();
    expect(b.access_token).not.toBe(a.access_token);
    expect([40001, 42001]).toContain((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: a.access_token as string })).errcode);
    expect((await t.api.post(GLI, { start: 0, limit: 10 }, { access_token: b.access_token as string })).errcode).toBe(1);
    expect(await stable()).toMatchObject({ errcode: 45011 });
    for (let i = 1; i < 20; i++) {
      t.clock.advance(31_000);
      expect((await stable()).access_token, `forced refresh ${i + 1}`).toBeTypeOf('string');
    }
    t.clock.advance(31_000);
    expect(await stable()).toMatchObject({ errcode: 45009 });
    expect(await stable({ force_refresh: false })).toMatchObject({ expires_in: expect.any(Number) as number }); // normal mode still answers
    t.clock.advance(86_400_000);
    expect((await stable()).access_token).toBeTypeOf('string'); // a new day
    expect(await stable({ secret: 'wrong' })).toMatchObject({ errcode: 40125 });
    expect(await stable({ grant_type: 'password' })).toMatchObject({ errcode: 40002 });
    expect(await stable({ force_refresh: 'maybe' })).toMatchObject({ errcode: 200002 });
  });
});

describe('HTTP details', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  const raw = (port: number, request: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let got = '';
      s.on('data', (d) => {
        got += d.toString('utf8');
        const m = /content-length: (\d+)\r\n[\s\S]*?\r\n\r\n/i.exec(got);
        if (m && Buffer.byteLength(got.slice(got.indexOf('\r\n\r\n') + 4)) >= Number(m[1])) {
          s.destroy();
          resolve(got);
        }
      });
      s.on('error', reject);
      s.setTimeout(10_000, () => reject(new Error(`no answer; got ${JSON.stringify(got)}`)));
      s.write(request);
    });

  it('Upgrade: h2c on a raw socket is answered over HTTP/1.1 (GET, and POST with its body)', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const port = Number(new URL(t.url).port);
    const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n';
    const get = await raw(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${h2c}\r\n`);
    expect(get).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(get).toContain('"ok":true');
    const body = JSON.stringify({ start: 0, limit: 10 });
    const post = await raw(
      port,
      `POST ${GLI}?access_token=${m.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${h2c}\r\n${body}`,
    );
    expect(post).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(post).toContain('"errcode":1');
  });

  it('a known WeChat path with the wrong method answers 43001/43002, an unknown one 40066, never echoing the query', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const post = await (
      await fetch(`${t.url}/wxaapi/broadcast/room/getassistantlist?access_token=${m.token}&roomId=1`, { method: 'POST', body: '{}' })
    ).json();
    expect(post).toEqual({ errcode: 43001, errmsg: 'require GET method' });
    const get = await (await fetch(`${t.url}/wxaapi/broadcast/room/addsubanchor?access_token=${m.token}`)).json();
    expect(get).toEqual({ errcode: 43002, errmsg: 'require POST method' });
    // getrolelist takes both (PowerWeChat POSTs it)
    expect(
      await (
        await fetch(`${t.url}/wxaapi/broadcast/role/getrolelist?access_token=${m.token}`, { method: 'POST', body: '{"role":-1}' })
      ).json(),
    ).toMatchObject({ errcode: 0 });
    const unknown = await (
      await fetch(`${t.url}/wxaapi/broadcast/room/nosuchcall?access_token=${m.token}`, { method: 'POST', body: '{}' })
    ).text();
    expect(JSON.parse(unknown)).toMatchObject({ errcode: 40066 });
    expect(unknown).not.toContain(m.token);
  });

  it('applyliveinfo {action: apply} is granted at once (every zhibo app has live); another action is 40097', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    expect(await m.post('/wxa/business/applyliveinfo', { action: 'apply' })).toEqual({ errcode: 0, errmsg: 'ok', action: 'apply' });
    expect(await m.post('/wxa/business/applyliveinfo', { action: 'revoke' })).toMatchObject({ errcode: 40097 });
    expect(await t.api.post('/wxa/business/applyliveinfo', { action: 'apply' }, { access_token: 'nope' })).toMatchObject({
      errcode: 40001,
    });
  });

  it('curl --http2 (h2c upgrade) gets WeChat answers over HTTP/1.1', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const curl = (args: string[]) =>
      new Promise<{ out: string; err: string }>((resolve, reject) =>
        execFile('curl', ['-sS', '-v', '--http2', '--max-time', '10', ...args], (e, out, err) =>
          e ? reject(new Error(`${e.message}\n${err}`)) : resolve({ out, err }),
        ),
      );
    const a = await curl([
      '-X',
      'POST',
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ start: 0, limit: 10 }),
      `${t.url}${GLI}?access_token=${m.token}`,
    ]);
    expect(a.err).toMatch(/> Upgrade: h2c/);
    expect(a.err).toMatch(/< HTTP\/1\.1 200 OK/);
    expect(JSON.parse(a.out)).toMatchObject({ errcode: 1 });
    const b = await curl([`${t.url}/cgi-bin/token?grant_type=client_credential&appid=${m.appid}&secret=${m.appsecret}`]);
    expect(JSON.parse(b.out)).toMatchObject({ expires_in: 7200 });
  });
});
