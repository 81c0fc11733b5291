/**
 * Issue 10, Medium 4: outgoing requests never reach loopback, private, link-local (metadata), CGNAT or multicast
 * addresses, judged after DNS and connected to the address that was judged; ZHIBO_OUTBOUND_ALLOW lets tests and
 * private deployments through. Web Push endpoints must be on a known push service. Subscriptions are capped per
 * viewer and per room, and rate-limited per IP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransitionCause } from '@zhibo/protocol';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { AddressPolicy, blockedKind } from '../src/lib/address-policy.js';
import { Poster } from '../src/lib/outbound.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { admin, browserPushKeys, plugin, Receiver } from './reminder-helpers.js';

describe('the outbound address policy', () => {
  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
  });

  it('blockedKind refuses loopback, private, CGNAT, link-local/metadata, multicast and their IPv6 forms; public addresses pass', () => {
    const blocked = [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.100.100.200',
      '224.0.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      'ff02::1',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::1',
      '2001:db8::1',
    ];
    for (const a of blocked) expect(blockedKind(a), a).not.toBe('');
    expect(blockedKind('169.254.169.254')).toMatch(/metadata/);
    for (const a of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(blockedKind(a), a).toBe('');
  });

  it('Poster refuses a URL whose host is or resolves to a private address, even among public ones; the refusal is permanent', async () => {
    const resolver = async (host: string) => {
      if (host === 'mixed.test')
        return [
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.7', family: 4 },
        ];
      if (host === 'metadata.test') return [{ address: '169.254.169.254', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const poster = new Poster(4, new AddressPolicy([], resolver));
    const rx = await new Receiver().start();
    receivers.push(rx);
    const port = new URL(rx.url).port;
    for (const url of [
      `${rx.url}/hook`,
      `http://[::1]:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      'http://mixed.test/',
      'http://metadata.test/latest/meta-data/',
    ]) {
      const r = await poster.post(url, {}, 'x', 2000);
      expect('error' in r && r.error, url).toMatch(/^refused: /);
      expect('error' in r && r.permanent, url).toBe(true);
    }
    poster.close();
    // The system resolver: localhost is loopback however it resolves.
    const system = new Poster(4);
    expect(await system.post(`http://localhost:${port}/hook`, {}, 'x', 2000)).toMatchObject({
      error: expect.stringMatching(/^refused: localhost resolves to .*loopback/) as unknown,
      permanent: true,
    });
    system.close();
    expect(rx.requests).toHaveLength(0);
  });

  it('Poster connects to the address it checked (an allowed name is pinned, no second lookup) and ZHIBO_OUTBOUND_ALLOW lets it through', async () => {
    const rx = await new Receiver().start();
    receivers.push(rx);
    const port = new URL(rx.url).port;
    let lookups = 0;
    // hook.test exists only in this resolver: the request can only arrive if the connection used the checked address.
    const resolver = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const allowed = new Poster(4, new AddressPolicy(['127.0.0.1/32'], resolver));
    expect(await allowed.post(`http://hook.test:${port}/pinned`, { 'content-type': 'text/plain' }, 'hello', 5000)).toMatchObject({
      status: 200,
    });
    expect(lookups).toBe(1);
    expect(rx.requests.map((r) => [r.path, r.headers.host])).toEqual([['/pinned', `hook.test:${port}`]]);
    allowed.close();
    const byName = new Poster(4, new AddressPolicy(['hook.test'], resolver));
    expect(await byName.post(`http://hook.test:${port}/by-name`, {}, 'x', 5000)).toMatchObject({ status: 200 });
    byName.close();
  });
});

describe.each(testDbKinds())('reminders and the outbound policy on %s', (kind) => {
  let t: TestServer;
  let hook: Receiver;
  beforeAll(async () => {
    t = await startServer(kind, {
      env: {
        ZHIBO_REMINDER_POLL_MS: '50',
        ZHIBO_REMINDER_MAX_ATTEMPTS: '5',
        ZHIBO_SUBSCRIPTIONS_PER_VIEWER: '2',
        ZHIBO_SUBSCRIPTIONS_PER_ROOM: '3',
      },
    });
    hook = await new Receiver().start();
  });
  afterAll(async () => {
    await hook?.close();
    await t?.cleanup();
  });

  it('a merchant webhook on loopback is never called: the delivery is dead-lettered at once with the reason', async () => {
    const m = await merchant(t);
    expect(
      (
        await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, {
          reminders: { webhookUrl: `${hook.url}/hook`, webpush: false, inPage: false },
        })
      ).status,
    ).toBe(200);
    const room = await m.room();
    expect((await plugin(t.url, 'viewer-ssrf-1', 'POST', '/api/plugin/v1/subscribe', { room_id: room })).status).toBe(200);
    await t.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'test');
    const dead = await waitUntil(
      async () => {
        const r = await admin(t.url, t.z.services.adminToken, 'GET', `/reminders?room_id=${room}&state=dead`);
        const list = r.json.deliveries as Array<{ attempts: number; last_error: string }>;
        return list.length ? list : undefined;
      },
      { what: 'the dead-lettered webhook delivery', timeoutMs: 20_000 },
    );
    expect(dead[0]!.last_error).toMatch(/refused: 127\.0\.0\.1 .*loopback/);
    expect(dead[0]!.attempts).toBe(1);
    expect(hook.requests).toHaveLength(0);
  });

  it('Web Push endpoints must be on a known push service (FCM, Mozilla, Apple, Microsoft)', async () => {
    const m = await merchant(t);
    const room = await m.room();
    for (const endpoint of ['https://evil.example/push/1', 'https://127.0.0.1/x', 'https://fcm.googleapis.com.evil.example/x']) {
      const r = await plugin(t.url, 'viewer-push-x1', 'POST', '/api/plugin/v1/subscribe', {
        room_id: room,
        push_subscription: browserPushKeys(endpoint).subscription,
      });
      expect(r.status, endpoint).toBe(400);
      expect(String(r.json.errmsg)).toMatch(/known push service/);
    }
    const other = await m.room(); // a room takes 3 subscriptions on this server
    for (const [i, endpoint] of [
      'https://fcm.googleapis.com/fcm/send/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/x',
      'https://web.push.apple.com/Q',
      'https://wns2-par02p.notify.windows.com/w/?token=x',
    ].entries()) {
      const r = await plugin(t.url, `viewer-push-ok${i}`, 'POST', '/api/plugin/v1/subscribe', {
        room_id: i < 2 ? room : other,
        push_subscription: browserPushKeys(endpoint).subscription,
      });
      expect(r.status, endpoint).toBe(200);
    }
  });

  it('caps subscriptions per viewer and per room (limit_reached, 429); re-subscribing the same room is never refused', async () => {
    const m = await merchant(t);
    const [a, b, c] = [await m.room(), await m.room(), await m.room()];
    const sub = (device: string, room: number) => plugin(t.url, device, 'POST', '/api/plugin/v1/subscribe', { room_id: room });
    expect((await sub('viewer-cap-1', a)).status).toBe(200);
    expect((await sub('viewer-cap-1', b)).status).toBe(200);
    const third = await sub('viewer-cap-1', c);
    expect(third.status).toBe(429);
    expect(String(third.json.errmsg)).toMatch(/at most 2 rooms/);
    expect((await sub('viewer-cap-1', a)).status).toBe(200);
    expect((await sub('viewer-cap-2', c)).status).toBe(200);
    expect((await sub('viewer-cap-3', c)).status).toBe(200);
    expect((await sub('viewer-cap-4', c)).status).toBe(200);
    const full = await sub('viewer-cap-5', c);
    expect(full.status).toBe(429);
    expect(String(full.json.errmsg)).toMatch(/3 subscriptions/);
    expect(await t.z.services.reminders.count(c)).toBe(3);
  });
});

describe('subscribe calls per IP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer('pglite', { env: { ZHIBO_SUBSCRIBE_PER_IP_PER_MIN: '3' } });
  });
  afterAll(async () => t?.cleanup());

  it('refuses the calls of one address past ZHIBO_SUBSCRIBE_PER_IP_PER_MIN, whatever the device id', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push((await plugin(t.url, `viewer-ip-${i}000`, 'POST', '/api/plugin/v1/subscribe', { room_id: room })).status);
    expect(answers).toEqual([200, 200, 200, 429, 429]);
    expect(await t.z.services.reminders.count(room)).toBe(3);
  });
});
