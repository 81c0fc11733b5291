/** The real-time channel: chat, likes, merchant commands, status pushes (docs/realtime.md). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, LiveStatus, RealtimeErrorCode } from '@zhibo/protocol';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

describe.each(testDbKinds())('realtime channel on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  const open: Viewer[] = [];
  const join = async (roomId: number, extra = {}) => {
    const r = await Viewer.join(t.url, roomId, extra);
    open.push(r.v);
    return r;
  };

  beforeAll(async () => {
    t = await startServer(kind);
    m = await merchant(t);
  });
  afterAll(async () => {
    for (const v of open) v.close();
    await t.cleanup();
  });

  it("S-PLAYER-2: two viewers see each other's chat, merged likes and the viewer count", async () => {
    const roomId = await m.room();
    const { v: a, welcome } = await join(roomId);
    expect(welcome.room).toMatchObject({
      roomId,
      liveStatus: 102,
      name: '测试直播间',
      anchorName: '主播小王',
      goods: [],
      presented: null,
      likes: 0,
      closeComment: false,
    });
    expect(welcome.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    const { v: b } = await join(roomId);
    await a.next('viewers', (x) => x.count === 2);
    a.send({ type: 'chat', text: '你好 from a' });
    b.send({ type: 'chat', text: 'hi from b' });
    const fromA = await b.next('chat', (c) => c.text === '你好 from a');
    expect(fromA.openid).toBe(welcome.openid);
    expect(fromA.nick).toBe(welcome.nick); // a friendly default name (realtime/rules.ts defaultNick), the same the welcome said
    expect(fromA.nick).toMatch(new RegExp(`^\\p{Script=Han}{4}·${welcome.openid.slice(-4)}$`, 'u'));
    await a.next('chat', (c) => c.text === 'hi from b');
    for (let i = 0; i < 10; i++) a.send({ type: 'like', count: 1 });
    b.send({ type: 'like', count: 5 });
    const last = await b.next('likes', (l) => l.total === 15);
    const likes = b.all('likes');
    expect(likes.reduce((s, l) => s + l.delta, 0)).toBe(15);
    expect(likes.length).toBeLessThan(11); // merged per tick, not one message per like frame
    expect(last.seq).toBeGreaterThan(0);
    // A late viewer's snapshot holds the comments and the like total.
    const { welcome: w3 } = await join(roomId);
    expect(w3.room.likes).toBe(15);
    expect(w3.room.comments.map((c) => c.text)).toEqual(['你好 from a', 'hi from b']);
  });

  it('S-PLAYER-2: chat rules — empty, oversized, control characters, script text stays inert text, flooding is rate limited', async () => {
    const roomId = await m.room();
    const { v: a } = await join(roomId);
    const { v: b } = await join(roomId);
    a.send({ type: 'chat', text: '   ' });
    await a.next('error', (e) => e.code === RealtimeErrorCode.Empty);
    a.send({ type: 'chat', text: 'x'.repeat(201) });
    await a.next('error', (e) => e.code === RealtimeErrorCode.TooLong);
    const script = '<script>alert("x")</script><img src=x onerror=alert(1)> & &amp;';
    a.send({ type: 'chat', text: script });
    a.send({ type: 'chat', text: 'a\u0000b\u0007c\u202e' });
    expect((await b.next('chat', (c) => c.text.startsWith('<script>'))).text).toBe(script);
    await b.next('chat', (c) => c.text === 'abc');
    // 5 per 10 s (the test clock does not move): 2 used, 3 more pass, the 6th is refused.
    for (let i = 0; i < 4; i++) a.send({ type: 'chat', text: `flood ${i}` });
    await a.next('error', (e) => e.code === RealtimeErrorCode.RateLimited);
    await b.next('chat', (c) => c.text === 'flood 2');
    b.send({ type: 'chat', text: 'marker' });
    await b.next('chat', (c) => c.text === 'marker');
    expect(b.all('chat').some((c) => c.text === 'flood 3')).toBe(false);
    t.clock.advance(10_000);
    a.send({ type: 'chat', text: 'after the window' });
    await b.next('chat', (c) => c.text === 'after the window');
  });

  it("S-PLAYER-2: a muted viewer's chat reaches nobody; the mute persists; unmute restores", async () => {
    const roomId = await m.room();
    const { v: a, welcome } = await join(roomId);
    const { v: b } = await join(roomId);
    expect((await m.post('/wxaapi/broadcast/room/mute', { roomId, openid: welcome.openid, mute: 1 })).errcode).toBe(0);
    await a.next('muted', (x) => x.you);
    a.send({ type: 'chat', text: 'muted words' });
    await a.next('error', (e) => e.code === RealtimeErrorCode.Muted);
    b.send({ type: 'chat', text: 'b marker' });
    await b.next('chat', (c) => c.text === 'b marker');
    expect(b.all('chat').some((c) => c.text === 'muted words')).toBe(false);
    expect((await m.post('/wxaapi/broadcast/room/mute', { roomId, openid: 'bad', mute: 1 })).errcode).toBe(200002);
    expect((await m.post('/wxaapi/broadcast/room/mute', { roomId, openid: welcome.openid, mute: 0 })).errcode).toBe(0);
    await a.next('muted', (x) => !x.you);
    a.send({ type: 'chat', text: 'free again' });
    await b.next('chat', (c) => c.text === 'free again');
  });

  it('S-PLAYER-2: mutes are stored per room and shown in the welcome (mutedSelf)', async () => {
    const roomId = await m.room();
    const deviceId = 'muted-device-0001';
    const { v: a, welcome } = await join(roomId, { deviceId });
    expect(welcome.mutedSelf).toBe(false);
    await m.post('/wxaapi/broadcast/room/mute', { roomId, openid: welcome.openid, mute: 1 });
    await a.next('muted');
    a.close();
    await waitUntil(() => t.z.services.realtime.channels.get(roomId)?.members.size === 0);
    t.z.services.realtime.channels.drop(roomId); // force a reload from storage
    const { welcome: again } = await join(roomId, { deviceId });
    expect(again.mutedSelf).toBe(true);
  });

  it('S-PLAYER-2: the comment switch — closeComment rooms and room/updatecomment block chat for everyone', async () => {
    const closedRoom = await m.room({ closeComment: 1 });
    const { v: c, welcome } = await join(closedRoom);
    expect(welcome.room.closeComment).toBe(true);
    c.send({ type: 'chat', text: 'no' });
    await c.next('error', (e) => e.code === RealtimeErrorCode.CommentsClosed);

    const roomId = await m.room();
    const { v: a } = await join(roomId);
    const { v: b } = await join(roomId);
    expect((await m.post('/wxaapi/broadcast/room/updatecomment', { roomId, banComment: 1 })).errcode).toBe(0);
    await a.next('comments', (x) => x.closed);
    await b.next('comments', (x) => x.closed);
    a.send({ type: 'chat', text: 'blocked' });
    await a.next('error', (e) => e.code === RealtimeErrorCode.CommentsClosed);
    const info = await m.post('/wxa/business/getliveinfo', { start: 0, limit: 100 });
    expect((info.room_info as Array<{ roomid: number; close_comment: number }>).find((r) => r.roomid === roomId)?.close_comment).toBe(1);
    expect((await m.post('/wxaapi/broadcast/room/updatecomment', { roomId, banComment: 0 })).errcode).toBe(0);
    await a.next('comments', (x) => !x.closed);
    a.send({ type: 'chat', text: 'open again' });
    await b.next('chat', (x) => x.text === 'open again');
    expect((await m.post('/wxaapi/broadcast/room/updatecomment', { roomId, banComment: 2 })).errcode).toBe(200002);
  });

  it('S-PLAYER-2: deleting a comment reaches every viewer and leaves the snapshot', async () => {
    const roomId = await m.room();
    const { v: a } = await join(roomId);
    const { v: b } = await join(roomId);
    a.send({ type: 'chat', text: 'delete me' });
    const c = await b.next('chat', (x) => x.text === 'delete me');
    expect((await m.post('/wxaapi/broadcast/room/deletecomment', { roomId, commentId: c.id })).errcode).toBe(0);
    await a.next('chatDeleted', (x) => x.id === c.id);
    await b.next('chatDeleted', (x) => x.id === c.id);
    const { welcome } = await join(roomId);
    expect(welcome.room.comments.some((x) => x.id === c.id)).toBe(false);
    expect((await m.post('/wxaapi/broadcast/room/deletecomment', { roomId, commentId: 'nope' })).errcode).toBe(200002);
  });

  it('S-PLAYER-2 / S-ROOM-2: shelf changes and the presented product (goods/push) reach viewers; prices in fen', async () => {
    const roomId = await m.room();
    const g1 = await m.goods({ name: '好茶', price: 11 });
    const g2 = await m.goods({ name: '好杯', priceType: 2, price: 5, price2: 9.99 });
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { roomId, ids: [g1] })).errcode).toBe(0);
    const { v: a, welcome } = await join(roomId);
    expect(welcome.room.goods).toEqual([expect.objectContaining({ goods_id: g1, price: 1100, name: '好茶', price_type: 1 })]);
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { roomId, ids: [g2] })).errcode).toBe(0);
    const shelf = await a.next('shelf', (s) => s.goods.length === 2);
    expect(shelf.goods[1]).toMatchObject({ goods_id: g2, price: 500, price2: 999, price_type: 2 });
    expect((await m.post('/wxaapi/broadcast/goods/push', { roomId, goodsId: g2 })).errcode).toBe(0);
    expect((await a.next('present', (p) => p.goods !== null)).goods).toMatchObject({ goods_id: g2, price: 500 });
    const { welcome: w2 } = await join(roomId);
    expect(w2.room.presented?.goods_id).toBe(g2);
    // Off sale: leaves the shelf and stops being presented.
    expect((await m.post('/wxaapi/broadcast/goods/onsale', { roomId, goodsId: g2, onSale: 0 })).errcode).toBe(0);
    await a.next('shelf', (s) => s.goods.length === 1);
    await a.next('present', (p) => p.goods === null);
    expect((await m.post('/wxaapi/broadcast/goods/push', { roomId, goodsId: g2 })).errcode).toBe(300024);
    const g3 = await m.goods({ name: '不在架' });
    expect((await m.post('/wxaapi/broadcast/goods/push', { roomId, goodsId: g3 })).errcode).toBe(300024);
  });

  it("S-API-5 / S-ROOM: another app's token can not push to, mute in, or close comments of the room (300022)", async () => {
    const roomId = await m.room();
    const g = await m.goods();
    await m.post('/wxaapi/broadcast/room/addgoods', { roomId, ids: [g] });
    const { v: a } = await join(roomId);
    const other = await merchant(t);
    expect((await other.post('/wxaapi/broadcast/goods/push', { roomId, goodsId: g })).errcode).toBe(300022);
    expect((await other.post('/wxaapi/broadcast/room/updatecomment', { roomId, banComment: 1 })).errcode).toBe(300022);
    expect((await other.post('/wxaapi/broadcast/room/mute', { roomId, openid: `o${'a'.repeat(27)}`, mute: 1 })).errcode).toBe(300022);
    expect((await other.post('/wxaapi/broadcast/room/deletecomment', { roomId, commentId: 'x' })).errcode).toBe(300022);
    expect((await t.api.post('/wxaapi/broadcast/goods/push', { roomId, goodsId: g })).errcode).toBe(41001);
    expect((await t.api.post('/wxaapi/broadcast/goods/push', '', { access_token: m.token })).errcode).toBe(44002);
    // Nothing reached the viewer.
    a.send({ type: 'ping' });
    await a.next('pong');
    expect(a.all('present')).toEqual([]);
    expect(a.all('comments')).toEqual([]);
  });

  it('S-STATUS / S-PLAYER-2: status changes are pushed; a ban pushes 104 then closes with the terminal code', async () => {
    const roomId = await m.room();
    const { v: a } = await join(roomId);
    await t.z.services.rooms.apply(roomId, 'publish_started', 'test');
    expect(await a.next('status', (s) => s.liveStatus === LiveStatus.Live)).toMatchObject({ cause: 'publish_started', at: t.clock.now() });
    await t.z.services.rooms.apply(roomId, 'paused', 'test');
    await a.next('status', (s) => s.liveStatus === LiveStatus.Paused);
    await t.z.services.rooms.apply(roomId, 'banned', 'ops');
    await a.next('status', (s) => s.liveStatus === LiveStatus.Banned);
    expect(await a.closeCode()).toBe(CloseCode.RoomBanned);
    const late = await Viewer.open(t.url);
    late.send({ type: 'hello', v: 1, roomId, deviceId: 'late-viewer-01', sdkVersion: '1.0.4' });
    expect(await late.closeCode()).toBe(CloseCode.RoomBanned);
  });

  it('S-STATUS-1: chat in an ended room is refused (room_closed); the status arrives first', async () => {
    const roomId = await m.room();
    const { v: a } = await join(roomId);
    await t.z.services.rooms.apply(roomId, 'publish_started', 'test');
    await t.z.services.rooms.apply(roomId, 'anchor_ended', 'test');
    await a.next('status', (s) => s.liveStatus === LiveStatus.Ended);
    a.send({ type: 'chat', text: 'late' });
    await a.next('error', (e) => e.code === RealtimeErrorCode.RoomClosed);
  });
});
