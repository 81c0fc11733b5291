/** The real-time channel: entries and the share chain, site connections, resume, protocol rules, backpressure. */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { CloseCode, EntryKind, SDK_VERSION, shouldReconnect } from '@zhibo/protocol';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { newDevice, Viewer } from './realtime-helpers.js';
import { signKeyOf } from '../src/lib/crypto.js';

describe.each(testDbKinds())('realtime entries, sites and protocol on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  const open: Viewer[] = [];
  const join = async (roomId: number, extra = {}) => {
    const r = await Viewer.join(t.url, roomId, extra);
    open.push(r.v);
    return r;
  };
  const raw = async (path?: string) => {
    const v = await Viewer.open(t.url, path);
    open.push(v);
    return v;
  };

  beforeAll(async () => {
    t = await startServer(kind);
    m = await merchant(t);
  });
  afterAll(async () => {
    for (const v of open) v.close();
    await t.cleanup();
  });

  it('close codes: 3000–3499 reconnect, 3500–3999 are terminal', () => {
    expect(shouldReconnect(CloseCode.ServerShutdown)).toBe(true);
    expect(shouldReconnect(CloseCode.SlowConsumer)).toBe(true);
    expect(shouldReconnect(1006)).toBe(true);
    for (const c of [CloseCode.BadHello, CloseCode.UnknownRoom, CloseCode.RoomBanned, CloseCode.ProtocolViolation, CloseCode.VersionTooOld])
      expect(shouldReconnect(c)).toBe(false);
  });

  it('S-PLAYER-2: garbage, a non-hello first message, binary frames, unknown rooms and old SDKs get terminal close codes', async () => {
    const roomId = await m.room();
    const garbage = await raw();
    garbage.send('}{ not json');
    expect(await garbage.closeCode()).toBe(CloseCode.BadHello);
    const chatFirst = await raw();
    chatFirst.send({ type: 'chat', text: 'hi' });
    expect(await chatFirst.closeCode()).toBe(CloseCode.BadHello);
    const noIdentity = await raw();
    noIdentity.send({ type: 'hello', v: 1, roomId, sdkVersion: SDK_VERSION });
    expect(await noIdentity.closeCode()).toBe(CloseCode.BadHello);
    const unknown = await raw();
    unknown.send({ type: 'hello', v: 1, roomId: 999_999, deviceId: newDevice(), sdkVersion: SDK_VERSION });
    expect(await unknown.closeCode()).toBe(CloseCode.UnknownRoom);
    const old = await raw();
    old.send({ type: 'hello', v: 1, roomId, deviceId: newDevice(), sdkVersion: '0.9.0' });
    expect(await old.closeCode()).toBe(CloseCode.VersionTooOld);
    const { v: after } = await join(roomId);
    after.send('garbage after hello');
    expect(await after.closeCode()).toBe(CloseCode.ProtocolViolation);
    const { v: bin } = await join(roomId);
    bin.ws.send(Buffer.from([1, 2, 3]));
    expect(await bin.closeCode()).toBe(CloseCode.ProtocolViolation);
    const { v: twice } = await join(roomId);
    twice.send({ type: 'hello', v: 1, roomId, deviceId: newDevice(), sdkVersion: SDK_VERSION });
    expect(await twice.closeCode()).toBe(CloseCode.ProtocolViolation);
    const { v: big } = await join(roomId);
    big.send({ type: 'chat', text: 'x'.repeat(10_000) });
    expect(await big.closeCode()).toBe(1009);
    const { v: flood } = await join(roomId);
    for (let i = 0; i < 60; i++) flood.send({ type: 'ping' });
    expect(await flood.closeCode()).toBe(CloseCode.ProtocolViolation);
    expect(t.z.services.realtime.channels.get(roomId)?.members.size).toBe(0);
  });

  it('S-PLAYER-2: a socket that never arrives at hello is closed (3003)', async () => {
    t.z.services.realtime.configure({ helloTimeoutMs: 300 });
    try {
      const silent = await raw();
      expect(await silent.closeCode()).toBe(CloseCode.HelloTimeout);
    } finally {
      t.z.services.realtime.configure({ helloTimeoutMs: 10_000 });
    }
  });

  it('S-ENTRY-3 / S-PARAMS-3: entries are counted by scene; a verified share records the share edge', async () => {
    const roomId = await m.room();
    const ident = t.z.services.identity;
    const sharer = ident.openid(m.appid, { kind: 'device', id: 'the-sharer-device' });
    const sig = ident.signShare(roomId, sharer);
    await join(roomId, { entry: { type: 9 } });
    await join(roomId, { entry: { type: 10 } });
    const { welcome: friend } = await join(roomId, {
      entry: { scene: 1007, share_openid: sharer, share_sig: sig, custom_params: '{"pid":1}' },
    });
    await join(roomId, { entry: { scene: 1008, share_openid: sharer, share_sig: sig } });
    await join(roomId, { entry: { scene: 1044 } });
    await join(roomId);
    const stats = await waitUntil(async () => {
      const s = await t.z.services.interaction.stats(m.appid, roomId);
      return s.uniqueViewers === 6 ? s : undefined;
    });
    expect(stats.entries).toEqual({
      [EntryKind.Code]: 1,
      [EntryKind.Article]: 1,
      [EntryKind.Share1007]: 1,
      [EntryKind.Share1008]: 1,
      [EntryKind.Share1044]: 1,
      [EntryKind.Direct]: 1,
    });
    expect(stats.topSharers).toEqual([{ openid: sharer, viewers: 2 }]);
    expect(stats.peakViewers).toBe(6);
    const [edge] = await t.z.db.query<{ viewer_openid: string; scene: number }>(
      'SELECT viewer_openid, scene FROM share_edges WHERE room_id = $1 ORDER BY scene LIMIT 1',
      [roomId],
    );
    expect(edge).toEqual({ viewer_openid: friend.openid, scene: 1007 });
  });

  it('S-PARAMS-3: a forged share_openid is not recorded as a share; the entry counts as direct', async () => {
    const roomId = await m.room();
    const ident = t.z.services.identity;
    const victim = ident.openid(m.appid, { kind: 'device', id: 'someone-else-01' });
    await join(roomId, { entry: { scene: 1007, share_openid: victim, share_sig: 'AAAAAAAAAAAAAAAAAAAAAA' } });
    await join(roomId, { entry: { scene: 1008, share_openid: victim } });
    // a signature of another room does not count either
    await join(roomId, { entry: { scene: 1044, share_openid: victim, share_sig: ident.signShare(roomId + 1, victim) } });
    const stats = await waitUntil(async () => {
      const s = await t.z.services.interaction.stats(m.appid, roomId);
      return s.uniqueViewers === 3 ? s : undefined;
    });
    expect(stats.entries.direct).toBe(3);
    expect(stats.entries.share_1007 + stats.entries.share_1008 + stats.entries.share_1044).toBe(0);
    expect(stats.topSharers).toEqual([]);
    const other = await merchant(t);
    await expect(t.z.services.interaction.stats(other.appid, roomId)).rejects.toMatchObject({ errcode: 300022 });
  });

  it('S-PLAYER-2 resume: a reconnect gets a fresh snapshot and is not counted as a new entry', async () => {
    const roomId = await m.room();
    const deviceId = newDevice();
    const { v: a, welcome } = await join(roomId, { deviceId, entry: { type: 9 } });
    a.send({ type: 'chat', text: 'before the drop' });
    await a.next('chat');
    a.send({ type: 'like', count: 3 });
    await a.next('likes', (l) => l.total === 3);
    a.close();
    const { welcome: w2 } = await join(roomId, {
      deviceId,
      entry: { type: 9 },
      resume: { lastSeq: welcome.seq, session: welcome.session },
    });
    expect(w2.resumed).toBe(true);
    expect(w2.session).toBe(welcome.session);
    expect(w2.openid).toBe(welcome.openid);
    expect(w2.seq).toBeGreaterThan(welcome.seq);
    expect(w2.room.likes).toBe(3);
    expect(w2.room.comments.map((c) => c.text)).toEqual(['before the drop']);
    const stats = await t.z.services.interaction.stats(m.appid, roomId);
    expect(stats.entries.code).toBe(1);
    expect(stats).toMatchObject({ likes: 3, comments: 1 });
  });

  it("S-PLAYER-2: a viewer token's nick claim names the viewer in chat", async () => {
    const roomId = await m.room();
    const token = await new SignJWT({ nick: '小明\u0000<b>' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-42')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(signKeyOf(m.appsecret)));
    const { v: a, welcome } = await join(roomId, { deviceId: undefined, viewerToken: token });
    expect(welcome.nick).toBe('小明<b>');
    expect(welcome.openid).toBe(t.z.services.identity.openid(m.appid, { kind: 'user', id: 'user-42' }));
    a.send({ type: 'chat', text: 'hi' });
    expect((await a.next('chat')).nick).toBe('小明<b>');
    const bad = await raw();
    bad.send({ type: 'hello', v: 1, roomId, viewerToken: `${token}x`, sdkVersion: SDK_VERSION });
    expect(await bad.closeCode()).toBe(CloseCode.BadHello);
  });

  it('S-SUB-3: a site connection receives reminderInPage for its viewer only', async () => {
    const deviceId = newDevice();
    const site = await raw(`/ws/site?appid=${m.appid}`);
    site.send({ type: 'hello', v: 1, deviceId, sdkVersion: SDK_VERSION });
    const w = await site.next('siteWelcome');
    expect(w.openid).toBe(t.z.services.identity.openid(m.appid, { kind: 'device', id: deviceId }));
    const other = await raw(`/ws/site?appid=${m.appid}`);
    other.send({ type: 'hello', v: 1, deviceId: newDevice(), sdkVersion: SDK_VERSION });
    await other.next('siteWelcome');
    t.z.services.events.emit('reminderInPage', {
      appid: m.appid,
      openid: w.openid,
      roomId: 7,
      roomName: '今晚八点',
      key: 'k-1',
      at: t.clock.now(),
    });
    expect(await site.next('reminder')).toEqual({ type: 'reminder', roomId: 7, roomName: '今晚八点', key: 'k-1', at: t.clock.now() });
    other.send({ type: 'ping' });
    await other.next('pong');
    expect(other.all('reminder')).toEqual([]);
    const nope = await raw('/ws/site?appid=wx_nope');
    nope.send({ type: 'hello', v: 1, deviceId, sdkVersion: SDK_VERSION });
    expect(await nope.closeCode()).toBe(CloseCode.UnknownRoom);
  });

  it('S-PLAYER-2: viewer counts combine WebSocket viewers with the media plane by max', async () => {
    const roomId = await m.room();
    const { v: a } = await join(roomId);
    await a.next('viewers', (x) => x.count === 1);
    t.z.services.events.emit('mediaViewers', { roomId, count: 40, peak: 42 });
    expect(await a.next('viewers', (x) => x.count === 40)).toMatchObject({ peak: 42 });
    t.z.services.events.emit('mediaViewers', { roomId, count: 0, peak: 42 });
    await a.next('viewers', (x) => x.count === 1);
  });

  it('S-PLAYER-2: a client that never reads is closed with 3001 and its buffer stays bounded', async () => {
    const rt = t.z.services.realtime;
    rt.configure({ softLimitBytes: 64 * 1024, hardLimitBytes: 256 * 1024, closeGraceMs: 30_000 });
    try {
      const roomId = await m.room();
      const { v: slow } = await join(roomId);
      const { v: fine } = await join(roomId);
      const sock = (slow.ws as unknown as { _socket: Socket })._socket;
      sock.pause();
      const ch = rt.channels.get(roomId)!;
      const goods = Array.from({ length: 200 }, (_, i) => ({
        goods_id: i,
        name: `g${i}`,
        cover_img: 'x'.repeat(200),
        url: 'pages/x',
        price: 1,
        price2: 0,
        price_type: 1 as const,
      }));
      let maxBuffered = 0;
      let sent = 0;
      // ~60 KB per message: far more than the kernel buffers and the hard limit together.
      while (ch.members.size === 2 && sent < 2000) {
        ch.publish({ type: 'shelf', goods }, true);
        sent++;
        for (const c of ch.members) maxBuffered = Math.max(maxBuffered, c.ws.bufferedAmount);
        await new Promise((r) => setImmediate(r));
      }
      expect(ch.members.size).toBe(1);
      expect(maxBuffered).toBeLessThan(256 * 1024 + 70 * 1024);
      sock.resume();
      expect(await slow.closeCode(15_000)).toBe(CloseCode.SlowConsumer);
      // The reader kept up and stays connected.
      fine.send({ type: 'ping' });
      await fine.next('pong');
      expect(fine.closed).toBeUndefined();
    } finally {
      rt.configure({ softLimitBytes: 256 * 1024, hardLimitBytes: 1024 * 1024, closeGraceMs: 5000 });
    }
  });

  it('S-PLAYER-2: frames of every length class (< 126, < 64 KiB, ≥ 64 KiB) arrive intact', async () => {
    const roomId = await m.room();
    const { v } = await join(roomId);
    const ch = t.z.services.realtime.channels.get(roomId)!;
    for (const size of [1, 60, 125, 126, 500, 65_535, 65_536, 200_000]) {
      const goods = [
        {
          goods_id: size,
          name: '商'.repeat(Math.max(1, Math.floor(size / 3))),
          cover_img: '',
          url: '',
          price: 1,
          price2: 0,
          price_type: 1 as const,
        },
      ];
      ch.publish({ type: 'shelf', goods }, true);
      expect((await v.next('shelf', (x) => x.goods[0]?.goods_id === size)).goods[0]!.name).toBe(goods[0]!.name);
    }
  });

  it('S-STATUS-8: a server shutdown closes viewers with 3000 (reconnect)', async () => {
    const t2 = await startServer(kind);
    try {
      const m2 = await merchant(t2);
      const roomId = await m2.room();
      const { v } = await Viewer.join(t2.url, roomId);
      await t2.close();
      const code = await v.closeCode();
      expect(code).toBe(CloseCode.ServerShutdown);
      expect(shouldReconnect(code)).toBe(true);
    } finally {
      await t2.cleanup();
    }
  });
});
