/**
 * Issue 10 (Medium 13): limits per viewer and per address, not per connection. Chat and likes are limited per viewer
 * (all their sockets) and per address (all its device ids); a mute also covers the muted viewer's new device ids from
 * the same address; video viewers are counted by device id (or address), and one address holds a bounded number of
 * video and realtime connections.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { LiveStatus, RealtimeErrorCode } from '@zhibo/protocol';
import { pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../src/app/config.js';
import { ClientIps } from '../src/lib/client-ip.js';
import { signKeyOf } from '../src/lib/crypto.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { newDevice, Viewer } from './realtime-helpers.js';

describe('limits per viewer and per address', () => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  const open: Viewer[] = [];
  const join = async (roomId: number, extra = {}) => {
    const r = await Viewer.join(t.url, roomId, extra);
    open.push(r.v);
    return r;
  };

  beforeAll(async () => {
    t = await startServer('pglite');
    m = await merchant(t);
  });
  afterAll(async () => {
    for (const v of open) v.close();
    await t.cleanup();
  });

  /** Each socket sent `per` chats (texts `${tag}${i}-${k}`): wait until each got its chat echoed or an error for every one. */
  async function settled(vs: Viewer[], tag: string, per: number): Promise<void> {
    await waitUntil(
      () => vs.every((v, i) => v.all('error').length + v.all('chat').filter((c) => c.text.startsWith(`${tag}${i}-`)).length >= per),
      {
        timeoutMs: 15_000,
        what: 'every chat answered',
      },
    );
  }

  it("30 sockets of one viewer send 150 comments at once: 5 get through (the viewer's bucket), the rest are rate_limited", async () => {
    const roomId = await m.room();
    const deviceId = newDevice();
    const socks: Viewer[] = [];
    for (let i = 0; i < 30; i++) socks.push((await join(roomId, { deviceId })).v);
    const { v: watcher } = await join(roomId);
    socks.forEach((v, i) => {
      for (let k = 0; k < 5; k++) v.send({ type: 'chat', text: `one${i}-${k}` });
    });
    await settled(socks, 'one', 5);
    watcher.send({ type: 'chat', text: 'marker-one' });
    await watcher.next('chat', (c) => c.text === 'marker-one');
    expect(watcher.all('chat').filter((c) => c.text.startsWith('one')).length).toBe(5);
    expect(socks.flatMap((v) => v.all('error')).every((e) => e.code === RealtimeErrorCode.RateLimited)).toBe(true);
  });

  it('30 device ids from one address: together they get at most the per-address budget (chatPerIp)', async () => {
    t.z.services.realtime.configure({ chatPerIp: 10 });
    try {
      const roomId = await m.room();
      const socks: Viewer[] = [];
      for (let i = 0; i < 30; i++) socks.push((await join(roomId)).v);
      socks.forEach((v, i) => {
        for (let k = 0; k < 2; k++) v.send({ type: 'chat', text: `ip${i}-${k}` });
      });
      await settled(socks, 'ip', 2);
      const got = socks[0]!.all('chat').filter((c) => c.text.startsWith('ip'));
      expect(got.length).toBe(10);
    } finally {
      t.z.services.realtime.configure({ chatPerIp: 30 });
    }
  });

  it("likes: 10 sockets of one viewer tapping 100 each count 100 (one viewer's bucket), not 1000", async () => {
    const roomId = await m.room();
    const deviceId = newDevice();
    const socks: Viewer[] = [];
    for (let i = 0; i < 10; i++) socks.push((await join(roomId, { deviceId })).v);
    for (const v of socks) v.send({ type: 'like', count: 100 });
    const probe = socks[0]!;
    probe.send({ type: 'ping' });
    await probe.next('pong');
    const gw = t.z.services.realtime;
    await waitUntil(() => (gw.channels.get(roomId)?.likesDelta ?? 0) + (gw.channels.get(roomId)?.likes ?? 0) >= 100, {
      timeoutMs: 5000,
      what: 'likes counted',
    });
    for (const v of socks.slice(1)) {
      v.send({ type: 'ping' });
      await v.next('pong');
    }
    const ch = gw.channels.get(roomId)!;
    expect(ch.likes + ch.likesDelta).toBe(100);
  });

  it("a mute covers the muted viewer's new device ids from its address; viewers already there, and verified users, are not muted; unmute lifts it", async () => {
    const roomId = await m.room();
    const { v: bystander } = await join(roomId);
    const leftEarlier = newDevice();
    (await join(roomId, { deviceId: leftEarlier })).v.close();
    const { v: a, welcome } = await join(roomId);
    t.clock.advance(1000);
    expect((await m.post('/wxaapi/broadcast/room/mute', { roomId, openid: welcome.openid, mute: 1 })).errcode).toBe(0);
    await a.next('muted', (x) => x.you);
    t.clock.advance(1000);

    // The muted viewer comes back with a new device id from the same address: muted.
    const { v: a2, welcome: w2 } = await join(roomId);
    expect(w2.openid).not.toBe(welcome.openid);
    expect(w2.mutedSelf).toBe(true);
    a2.send({ type: 'chat', text: 'evading' });
    await a2.next('error', (e) => e.code === RealtimeErrorCode.Muted);

    // Those who were in the room before the mute (connected, or left and back) still talk; so does a verified user.
    bystander.send({ type: 'chat', text: 'bystander ok' });
    await bystander.next('chat', (c) => c.text === 'bystander ok');
    const { v: back, welcome: wb } = await join(roomId, { deviceId: leftEarlier });
    expect(wb.mutedSelf).toBe(false);
    back.send({ type: 'chat', text: 'back ok' });
    await back.next('chat', (c) => c.text === 'back ok');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-7')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(signKeyOf(m.appsecret)));
    const { v: user, welcome: wu } = await join(roomId, { deviceId: undefined, viewerToken: token });
    expect(wu.mutedSelf).toBe(false);
    user.send({ type: 'chat', text: 'user ok' });
    await user.next('chat', (c) => c.text === 'user ok');
    expect(bystander.all('chat').some((c) => c.text === 'evading')).toBe(false);

    // Unmuting the viewer lifts the address mute for the new device id too.
    expect((await m.post('/wxaapi/broadcast/room/mute', { roomId, openid: welcome.openid, mute: 0 })).errcode).toBe(0);
    await a2.next('muted', (x) => !x.you);
    a2.send({ type: 'chat', text: 'free' });
    await bystander.next('chat', (c) => c.text === 'free');
  });

  it('realtime connections per address are capped: beyond connectionsPerIp the upgrade gets 429', async () => {
    const roomId = await m.room();
    const gw = t.z.services.realtime;
    const before = gw.counts().connections;
    gw.configure({ connectionsPerIp: before + 3 });
    try {
      for (let i = 0; i < 3; i++) await join(roomId);
      const refused = await new Promise<number>((resolve) => {
        const req = request(`${t.url}/ws/room`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('response', (r) => resolve(r.statusCode ?? 0));
        req.on('upgrade', () => resolve(101));
        req.on('error', () => resolve(-1));
        req.end();
      });
      expect(refused).toBe(429);
    } finally {
      gw.configure({ connectionsPerIp: 200 });
    }
  });
});

