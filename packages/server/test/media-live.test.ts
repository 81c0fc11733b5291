import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { ffprobe, pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

describe('the media plane wired to the room lifecycle (real ffmpeg)', () => {
  let t: TestServer;
  const pushers: Pusher[] = [];
  afterEach(async () => {
    for (const p of pushers.splice(0)) await p.stop();
    await t?.cleanup();
  });
  const push = (url: string, seconds?: number) => {
    const p = pushTestStream(url, { seconds });
    pushers.push(p);
    return p;
  };

  it('S-STATUS-2/-3/-4: 102 → 101 → 106 → 101 → 103 with a real stream; get_replay lists one segment per session (S-REPLAY-1, S-API-3)', async () => {
    t = await startServer('pglite', { env: { ZHIBO_STALL_TIMEOUT_MS: '2000' } });
    t.clock.set(Date.now());
    const m = await merchant(t);
    const room = await m.room();
    const status = () => t.z.services.rooms.cachedStatus(room)?.status;
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    expect(status()).toBe(LiveStatus.NotStarted);

    // session 1: exactly 8 s of media (ffmpeg -t 8), then the anchor's connection ends without End
    const first = push(pushAddr as string, 8);
    await waitUntil(() => status() === LiveStatus.Live, { timeoutMs: 15_000, what: '101 after publish' });
    const pushed: number[] = [8];
    // ffprobe reads H.264 + AAC from HTTP-FLV and from HLS
    expect((await ffprobe(`${t.url}/live/${room}.flv`)).codecs).toEqual(['aac', 'h264']);
    await waitUntil(async () => (await fetch(`${t.url}/live/${room}/index.m3u8`)).ok, { timeoutMs: 15_000, what: 'HLS playlist' });
    const playlist = await (await fetch(`${t.url}/live/${room}/index.m3u8`)).text();
    expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME');
    expect((await ffprobe(`${t.url}/live/${room}/index.m3u8`)).codecs).toEqual(['aac', 'h264']);
    await first.exited;
    const lostAt = Date.now();
    await waitUntil(() => status() === LiveStatus.Abnormal, { timeoutMs: 10_000, what: '106 after the stream dropped' });
    // the dropped connection, not the 15-minute timeout: seconds (the figure is in docs/performance.md)
    expect(Date.now() - lostAt).toBeLessThan(10_000);

    const second = push(pushAddr as string);
    await waitUntil(() => status() === LiveStatus.Live, { timeoutMs: 15_000, what: '101 after re-publish' });
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 4000));
    const end = await fetch(`${t.url}/admin/api/rooms/${room}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.z.services.adminToken}` },
    });
    expect(await end.json()).toMatchObject({ live_status: 103 });
    pushed.push((Date.now() - since) / 1000);
    await second.exited; // the publisher was closed by the server
    expect(status()).toBe(LiveStatus.Ended);
    const causes = (await t.z.services.rooms.auditLog(room)).map((e) => `${e.from_status}->${e.to_status}:${e.cause}`);
    expect(causes).toEqual([
      'null->102:created',
      '102->101:publish_started',
      '101->106:stream_lost',
      '106->101:publish_started',
      '101->103:anchor_ended',
    ]);

    const replays = await waitUntil(
      async () => {
        const r = await m.post('/wxa/business/getliveinfo', { action: 'get_replay', room_id: room, start: 0, limit: 10 });
        return r.total === 2 ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'two replay segments' },
    );
    const items = replays.live_replay as Array<{ media_url: string; create_time: string; expire_time: string }>;
    for (const [i, item] of items.entries()) {
      expect(item.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(item.expire_time) - Date.parse(item.create_time)).toBe(365 * 86_400_000);
      const probe = await ffprobe(item.media_url);
      expect(probe.codecs).toEqual(['aac', 'h264']);
      // S-API-3 acceptance: the segment's duration matches what was pushed (± 1 s): 8 s of media, then ~4 s until End
      expect(Math.abs(probe.durationSec - pushed[i]!)).toBeLessThanOrEqual(1);
    }
    // range requests on the replay
    const ranged = await fetch(items[0]!.media_url, { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    // 103: no live video any more
    expect((await fetch(`${t.url}/live/${room}.flv`)).status).toBe(410);
  });

  it('publishing is refused for a wrong key, a second publisher, and a 104 room; other rooms are undisturbed', async () => {
    t = await startServer('pglite');
    const m = await merchant(t);
    const room = await m.room();
    const other = await m.room({ name: '另一个直播间' });
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    const { pushAddr: otherAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: other, access_token: m.token });
    const wrong = push((pushAddr as string).replace(/key=.*/, 'key=nope'));
    expect(await wrong.exited).not.toBe(0);
    expect(t.z.services.rooms.cachedStatus(room)?.status).toBe(LiveStatus.NotStarted);
    push(otherAddr as string);
    await waitUntil(() => t.z.services.rooms.cachedStatus(other)?.status === LiveStatus.Live, { timeoutMs: 15_000 });
    const again = push(otherAddr as string);
    expect(await again.exited).not.toBe(0);
    expect(t.z.services.media.hasPublisher(String(other))).toBe(true);
    await t.z.services.rooms.apply(room, 'banned', 'test');
    const banned = push(pushAddr as string);
    expect(await banned.exited).not.toBe(0);
    expect((await fetch(`${t.url}/live/${room}.flv`)).status).toBe(403);
    expect(t.z.services.rooms.cachedStatus(other)?.status).toBe(LiveStatus.Live);
  });
});
