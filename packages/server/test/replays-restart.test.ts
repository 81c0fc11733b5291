/**
 * Issue 15 across a crash: a server process killed with SIGKILL in the middle of a live keeps what the merchant did
 * (the presents were written down as they happened); after the restart the FLV the crash left becomes a segment, the
 * anchor's reconnect a second one, and when the live ends the one replay is built from both, with the markers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PluginReplayResponse } from '@zhibo/protocol';
import { CLI, ffprobe, pushTestStream, startServerProcess, type Pusher, type ServerProcess, waitUntil, WxApi } from '@zhibo/testkit';
import { png } from './helpers.js';

const status = async (base: string, roomId: number) =>
  ((await (await fetch(`${base}/api/plugin/v1/status?room_id=${roomId}`)).json()) as { liveStatus: number }).liveStatus;

describe('a replay across a SIGKILL (real server process, real ffmpeg)', () => {
  let srv: ServerProcess | undefined;
  let dir = '';
  const pushers: Pusher[] = [];
  afterEach(async () => {
    for (const p of pushers.splice(0)) await p.stop();
    await srv?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a present before the crash is a marker of the one replay built after the restart and the end', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-replay-crash-'));
    srv = await startServerProcess(dir, { ZHIBO_STALL_TIMEOUT_MS: '2000' });
    const { appid, appsecret } = JSON.parse(
      execFileSync(process.execPath, [CLI, 'app', 'create', '--name', 'Crash shop', '--data', dir], { encoding: 'utf8' }),
    ) as { appid: string; appsecret: string };
    let api = new WxApi(srv.http);
    let token = await api.token(appid, appsecret);
    const media = (await api.upload(token, png())).media_id as string;
    const now = Math.floor(Date.now() / 1000);
    const { roomId } = await api.post(
      '/wxaapi/broadcast/room/create',
      {
        name: '崩溃回放测试',
        coverImg: media,
        shareImg: media,
        anchorName: '主播',
        startTime: now + 600,
        endTime: now + 4200,
        type: 1,
        screenType: 0,
        closeReplay: 0, // WeChat's default is 1 (no replay)
      },
      { access_token: token },
    );
    const room = roomId as number;
    const { goodsId } = await api.post(
      '/wxaapi/broadcast/goods/add',
      { goodsInfo: { coverImgUrl: media, name: '岩茶', priceType: 1, price: 58, url: 'pages/goods/detail?id=1' } },
      { access_token: token },
    );
    expect((await api.post('/wxaapi/broadcast/room/addgoods', { ids: [goodsId], roomId: room }, { access_token: token })).errcode).toBe(0);
    const { pushAddr } = await api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: token });

    const first = pushTestStream(pushAddr as string, { gopSeconds: 1 });
    pushers.push(first);
    await waitUntil(async () => (await status(srv!.http, room)) === 101, { timeoutMs: 15_000, what: '101' });
    const live = Date.now();
    await waitUntil(() => Date.now() >= live + 1500, { timeoutMs: 5000, intervalMs: 20, what: '1.5 s of live' });
    expect((await api.post('/wxaapi/broadcast/goods/push', { roomId: room, goodsId }, { access_token: token })).errcode).toBe(0);
    await waitUntil(() => Date.now() >= live + 4000, { timeoutMs: 5000, intervalMs: 20, what: '4 s of live' });
    await srv.kill();
    await first.stop();

    srv = await startServerProcess(dir, { ZHIBO_STALL_TIMEOUT_MS: '2000' });
    expect(await status(srv.http, room)).toBe(106);
    const again = pushTestStream((pushAddr as string).replace(/^rtmp:\/\/[^/]+\/live/, srv.rtmp), { gopSeconds: 1 });
    pushers.push(again);
    await waitUntil(async () => (await status(srv!.http, room)) === 101, { timeoutMs: 15_000, what: '101 after the reconnect' });
    const back = Date.now();
    await waitUntil(() => Date.now() >= back + 3000, { timeoutMs: 6000, intervalMs: 20, what: '3 s more' });
    execFileSync(process.execPath, [CLI, 'room', 'end', String(room), '--data', dir], { encoding: 'utf8' });

    const replay = await waitUntil(
      async () => {
        const r = (await (await fetch(`${srv!.http}/api/plugin/v1/replay?room_id=${room}`)).json()) as PluginReplayResponse;
        return r.state === 'ready' && r.markers.every((m) => m.clip_url) ? r : undefined;
      },
      { timeoutMs: 60_000, what: 'the replay built after the restart' },
    );
    api = new WxApi(srv.http);
    token = await api.token(appid, appsecret);
    const segs = await api.post(
      '/wxa/business/getliveinfo',
      { action: 'get_replay', room_id: room, start: 0, limit: 10 },
      { access_token: token },
    );
    expect(segs.total).toBe(2);
    const [s1, s2] = await Promise.all((segs.live_replay as Array<{ media_url: string }>).map((s) => ffprobe(s.media_url)));
    expect(Math.abs((await ffprobe(replay.media_url!)).durationSec - (s1!.durationSec + s2!.durationSec))).toBeLessThan(0.5);
    // the present at ~1.5 s of the first session runs to the end of the replay (no other present)
    expect(replay.markers.map((m) => m.goods_id)).toEqual([goodsId]);
    expect(Math.abs(replay.markers[0]!.start - 1.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(replay.markers[0]!.end - replay.duration_sec!)).toBeLessThan(0.01);
    expect((await api.post('/wxaapi/broadcast/goods/getVideo', { roomId: room, goodsId }, { access_token: token })).url).toBe(
      replay.markers[0]!.clip_url,
    );
  });
});
