/**
 * Issue 10 (Medium 6, 7) at the server level: the media plane's RTMP deadlines and connection limits are settings
 * (ZHIBO_RTMP_*), wired through the live module; slow-loris connections never lock the anchor out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { ffprobe, pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { SlowLoris } from '../../media/test/slow-loris.js';
import { loadConfig } from '../src/app/config.js';
import { merchant, startServer, type TestServer } from './helpers.js';

const rtmpPort = (s: TestServer): number => Number(/:(\d+)\//.exec(s.z.services.urls().rtmp)![1]);

describe('RTMP guards as settings (real ffmpeg)', () => {
  let t: TestServer | undefined;
  const pushers: Pusher[] = [];
  const attacks: SlowLoris[] = [];
  afterEach(async () => {
    for (const a of attacks.splice(0)) a.stop();
    for (const p of pushers.splice(0)) await p.stop();
    await t?.cleanup();
    t = undefined;
  });

  /** The anchor pushes with the room's real push URL; resolves when the room is live and HTTP-FLV plays. */
  async function anchorGoesLive(s: TestServer): Promise<number> {
    const m = await merchant(s);
    const room = await m.room();
    const { pushAddr } = await s.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    const startedAt = Date.now();
    pushers.push(pushTestStream(pushAddr as string, { size: '160x90', fps: 10 }));
    await waitUntil(() => s.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, {
      timeoutMs: 30_000,
      what: 'the anchor live',
    });
    expect((await ffprobe(`${s.url}/live/${room}.flv`)).codecs).toEqual(['aac', 'h264']);
    return Date.now() - startedAt;
  }

  it('slow-loris from one address (defaults): it holds at most 16 connections and the anchor goes live and plays', async () => {
    t = await startServer('pglite');
    const port = rtmpPort(t);
    const attack = new SlowLoris({ port, from: ['127.0.0.2'], count: 400, everyMs: 1000, reconnect: true, reconnectMs: 200 });
    attacks.push(attack);
    await attack.start();
    const ms = await anchorGoesLive(t);
    expect(t.z.services.media.rtmpConnectionsFrom('127.0.0.2')).toBeLessThanOrEqual(16);
    expect(attack.closedByServer).toBeGreaterThan(300);
    console.log(
      `server slow-loris: ${attack.connects} attacker connects, ${attack.closedByServer} closed by the server; anchor live and playing after ${ms} ms`,
    );
  });

  it("behind a TCP proxy (per-IP limits 0): the attacker shares the anchor's address and fills ZHIBO_RTMP_MAX_CONNECTIONS, the anchor still gets in", async () => {
    t = await startServer('pglite', {
      env: { ZHIBO_RTMP_MAX_CONNECTIONS_PER_IP: '0', ZHIBO_RTMP_MAX_UNAUTHENTICATED_PER_IP: '0', ZHIBO_RTMP_MAX_CONNECTIONS: '150' },
    });
    const port = rtmpPort(t);
    const attack = new SlowLoris({ port, from: ['127.0.0.1'], count: 160, everyMs: 1000, reconnect: true, reconnectMs: 100 });
    attacks.push(attack);
    await attack.start();
    const s = t;
    // Per-address limits are off: one address holds far more than the default 16 / 64 …
    await waitUntil(() => s.z.services.media.rtmpConnectionsFrom('127.0.0.1') >= 140, {
      timeoutMs: 10_000,
      what: '140 connections from one address',
    });
    // … and the global limit (150) is what evicts the oldest unauthenticated connection for the anchor.
    await anchorGoesLive(t);
    expect(t.z.services.media.connectionCount).toBeLessThanOrEqual(150);
  });

  it('ZHIBO_RTMP_MAX_UNAUTHENTICATED_PER_IP and the handshake deadline are applied: 4 per address, trickling handshakes closed after 0.5 s', async () => {
    t = await startServer('pglite', { env: { ZHIBO_RTMP_MAX_UNAUTHENTICATED_PER_IP: '4', ZHIBO_RTMP_HANDSHAKE_TIMEOUT_MS: '500' } });
    const s = t;
    const attack = new SlowLoris({ port: rtmpPort(t), from: ['127.0.0.3'], count: 20, everyMs: 200 });
    attacks.push(attack);
    const startedAt = Date.now();
    await attack.start();
    // Every connection is either still held by the server or was closed by it: at most 4 are held (default: 16).
    await waitUntil(() => s.z.services.media.rtmpConnectionsFrom('127.0.0.3') + attack.closedByServer >= 20, {
      timeoutMs: 5000,
      what: 'all 20 seen',
    });
    expect(s.z.services.media.rtmpConnectionsFrom('127.0.0.3')).toBeLessThanOrEqual(4);
    // The handshake deadline (0.5 s, swept every ≤ 1 s) closes the rest long before the default 5 s would.
    await waitUntil(() => attack.open.size === 0, { timeoutMs: 10_000, what: 'every trickling handshake closed by its deadline' });
    expect(Date.now() - startedAt).toBeLessThan(4500);
    expect(attack.closedByServer).toBe(20);
  });

  it('bad RTMP settings stop the server with a message naming the variable', () => {
    expect(() => loadConfig({ ZHIBO_RTMP_MAX_CONNECTIONS_PER_IP: '-1' })).toThrow(/ZHIBO_RTMP_MAX_CONNECTIONS_PER_IP/);
    expect(() => loadConfig({ ZHIBO_RTMP_PREAUTH_MAX_BYTES: '1048576', ZHIBO_RTMP_MAX_MESSAGE_BYTES: '65536' })).toThrow(
      /ZHIBO_RTMP_PREAUTH_MAX_BYTES/,
    );
    expect(loadConfig({ ZHIBO_RTMP_MAX_UNAUTHENTICATED_PER_IP: '0' }).rtmpMaxUnauthenticatedPerIp).toBe(0);
  });
});
