/**
 * Issue 10 (Medium 3): regenerating a room's stream key kicks whoever publishes with the old key (nginx-rtmp
 * drop/publisher, SRS kick), so the real anchor with the new key is accepted instead of "already has a publisher".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { png, startServer, type TestServer } from './helpers.js';
import { roomForm, signedInMerchant } from './console-helpers.js';

describe('stream key regeneration (real ffmpeg)', () => {
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

  it('console stream-key: the publisher with the old key is kicked within seconds, the old key is refused, the new key is accepted', async () => {
    t = await startServer('pglite');
    t.clock.set(Date.now());
    const { c, appid } = await signedInMerchant(t, 'anchor');
    const media = (await c.upload(appid, 'coverImg', png())).body.mediaId as string;
    const created = await c.post(`/apps/${appid}/rooms`, roomForm(t, media));
    const room = created.body.id as number;
    const before = await c.get(`/rooms/${room}`);
    const oldUrl = before.body.pushUrl as string;
    expect(oldUrl).toMatch(/\?key=/);
    const status = () => t.z.services.rooms.cachedStatus(room)?.status;

    const old = push(oldUrl);
    await waitUntil(() => status() === LiveStatus.Live && t.z.services.media.hasPublisher(String(room)), {
      timeoutMs: 20_000,
      what: 'the old key publishing',
    });

    const regen = await c.post(`/rooms/${room}/stream-key`);
    expect(regen.status).toBe(200);
    const newUrl = regen.body.pushUrl as string;
    expect(newUrl).not.toBe(oldUrl);
    const kickedAt = Date.now();
    await waitUntil(() => !t.z.services.media.hasPublisher(String(room)), { timeoutMs: 5000, what: 'the old publisher kicked' });
    expect(Date.now() - kickedAt).toBeLessThan(5000);
    await waitUntil(() => old.proc.exitCode !== null || old.proc.signalCode !== null, {
      timeoutMs: 10_000,
      what: 'the old ffmpeg to exit',
    });

    // The old key is refused from now on; the new key publishes (the room goes live again).
    const retry = push(oldUrl);
    const code = await Promise.race([retry.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code).not.toBe('still running');
    expect(code).not.toBe(0);
    expect(t.z.services.media.hasPublisher(String(room))).toBe(false);

    push(newUrl);
    await waitUntil(() => status() === LiveStatus.Live && t.z.services.media.hasPublisher(String(room)), {
      timeoutMs: 20_000,
      what: 'the new key publishing',
    });
    const causes = (await t.z.services.rooms.auditLog(room)).map((e) => `${e.from_status}->${e.to_status}:${e.cause}`);
    expect(causes).toEqual(['null->102:created', '102->101:publish_started', '101->106:stream_lost', '106->101:publish_started']);
  });
});
