/**
 * Issue 6 — a Web Push round trip: a local HTTP server stands in for the push service (the
 * PushSubscription's endpoint points at it). It receives the `web-push` POST, checks the VAPID
 * JWT, and decrypts the aes128gcm payload with the subscription's private key (RFC 8291).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, jwtVerify } from 'jose';
import { waitUntil } from '@zhibo/testkit';
import { TransitionCause, type ReminderPushPayload } from '@zhibo/protocol';
import { merchant, startServer, type TestServer } from './helpers.js';
import { admin, browserPushKeys, decryptAes128gcm, plugin, Receiver } from './reminder-helpers.js';

describe('S-SUB-3 Web Push round trip', () => {
  let t: TestServer;
  let pushService: Receiver;
  beforeAll(async () => {
    t = await startServer('pglite', {
      env: {
        ZHIBO_REMINDER_POLL_MS: '50',
        ZHIBO_PUSH_ALLOW_HTTP: '1',
        ZHIBO_OUTBOUND_ALLOW: '127.0.0.1/32',
        ZHIBO_PUSH_SERVICES: '127.0.0.1',
        ZHIBO_SUBSCRIBE_PER_IP_PER_MIN: '100000',
      },
    });
    pushService = await new Receiver().start();
    pushService.behaviour = () => 201;
  });
  afterAll(async () => {
    await t.cleanup();
    await pushService.close();
  });

  it('encrypts for the subscription (aes128gcm), signs with the app VAPID key, and the payload opens the room page', async () => {
    const m = await merchant(t);
    const res = await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, {
      reminders: { webpush: true, inPage: false, contact: 'mailto:ops@shop.example.com' },
    });
    expect(res.status).toBe(200);
    const roomId = await m.room();
    const browser = browserPushKeys(`${pushService.url}/wpush/abc123`);
    const vapid = await plugin(t.url, 'viewer-push1', 'GET', `/api/plugin/v1/vapid-public-key?room_id=${roomId}`);
    expect(
      (
        await plugin(t.url, 'viewer-push1', 'POST', '/api/plugin/v1/subscribe', {
          room_id: roomId,
          push_subscription: browser.subscription,
        })
      ).status,
    ).toBe(200);

    await t.z.services.rooms.apply(roomId, TransitionCause.PublishStarted, 'test');
    await waitUntil(() => pushService.requests.length === 1, { what: 'the push service got the message' });
    const req = pushService.requests[0]!;
    expect(req.path).toBe('/wpush/abc123');
    expect(req.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(req.headers.ttl)).toBeGreaterThan(0);
    expect(req.headers.urgency).toBe('high');

    // RFC 8292: Authorization: vapid t=<ES256 JWT>, k=<the app's public key>
    const auth = /^vapid t=([^,]+), k=(.+)$/.exec(String(req.headers.authorization));
    expect(auth).not.toBeNull();
    expect(auth![2]).toBe(vapid.json.publicKey);
    const pub = Buffer.from(auth![2]!, 'base64url');
    const jwk = await importJWK(
      { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') },
      'ES256',
    );
    const { payload: claims } = await jwtVerify(auth![1]!, jwk, { algorithms: ['ES256'] });
    expect(claims.aud).toBe(pushService.url);
    expect(claims.sub).toBe('mailto:ops@shop.example.com');

    // RFC 8291: only the holder of the subscription's private key and auth secret can read it.
    const payload = JSON.parse(decryptAes128gcm(req.body, browser.ecdh, browser.auth).toString('utf8')) as ReminderPushPayload;
    const [row] = await t.z.services.reminderOutbox.list({ roomId, channel: 'webpush' });
    expect(payload).toEqual({
      title: '测试直播间',
      body: '直播已开始，点击观看',
      url: `${t.url}/room/?room_id=${roomId}`,
      room_id: roomId,
      event: 'live_started',
      idempotency_key: row!.idempotency_key,
      time: Math.floor(t.clock.now() / 1000),
    });
    expect(() => decryptAes128gcm(req.body, browserPushKeys('x').ecdh, browser.auth)).toThrow();
    await waitUntil(async () => (await t.z.services.reminderOutbox.get(row!.id))?.state === 'sent', { what: 'recorded as sent' });
    expect((await t.z.services.reminderOutbox.get(row!.id))?.log).toMatchObject([{ attempt: 1, status_code: 201, error: null }]);
  });

  it('the service worker that shows the notification is served at /zhibo-sw.js', async () => {
    const r = await fetch(`${t.url}/zhibo-sw.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    const js = await r.text();
    expect(js).toContain('showNotification');
    expect(js).toContain('openWindow');
  });
});