describe('video viewers are counted per device id or address (real ffmpeg)', () => {
  let t: TestServer;
  let pusher: Pusher | undefined;
  const sockets: Array<{ destroy(): void }> = [];
  beforeAll(async () => {
    t = await startServer('pglite');
    t.clock.set(Date.now());
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await pusher?.stop();
    await t.cleanup();
  });

  /** One raw HTTP-FLV request; resolves with its status (200 responses are kept open). */
  const flv = (path: string): Promise<number> =>
    new Promise((resolve) => {
      const req = request(`${t.url}${path}`, { agent: false });
      req.on('response', (r) => {
        sockets.push(r.socket);
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
      req.end();
    });

  it('3 device ids × 5 connections count 3 viewers (3 connections each); 300 raw requests without a device id count 1 viewer and are capped at 100 per address', async () => {
    const mm = await merchant(t);
    const room = await mm.room();
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: mm.token });
    pusher = pushTestStream(pushAddr as string, { size: '160x90', fps: 10 });
    await waitUntil(() => t.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, { timeoutMs: 30_000, what: 'live' });
    const media = t.z.services.media;
    const id = String(room);

    for (let d = 0; d < 3; d++) for (let i = 0; i < 5; i++) expect(await flv(`/live/${room}.flv?device=player-device-${d}`)).toBe(200);
    await waitUntil(() => media.viewerConnections(id) === 9, { timeoutMs: 10_000, what: '9 connections (3 per device)' });
    expect(media.viewerCount(id)).toBe(3);

    const codes = await Promise.all(Array.from({ length: 300 }, () => flv(`/live/${room}.flv`)));
    expect(codes.filter((c) => c === 200).length).toBe(100 - 9);
    expect(codes.filter((c) => c === 429).length).toBe(300 - 91);
    await waitUntil(() => media.viewerConnections(id) === 100, { timeoutMs: 10_000, what: '100 connections' });
    expect(media.viewerCount(id)).toBe(4);
    expect(t.z.services.interaction.viewersNow(room)).toBeLessThanOrEqual(4);
  });
});

describe('client addresses behind a reverse proxy (ZHIBO_TRUST_PROXY)', () => {
  const req = (peer: string, xff?: string) =>
    ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

  it('ClientIps.of: the peer unless it is a trusted proxy; then the right-most X-Forwarded-For address that is not a trusted proxy', () => {
    const none = new ClientIps([]);
    expect(none.of(req('10.0.0.5', '1.2.3.4'))).toBe('10.0.0.5');
    const cfg = loadConfig({ ZHIBO_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' });
    expect(cfg.trustProxy).toEqual(['127.0.0.1/32', '10.0.0.0/8']);
    const ips = new ClientIps(cfg.trustProxy);
    expect(ips.of(req('::ffff:127.0.0.1', '6.6.6.6, 1.2.3.4, 10.1.1.1'))).toBe('1.2.3.4');
    expect(ips.of(req('10.0.0.5'))).toBe('10.0.0.5');
    expect(ips.of(req('9.9.9.9', '1.2.3.4'))).toBe('9.9.9.9'); // not a trusted peer: its header is ignored
    expect(ips.keyOf(req('127.0.0.1', '2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2::/64');
    expect(() => loadConfig({ ZHIBO_TRUST_PROXY: 'nginx' })).toThrow(/ZHIBO_TRUST_PROXY/);
  });
});
