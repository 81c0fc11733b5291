import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ffprobe, pushTestStream, startServerProcess, type Pusher, type ServerProcess, waitUntil, WxApi } from '@zhibo/testkit';
import { png } from './helpers.js';

/** An app, a room and its push URL on a running server process, through the CLI and WeChat's API only. */
async function setUpRoom(srv: ServerProcess, dir: string) {
  const { appid, appsecret } = JSON.parse(
    execFileSync(process.execPath, [CLI, 'app', 'create', '--name', 'Crash shop', '--data', dir], { encoding: 'utf8' }),
  ) as { appid: string; appsecret: string };
  const api = new WxApi(srv.http);
  const token = await api.token(appid, appsecret);
  const media = (await api.upload(token, png())).media_id as string;
  const now = Math.floor(Date.now() / 1000);
  const { roomId } = await api.post(
    '/wxaapi/broadcast/room/create',
    {
      name: '崩溃测试直播间',
      coverImg: media,
      shareImg: media,
      anchorName: '主播',
      startTime: now + 600,
      endTime: now + 4200,
      type: 1,
      screenType: 0,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 0,
      closeReplay: 0,
    },
    { access_token: token },
  );
  const { pushAddr } = await api.get('/wxaapi/broadcast/room/getpushurl', { roomId: roomId as number, access_token: token });
  return { appid, appsecret, roomId: roomId as number, pushAddr: pushAddr as string };
}

async function liveStatus(base: string, roomId: number): Promise<number> {
  return ((await (await fetch(`${base}/api/plugin/v1/status?room_id=${roomId}`)).json()) as { liveStatus: number }).liveStatus;
}

/** The same push URL on a restarted server (its RTMP port is new). */
const onServer = (pushAddr: string, srv: ServerProcess) => pushAddr.replace(/^rtmp:\/\/[^/]+\/live/, srv.rtmp);

describe('a real server process killed with SIGKILL', () => {
  let srv: ServerProcess | undefined;
  let dir = '';
  const pushers: Pusher[] = [];
  afterEach(async () => {
    for (const p of pushers.splice(0)) await p.stop();
    await srv?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('S-STATUS-3: a restart in the middle of a live makes the room 106, the reconnect makes it 101, and the recording before the crash becomes a replay', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-restart-'));
    srv = await startServerProcess(dir);
    const r = await setUpRoom(srv, dir);
    const first = pushTestStream(r.pushAddr);
    pushers.push(first);
    await waitUntil(async () => (await liveStatus(srv!.http, r.roomId)) === 101, { timeoutMs: 15_000, what: '101' });
    await new Promise((res) => setTimeout(res, 4000));
    await srv.kill();
    await first.stop();
    srv = await startServerProcess(dir);
    expect(await liveStatus(srv.http, r.roomId)).toBe(106);
    const api = new WxApi(srv.http);
    const token = await api.token(r.appid, r.appsecret);
    // the FLV written before the crash was remuxed at boot: a replay segment of about 4 s
    const replay = await api.post(
      '/wxa/business/getliveinfo',
      { action: 'get_replay', room_id: r.roomId, start: 0, limit: 10 },
      { access_token: token },
    );
    expect(replay.total).toBe(1);
    const probe = await ffprobe((replay.live_replay as Array<{ media_url: string }>)[0]!.media_url);
    expect(probe.codecs).toEqual(['aac', 'h264']);
    expect(probe.durationSec).toBeGreaterThan(2.5);
    pushers.push(pushTestStream(onServer(r.pushAddr, srv)));
    await waitUntil(async () => (await liveStatus(srv!.http, r.roomId)) === 101, {
      timeoutMs: 15_000,
      what: '101 after the anchor reconnects',
    });
  });

  it('S-STATUS-8: a pending 106 timeout that fell due while the server was dead fires at start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-restart-'));
    const env = { ZHIBO_ABNORMAL_TIMEOUT_MS: '3000', ZHIBO_STALL_TIMEOUT_MS: '1500' };
    srv = await startServerProcess(dir, env);
    const r = await setUpRoom(srv, dir);
    const p = pushTestStream(r.pushAddr);
    pushers.push(p);
    await waitUntil(async () => (await liveStatus(srv!.http, r.roomId)) === 101, { timeoutMs: 15_000, what: '101' });
    await p.stop();
    await waitUntil(async () => (await liveStatus(srv!.http, r.roomId)) === 106, { timeoutMs: 10_000, what: '106' });
    await srv.kill();
    await new Promise((res) => setTimeout(res, 3500));
    srv = await startServerProcess(dir, env);
    expect(await liveStatus(srv.http, r.roomId)).toBe(103);
    const events = JSON.parse(
      execFileSync(process.execPath, [CLI, 'room', 'events', String(r.roomId), '--data', dir], { encoding: 'utf8' }),
    ) as { events: Array<{ cause: string; actor: string }> };
    expect(events.events.at(-1)).toMatchObject({ cause: 'abnormal_timeout', actor: 'timer' });
  });

  it("S-API-4: the day's quota count survives a SIGKILL in the middle of its use", async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-restart-'));
    const env = { ZHIBO_DAILY_QUOTA: '30' };
    srv = await startServerProcess(dir, env);
    // the CLI goes through the running server's admin API
    const { appid, appsecret } = JSON.parse(
      execFileSync(process.execPath, [CLI, 'app', 'create', '--name', 'Crash shop', '--data', dir], { encoding: 'utf8' }),
    ) as { appid: string; appsecret: string };
    let api = new WxApi(srv.http);
    let token = await api.token(appid, appsecret);
    const media = (await api.upload(token, png())).media_id as string;
    const now = Math.floor(Date.now() / 1000);
    const created = await api.post(
      '/wxaapi/broadcast/room/create',
      {
        name: '崩溃测试直播间',
        coverImg: media,
        shareImg: media,
        anchorName: '主播',
        startTime: now + 600,
        endTime: now + 4200,
        type: 1,
        screenType: 0,
        closeLike: 0,
        closeGoods: 0,
        closeComment: 0,
      },
      { access_token: token },
    );
    expect(created.errcode).toBe(0);
    for (let i = 0; i < 12; i++)
      expect((await api.post('/wxa/business/getliveinfo', { start: 0, limit: 10 }, { access_token: token })).errcode).toBe(0);
    await srv.kill();
    srv = await startServerProcess(dir, env);
    api = new WxApi(srv.http);
    token = await api.token(appid, appsecret);
    let ok = 0;
    for (let i = 0; i < 40; i++) {
      const r = await api.post('/wxa/business/getliveinfo', { start: 0, limit: 10 }, { access_token: token });
      if (r.errcode === 0) ok++;
      else {
        expect(r.errcode).toBe(45009);
        break;
      }
    }
    expect(ok).toBe(30 - 12);
  });
});
