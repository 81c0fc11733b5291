/**
 * Issue 6 acceptance with a real stream: three subscribers (webhook + Web Push), an ffmpeg push
 * turns the room live → each receiver gets exactly one reminder; the stream drops (106) and comes
 * back (101), then the live ends (103): nothing more is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { admin, browserPushKeys, plugin, Receiver } from './reminder-helpers.js';

describe('S-SUB-3 with a real RTMP stream (ffmpeg)', () => {
  let t: TestServer;
  const pushers: Pusher[] = [];
  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const p of pushers.splice(0)) await p.stop();
    await t?.cleanup();
    for (const r of receivers.splice(0)) await r.close();
  });

  it('one reminder per subscriber and channel on the first 102 → 101; none on 106 → 101 or at the end', async () => {
    t = await startServer('pglite', {
      env: {
        ZHIBO_STALL_TIMEOUT_MS: '2000',
        ZHIBO_PUSH_ALLOW_HTTP: '1',
        ZHIBO_REMINDER_POLL_MS: '100',
        ZHIBO_OUTBOUND_ALLOW: '127.0.0.1/32',
        ZHIBO_PUSH_SERVICES: '127.0.0.1',
        ZHIBO_SUBSCRIBE_PER_IP_PER_MIN: '100000',
      },
    });
    t.clock.set(Date.now());
    const hook = await new Receiver().start();
    const pushService = await new Receiver().start();
    pushService.behaviour = () => 201;
    receivers.push(hook, pushService);
    const m = await merchant(t);
    expect(
      (
        await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, {
          reminders: { webhookUrl: `${hook.url}/hook`, webpush: true, inPage: false },
        })
      ).status,
    ).toBe(200);
    const room = await m.room();
    for (const i of [1, 2, 3])
      expect(
        (
          await plugin(t.url, `viewer-live${i}`, 'POST', '/api/plugin/v1/subscribe', {
            room_id: room,
            push_subscription: browserPushKeys(`${pushService.url}/p/${i}`).subscription,
          })
        ).status,
      ).toBe(200);
    const status = () => t.z.services.rooms.cachedStatus(room)?.status;
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });

    const first = pushTestStream(pushAddr as string);
    pushers.push(first);
    await waitUntil(() => status() === LiveStatus.Live, { timeoutMs: 15_000, what: '101 after publish' });
    await waitUntil(() => hook.requests.length === 3 && pushService.requests.length === 3, {
      timeoutMs: 15_000,
      what: 'three reminders per channel',
    });

    await first.stop();
    await waitUntil(() => status() === LiveStatus.Abnormal, { timeoutMs: 10_000, what: '106 after the stream dropped' });
    const second = pushTestStream(pushAddr as string);
    pushers.push(second);
    await waitUntil(() => status() === LiveStatus.Live, { timeoutMs: 15_000, what: '101 after re-publish' });
    expect((await admin(t.url, t.z.services.adminToken, 'POST', `/rooms/${room}/end`)).json).toMatchObject({ live_status: 103 });

    const causes = (await t.z.services.rooms.auditLog(room)).map((e) => `${e.from_status}->${e.to_status}`);
    expect(causes).toEqual(['null->102', '102->101', '101->106', '106->101', '101->103']);
    const rows = await t.z.services.reminderOutbox.list({ roomId: room });
    expect(rows).toHaveLength(6);
    await waitUntil(async () => (await t.z.services.reminderOutbox.list({ roomId: room })).every((d) => d.state === 'sent'), {
      what: 'recorded as sent',
    });
    expect(hook.requests).toHaveLength(3);
    expect(pushService.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers['x-zhibo-idempotency-key'])).size).toBe(3);
  });
});
