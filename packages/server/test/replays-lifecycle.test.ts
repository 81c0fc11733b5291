/**
 * Issue 15: the life of a live's replay, with real ffmpeg. A live that reconnected is one replay (its segments joined,
 * get_replay still lists both); the merchant moves and adds markers in the console (clips cut again) and bad marker
 * input is refused; deleting a room removes every file it had (segments, the joined replay, clips) at once; after the
 * replay's year the one replay, its clips and markers go with the segments — nothing is left on disk.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStatus, type PluginReplayResponse } from '@zhibo/protocol';
import { ffprobe, pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { Role } from '../src/modules/console/index.js';
import { ConsoleClient } from './console-helpers.js';
import { merchant, startServer, type TestServer } from './helpers.js';

const files = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : [];

describe('a replay from recording to expiry and deletion (real ffmpeg)', () => {
  let t: TestServer;
  let tick: ReturnType<typeof setInterval> | undefined;
  const pushers: Pusher[] = [];
  afterAll(async () => {
    clearInterval(tick);
    for (const p of pushers) await p.stop();
    await t?.cleanup();
  });

  it(
    'a reconnected live is one joined replay; console edits re-cut clips; deleting the room and the replay’s year leave nothing on disk',
    { timeout: 180_000 },
    async () => {
      t = await startServer('pglite', { env: { ZHIBO_STALL_TIMEOUT_MS: '2000' } });
      t.clock.set(Date.now());
      tick = setInterval(() => t.clock.set(Date.now()), 20);
      const m = await merchant(t);
      const [x, y] = [await m.room({ name: '单段回放测试' }), await m.room({ name: '重连回放测试' })];
      const ga = await m.goods({ name: '白茶饼', price: 68 });
      const gb = await m.goods({ name: '茶盘', price: 120, url: 'pages/goods/detail?id=2' });
      for (const r of [x, y]) expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [ga, gb], roomId: r })).errcode).toBe(0);
      const status = (r: number) => t.z.services.rooms.cachedStatus(r)?.status;
      const pushUrl = async (r: number) =>
        (await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: r, access_token: m.token })).pushAddr as string;
      const push = (url: string, seconds?: number) => {
        const p = pushTestStream(url, { gopSeconds: 1, seconds });
        pushers.push(p);
        return p;
      };
      const since = (ms: number) => waitUntil(() => Date.now() >= ms, { timeoutMs: 30_000, intervalMs: 20, what: 'time to pass' });

      // room x: one session of ~6 s, A presented at ~2 s; room y: 4 s, a drop (106), then ~4 s more, B presented in the second session
      push(await pushUrl(x));
      const first = push(await pushUrl(y), 4);
      await waitUntil(() => status(x) === LiveStatus.Live && status(y) === LiveStatus.Live, { timeoutMs: 15_000, what: 'both rooms live' });
      const live = Date.now();
      await since(live + 2000);
      expect((await m.post('/wxaapi/broadcast/goods/push', { roomId: x, goodsId: ga })).errcode).toBe(0);
      await first.exited;
      await waitUntil(() => status(y) === LiveStatus.Abnormal, { timeoutMs: 10_000, what: 'room y 106 after the drop' });
      push(await pushUrl(y));
      await waitUntil(() => status(y) === LiveStatus.Live, { timeoutMs: 15_000, what: 'room y live again' });
      const again = Date.now();
      await since(again + 1500);
      expect((await m.post('/wxaapi/broadcast/goods/push', { roomId: y, goodsId: gb })).errcode).toBe(0);
      await since(Math.max(again + 4000, live + 6000));
      for (const r of [x, y])
        expect(
          (
            await fetch(`${t.url}/admin/api/rooms/${r}/end`, {
              method: 'POST',
              headers: { authorization: `Bearer ${t.z.services.adminToken}` },
            })
          ).status,
        ).toBe(200);
      clearInterval(tick);

      const ready = (r: number) =>
        waitUntil(
          async () => {
            const b = (await (await fetch(`${t.url}/api/plugin/v1/replay?room_id=${r}`)).json()) as PluginReplayResponse;
            return b.state === 'ready' && b.markers.every((mk) => mk.clip_url) ? b : undefined;
          },
          { timeoutMs: 60_000, what: `the replay of room ${r}` },
        );
      const [rx, ry] = [await ready(x), await ready(y)];

      // y: two segments joined into one replay whose length is theirs together; get_replay keeps WeChat's two segments
      const segs = await m.post('/wxa/business/getliveinfo', { action: 'get_replay', room_id: y, start: 0, limit: 10 });
      expect(segs.total).toBe(2);
      const parts = await Promise.all((segs.live_replay as Array<{ media_url: string }>).map((s) => ffprobe(s.media_url)));
      const whole = await ffprobe(ry.media_url!);
      expect(Math.abs(whole.durationSec - (parts[0]!.durationSec + parts[1]!.durationSec))).toBeLessThan(0.5);
      expect(ry.media_url).not.toBe((segs.live_replay as Array<{ media_url: string }>)[0]!.media_url);
      // B's marker is where the second session had run ~1.5 s, i.e. after the whole first segment
      expect(ry.markers.map((mk) => mk.goods_id)).toEqual([gb]);
      expect(Math.abs(ry.markers[0]!.start - (parts[0]!.durationSec + 1.5))).toBeLessThanOrEqual(1);
      // x: a single segment is its own replay (no copy)
      expect(rx.markers.map((mk) => mk.goods_id)).toEqual([ga]);

      // the console: the merchant moves A's marker (its clip is cut again) and adds one for B; bad input names the field
      const op = new ConsoleClient(t.url);
      await t.z.services.accounts.create({ login: 'ops', name: 'Operator', role: Role.Operator, password: 'correct horse battery' });
      expect((await op.login('ops', 'correct horse battery')).status).toBe(200);
      const hl = await op.get(`/rooms/${x}/highlights`);
      expect(hl.body).toMatchObject({
        state: 'ready',
        markers: [{ goods_id: ga, origin: 'live', edited: false, clip: { status: 'ready' } }],
      });
      const markerId = (hl.body.markers as Array<{ id: number }>)[0]!.id;
      const oldClip = rx.markers[0]!.clip_url!;
      expect((await op.put(`/rooms/${x}/highlights/${markerId}`, { start: 1, end: 4 })).status).toBe(200);
      expect((await op.post(`/rooms/${x}/highlights`, { goods_id: gb, start: '0:04', end: 5.5 })).status).toBe(400); // "0:04" is the UI's, not the API's
      expect((await op.post(`/rooms/${x}/highlights`, { goods_id: gb, start: 4, end: 5.5 })).status).toBe(201);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ goods_id: gb, start: -1, end: 3 }, 'start'],
        [{ goods_id: gb, start: 2, end: 2.5 }, 'end'],
        [{ goods_id: gb, start: 2, end: 9999 }, 'end'],
        [{ goods_id: 999999, start: 1, end: 3 }, 'goods_id'],
        [{ start: 1, end: 3 }, 'goods_id'],
      ];
      for (const [body, field] of bad) {
        const r = await op.post(`/rooms/${x}/highlights`, body);
        expect([r.status, Object.keys(r.body.fields ?? {})]).toEqual([400, [field]]);
      }
      expect((await op.put(`/rooms/${x}/highlights/999999`, { start: 1, end: 3 })).status).toBe(404);
      expect((await op.del(`/rooms/${x}/highlights/999999`)).status).toBe(404);
      const edited = await waitUntil(
        async () => {
          const b = (await op.get(`/rooms/${x}/highlights`)).body as {
            markers: Array<{ goods_id: number; start: number; end: number; edited: boolean; clip: { status: string; url: string | null } }>;
          };
          return b.markers.length === 2 && b.markers.every((mk) => mk.clip.status === 'ready') ? b.markers : undefined;
        },
        { timeoutMs: 30_000, what: 'the clips cut again' },
      );
      expect(edited.map((mk) => [mk.goods_id, mk.start, mk.end, mk.edited])).toEqual([
        [ga, 1, 4, true],
        [gb, 4, 5.5, true],
      ]);
      expect(Math.abs((await ffprobe(edited[0]!.clip.url!)).durationSec - 3)).toBeLessThanOrEqual(1);
      expect((await fetch(oldClip)).status).toBe(404); // the old clip is gone
      expect((await m.post('/wxaapi/broadcast/goods/getVideo', { roomId: x, goodsId: gb })).url).toBe(edited[1]!.clip.url);

      // deleting room y removes all its files at once: segments, the joined replay, its clip, the directories
      const dataDir = t.dataDir;
      const recordings = join(dataDir, 'recordings');
      const replays = join(dataDir, 'replays');
      const of = (r: number) => [...files(join(recordings, String(r))), ...files(join(replays, String(r)))];
      expect(of(y).filter((f) => f.endsWith('.mp4')).length).toBe(4); // 2 segments, the joined replay, B's clip
      expect((await m.post('/wxaapi/broadcast/room/deleteroom', { id: y })).errcode).toBe(0);
      await waitUntil(() => !existsSync(join(recordings, String(y))) && !existsSync(join(replays, String(y))), {
        timeoutMs: 10_000,
        what: 'room y’s files gone',
      });
      expect((await fetch(ry.media_url!)).status).toBe(404);
      expect(await t.z.db.query('SELECT 1 FROM replay_markers WHERE room_id = $1', [y])).toEqual([]);

      // a year later: room x's replay expires with its clips and markers; nothing of it is left on disk
      expect(of(x).filter((f) => f.endsWith('.mp4')).length).toBe(3); // the segment and two clips
      t.clock.advance(366 * 86_400_000);
      await t.z.services.replayExpiry.runOnce();
      expect(of(x)).toEqual([]);
      expect(existsSync(join(recordings, String(x)))).toBe(false);
      expect(existsSync(join(replays, String(x)))).toBe(false);
      const after = (await (await fetch(`${t.url}/api/plugin/v1/replay?room_id=${x}`)).json()) as PluginReplayResponse;
      expect(after).toMatchObject({ state: 'closed', media_url: null, markers: [] });
      await m.refresh(); // a year later the access_token is long expired
      expect((await m.post('/wxaapi/broadcast/goods/getVideo', { roomId: x, goodsId: ga })).errcode).toBe(300046);
      expect(await t.z.db.query('SELECT 1 FROM replay_markers WHERE room_id = $1', [x])).toEqual([]);
      expect(files(recordings).concat(files(replays))).toEqual([]);
    },
  );
});
