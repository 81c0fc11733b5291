import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus, ViewerHeaders } from '@zhibo/protocol';
import { CLI, pushTestStream, type Pusher, type ServerProcess, startServerProcess, waitUntil, WxApi } from '@zhibo/testkit';
import { png } from './helpers.js';

/** Run the zhibo command; resolves with its exit code and output (never rejects on a non-zero exit). */
function zhibo(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

const ENV = { ZHIBO_STALL_TIMEOUT_MS: '2000', ZHIBO_LOG_LEVEL: 'warn' };
const DEVICE = 'device-backup-test-1';

describe('zhibo backup / zhibo restore', () => {
  const dirs: string[] = [];
  const procs: ServerProcess[] = [];
  let pusher: Pusher | undefined;
  const bases = new Set<string>();
  const tmp = (p: string) => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    await pusher?.stop();
    for (const p of procs.splice(0)) await p.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** What a merchant, a viewer and the operator see: every answer the restored server must repeat. */
  async function answers(srv: ServerProcess, adminToken: string, token: string, roomId: number) {
    const api = new WxApi(srv.http);
    const list = await api.post('/wxa/business/getliveinfo', { start: 0, limit: 10 }, { access_token: token });
    const replays = await api.post(
      '/wxa/business/getliveinfo',
      { action: 'get_replay', room_id: roomId, start: 0, limit: 10 },
      { access_token: token },
    );
    const goods = await api.get('/wxaapi/broadcast/goods/getapproved', { access_token: token, offset: 0, limit: 10 });
    const admin = { authorization: `Bearer ${adminToken}` };
    const reminders = await (await fetch(`${srv.http}/admin/api/rooms/${roomId}/reminders`, { headers: admin })).json();
    const events = await (await fetch(`${srv.http}/admin/api/rooms/${roomId}/events`, { headers: admin })).json();
    const subscription = await (
      await fetch(`${srv.http}/api/plugin/v1/subscription?room_id=${roomId}`, { headers: { [ViewerHeaders.deviceId]: DEVICE } })
    ).json();
    // the live's one replay (its segments joined) as the room page sees it, and the segment list of get_replay
    const replay = (await (await fetch(`${srv.http}/api/plugin/v1/replay?room_id=${roomId}`)).json()) as {
      state: string;
      media_url: string | null;
    };
    const items = replays.live_replay as Array<{ media_url: string }>;
    const mp4 = await Promise.all(
      [...items.map((r) => r.media_url), ...(replay.media_url ? [replay.media_url] : [])].map(async (url) => {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        return createHash('sha256')
          .update(Buffer.from(await res.arrayBuffer()))
          .digest('hex');
      }),
    );
    // URLs name a server's (random) port — stored ones (images) the first server's: compare them without it.
    // In production ZHIBO_PUBLIC_URL keeps them the same.
    bases.add(srv.http);
    const same = (v: unknown): unknown => JSON.parse([...bases].reduce((t, b) => t.replaceAll(b, 'http://SERVER'), JSON.stringify(v)));
    // the images the answers name are served (they live in the database)
    const cover = (list.room_info as Array<{ cover_img: string }>)[0]!.cover_img;
    const img = await fetch(`${srv.http}${new URL(cover).pathname}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    return { list: same(list), replays: same(replays), replay: same(replay), goods: same(goods), reminders, events, subscription, mp4 };
  }

  it('a backup of a running server with rooms, goods, a replay and reminders restores into a fresh data directory that answers the same', async () => {
    const a = tmp('zhibo-backup-a-');
    const srvA = await startServerProcess(a, ENV);
    procs.push(srvA);
    const adminToken = readFileSync(join(a, 'admin-token'), 'utf8').trim();
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const { appid, appsecret } = (await (
      await fetch(`${srvA.http}/admin/api/apps`, { method: 'POST', headers: admin, body: '{"name":"Backup shop"}' })
    ).json()) as { appid: string; appsecret: string };
    const api = new WxApi(srvA.http);
    const token = await api.token(appid, appsecret);
    const media = (await api.upload(token, png())).media_id as string;
    const now = Math.floor(Date.now() / 1000);
    const room = await api.post(
      '/wxaapi/broadcast/room/create',
      {
        name: '备份直播间',
        coverImg: media,
        startTime: now + 600,
        endTime: now + 7200,
        anchorName: '主播',
        anchorWechat: 'wx_anchor',
        shareImg: media,
        feedsImg: media,
        type: 1,
        screenType: 0,
        closeLike: 0,
        closeGoods: 0,
        closeComment: 0,
        closeReplay: 0, // replays are off unless asked for (WeChat's default)
      },
      { access_token: token },
    );
    const roomId = room.roomId as number;
    const goods = await api.post(
      '/wxaapi/broadcast/goods/add',
      { goodsInfo: { coverImgUrl: media, name: '好茶', priceType: 1, price: 11, url: 'pages/goods/detail?id=1' } },
      { access_token: token },
    );
    expect((await api.post('/wxaapi/broadcast/room/addgoods', { roomId, ids: [goods.goodsId] }, { access_token: token })).errcode).toBe(0);
    const sub = await fetch(`${srvA.http}/api/plugin/v1/subscribe`, {
      method: 'POST',
      headers: { [ViewerHeaders.deviceId]: DEVICE },
      body: JSON.stringify({ room_id: roomId }),
    });
    expect(await sub.json()).toEqual({ subscribed: true });
    // 4 s of real media: the room goes live, the stream ends (106), the recording becomes a replay segment; the
    // operator ends the live (103) and its segments become the live's one replay
    const { pushAddr } = await api.get('/wxaapi/broadcast/room/getpushurl', { roomId, access_token: token });
    pusher = pushTestStream(pushAddr as string, { seconds: 4 });
    await pusher.exited;
    await waitUntil(
      async () => {
        const r = await api.post(
          '/wxa/business/getliveinfo',
          { action: 'get_replay', room_id: roomId, start: 0, limit: 10 },
          { access_token: token },
        );
        return r.total === 1;
      },
      { timeoutMs: 30_000, what: 'one replay segment' },
    );
    const end = await fetch(`${srvA.http}/admin/api/rooms/${roomId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await end.json()).toMatchObject({ live_status: LiveStatus.Ended });
    await waitUntil(
      async () => {
        const r = (await (await fetch(`${srvA.http}/api/plugin/v1/replay?room_id=${roomId}`)).json()) as { state: string };
        return r.state === 'ready';
      },
      { timeoutMs: 30_000, what: "the live's one replay ready" },
    );
    const before = await answers(srvA, adminToken, token, roomId);
    expect((before.list as { room_info: Array<{ live_status: number }> }).room_info[0]!.live_status).toBe(LiveStatus.Ended);
    expect(before.replay).toMatchObject({
      state: 'ready',
      media_url: expect.stringMatching(/^http:\/\/SERVER\/replay\/\d+\/live\/[A-Za-z0-9_-]+\.mp4$/),
    });
    expect(before.reminders).toMatchObject({ subscriptions: 1 });
    expect(before.mp4).toHaveLength(2);

    // the backup goes through the running server's admin API
    const file = join(tmp('zhibo-backup-file-'), 'zhibo.tar');
    const backup = await zhibo(['backup', file, '--data', a]);
    expect(backup.out).toContain('backup of the running server written to');
    expect(backup.code).toBe(0);
    expect(readdirSync(a).filter((f) => f.startsWith('.backup-'))).toEqual([]);
    await srvA.stop();
    rmSync(a, { recursive: true, force: true }); // nothing of the original is left to lean on

    const b = join(tmp('zhibo-backup-b-'), 'data');
    const restore = await zhibo(['restore', file, '--data', b]);
    // the segment, and the one replay (one segment: the same file, named by both rows)
    expect(restore.out).toContain('2 replay file paths moved');
    expect(restore.code).toBe(0);
    const srvB = await startServerProcess(b, ENV);
    procs.push(srvB);
    expect(readFileSync(join(b, 'admin-token'), 'utf8').trim()).toBe(adminToken);
    const after = await answers(srvB, adminToken, token, roomId);
    expect(after).toEqual(before);

    // a second restore into the same directory is refused, and the data there is untouched
    const again = await zhibo(['restore', file, '--data', b]);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/a server is running on .*: stop it/);
    await srvB.stop();
    const onStopped = await zhibo(['restore', file, '--data', b]);
    expect(onStopped.code).toBe(1);
    expect(onStopped.out).toContain('already holds a database (pg/)');
    const srvB2 = await startServerProcess(b, ENV);
    procs.push(srvB2);
    expect(await answers(srvB2, adminToken, token, roomId)).toEqual(before);
  });

  it('zhibo restore of a file that is not a backup says so and leaves the target directory empty', async () => {
    const dir = tmp('zhibo-restore-bad-');
    const junk = join(dir, 'junk.tar');
    writeFileSync(junk, 'this is not a tar file at all'.repeat(40));
    const target = join(dir, 'data');
    const r = await zhibo(['restore', junk, '--data', target]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/zhibo: .*(not a readable backup|not a zhibo backup)/);
    expect(existsSync(join(target, 'pg'))).toBe(false);
    expect(readdirSync(target)).toEqual([]);
    const missing = await zhibo(['restore', join(dir, 'nope.tar'), '--data', target]);
    expect(missing.out).toContain('nope.tar: no such file');
    expect(missing.code).toBe(1);
  });
});
