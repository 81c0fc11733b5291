/** The sub-anchor's push key with real RTMP pushes (ffmpeg): either key may push, one publisher at a time; revoking kicks. */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const P = '/wxaapi/broadcast/room/';

describe('sub-anchor push key (real ffmpeg)', () => {
  let t: TestServer;
  const pushers: Pusher[] = [];
  afterEach(async () => {
    for (const p of pushers.splice(0)) await p.stop();
    await t?.cleanup();
  });
  const push = (url: string) => {
    const p = pushTestStream(url);
    pushers.push(p);
    return p;
  };
  const exitedWithin = (p: Pusher, ms: number) =>
    Promise.race([p.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  it('the sub-anchor pushes with its own key; the main key is refused meanwhile; deletesubanchor kicks it and its key stops working; the anchor keeps pushing when the sub-anchor changes', async () => {
    t = await startServer('pglite', { env: { ZHIBO_STALL_TIMEOUT_MS: '2000' } });
    t.clock.set(Date.now());
    const m = await merchant(t);
    const room = await m.room({ anchorWechat: 'wx_anchor' });
    const status = () => t.z.services.rooms.cachedStatus(room)?.status;
    const publishing = () => t.z.services.media.hasPublisher(String(room));
    const rtmp = t.z.services.urls().rtmp;
    expect((await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub' })).errcode).toBe(0);
    const row = (await t.z.services.rooms.getAny(room))!;
    const subUrl = `${rtmp}/${room}?key=${row.sub_stream_key}`;
    const mainUrl = (await t.api.get(`${P}getpushurl`, { roomId: room, access_token: m.token })).pushAddr as string;
    expect(mainUrl).not.toContain(row.sub_stream_key);

    const sub = push(subUrl);
    await waitUntil(() => status() === LiveStatus.Live && publishing(), { timeoutMs: 15_000, what: '101 with the sub-anchor publishing' });
    const main = push(mainUrl);
    expect(await exitedWithin(main, 15_000)).toBe(true); // one publisher at a time, whatever the key
    expect(publishing()).toBe(true);
    expect(await m.post(`${P}deletesubanchor`, { roomId: room })).toMatchObject({ errcode: 0 });
    expect(await exitedWithin(sub, 10_000)).toBe(true);
    await waitUntil(() => status() === LiveStatus.Abnormal, { timeoutMs: 10_000, what: '106 after the sub-anchor was kicked' });
    const stale = push(subUrl);
    expect(await exitedWithin(stale, 15_000)).toBe(true);
    expect(status()).toBe(LiveStatus.Abnormal);

    push(mainUrl);
    await waitUntil(() => status() === LiveStatus.Live && publishing(), { timeoutMs: 15_000, what: '101 with the anchor publishing' });
    expect((await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub2' })).errcode).toBe(0);
    expect((await m.post(`${P}modifysubanchor`, { roomId: room, username: 'wx_sub3' })).errcode).toBe(0);
    expect(await m.post(`${P}deletesubanchor`, { roomId: room })).toMatchObject({ errcode: 0 });
    expect(publishing()).toBe(true); // the anchor's stream is not the sub-anchor's: nobody kicked
    expect(status()).toBe(LiveStatus.Live);
  });
});
