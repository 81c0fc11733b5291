import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ZhiboClient, signViewerToken } from '@zhibo/client';
import { CLI, startServerProcess, type ServerProcess } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const run = promisify(execFile);
const zhibo = (args: string[]) => run(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('the zhibo CLI', () => {
  let dir = '';
  let srv: ServerProcess | undefined;
  afterEach(async () => {
    await srv?.kill();
    srv = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--help explains every command; unknown commands and bad arguments exit 2 with a message', async () => {
    const { stdout } = await zhibo(['--help']);
    for (const w of ['zhibo serve', 'app create', 'room pause|resume|end|ban', 'DATABASE_URL', 'ZHIBO_HTTP']) expect(stdout).toContain(w);
    await expect(zhibo(['fly'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command') });
    await expect(zhibo(['room', 'pause', 'abc'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('numeric ROOMID') });
    await expect(zhibo(['app', 'create'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--name') });
    await expect(zhibo(['serve', '--http', 'nope:x'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('HOST:PORT') });
  });

  it('app create and room actions work on the embedded database without a server, and through a running server', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-cli-'));
    const created = JSON.parse((await zhibo(['app', 'create', '--name', 'Shop', '--data', dir])).stdout) as {
      appid: string;
      appsecret: string;
    };
    expect(created.appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(created.appsecret).toMatch(/^[0-9a-f]{32}$/);
    await expect(zhibo(['room', 'pause', '42', '--data', dir])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('room 42 does not exist'),
    });
    srv = await startServerProcess(dir);
    const token = (
      (await (
        await fetch(`${srv.http}/cgi-bin/token?grant_type=client_credential&appid=${created.appid}&secret=${created.appsecret}`)
      ).json()) as { access_token: string }
    ).access_token;
    expect(token).toBeTruthy();
    // with the server running, the CLI goes through its admin API
    const second = JSON.parse((await zhibo(['app', 'create', '--name', 'Other', '--data', dir])).stdout) as { appid: string };
    expect(second.appid).not.toBe(created.appid);
    await expect(zhibo(['room', 'ban', '777', '--data', dir])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('room 777 does not exist'),
    });
  });
});

describe('@zhibo/client and the plugin reads', () => {
  let t: TestServer;
  afterEach(async () => t?.cleanup());

  it('S-API-4: the client caches the room list and refreshes its token; a stale token is retried once', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    await m.room();
    let now = t.clock.now();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes('getliveinfo')) calls++;
      return fetch(input, init);
    };
    const c = new ZhiboClient({ baseUrl: t.url, appid: m.appid, appsecret: m.appsecret, fetch: counting, now: () => now });
    const a = await c.getLiveInfo(0, 10);
    const b = await c.getLiveInfo(0, 10);
    expect(a.total).toBe(1);
    expect(b).toBe(a);
    expect(calls).toBe(1);
    now += 181_000;
    await c.getLiveInfo(0, 10);
    expect(calls).toBe(2);
    expect(await t.z.services.quota.used(m.appid)).toBe(2);
    // a token that the server no longer accepts (secret reset) is renewed... and fails clearly with the old secret
    await t.z.services.apps.resetSecret(m.appid);
    await expect(c.getLiveInfo(0, 10, { fresh: true })).rejects.toMatchObject({ errcode: 40125 });
  });

  it('S-API-PLUGIN-1..3: status from memory, openid stable per app and viewer and different across apps, signed share_openid', async () => {
    t = await startServer('pglite');
    const a = await merchant(t);
    const b = await merchant(t);
    const roomA = await a.room();
    const roomB = await b.room();
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${t.url}${path}`, { headers });
      return { status: r.status, body: (await r.json()) as Record<string, unknown>, cors: r.headers.get('access-control-allow-origin') };
    };
    expect(await get(`/api/plugin/v1/status?room_id=${roomA}`)).toEqual({ status: 200, body: { liveStatus: 102, maxAge: 60 }, cors: '*' });
    expect((await get('/api/plugin/v1/status?room_id=999999')).status).toBe(404);
    expect((await get('/api/plugin/v1/status?room_id=x')).status).toBe(400);
    const dev = { 'x-zhibo-device': 'device-0123456789' };
    const o1 = (await get(`/api/plugin/v1/openid?room_id=${roomA}`, dev)).body.openid as string;
    const o2 = (await get(`/api/plugin/v1/openid?room_id=${roomA}`, dev)).body.openid as string;
    const oB = (await get(`/api/plugin/v1/openid?room_id=${roomB}`, dev)).body.openid as string;
    expect(o1).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(o2).toBe(o1);
    expect(oB).not.toBe(o1);
    expect(o1).not.toContain('device');
    expect((await get(`/api/plugin/v1/openid?room_id=${roomA}`)).status).toBe(401);
    // a merchant-signed viewer token: the openid follows the user, not the device
    const jwt = signViewerToken(a.appsecret, 'user-42', 3600, Math.floor(Date.now() / 1000));
    const u1 = (await get(`/api/plugin/v1/openid?room_id=${roomA}`, { 'x-zhibo-viewer-token': jwt, 'x-zhibo-device': 'other-device-1' }))
      .body.openid;
    const u2 = (await get(`/api/plugin/v1/openid?room_id=${roomA}`, { 'x-zhibo-viewer-token': jwt })).body.openid;
    expect(u1).toBe(u2);
    const forgedJwt = signViewerToken(b.appsecret, 'user-42');
    expect((await get(`/api/plugin/v1/openid?room_id=${roomA}`, { 'x-zhibo-viewer-token': forgedJwt })).status).toBe(401);
    // share params: a genuine signature passes, a forged share_openid is refused
    const sig = t.z.services.identity.signShare(roomA, o1);
    const cp = encodeURIComponent(JSON.stringify({ pid: 7 }));
    const share = await get(`/api/plugin/v1/share-params?room_id=${roomA}&share_openid=${o1}&share_sig=${sig}&custom_params=${cp}`, {
      'x-zhibo-device': 'friend-device-01',
    });
    expect(share.body).toEqual({ room_id: roomA, openid: expect.stringMatching(/^o/), share_openid: o1, custom_params: { pid: 7 } });
    const forged = await get(`/api/plugin/v1/share-params?room_id=${roomA}&share_openid=${oB}&share_sig=${sig}`, {
      'x-zhibo-device': 'friend-device-01',
    });
    expect(forged.status).toBe(400);
    const tooLong = await get(`/api/plugin/v1/share-params?room_id=${roomA}&custom_params=${'x'.repeat(601)}`, dev);
    expect(tooLong.status).toBe(400);
  });
});
