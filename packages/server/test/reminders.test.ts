/**
 * Issue 6 — subscriptions and go-live reminders, delivered exactly once (S-SUB-1..3).
 * Real servers on 127.0.0.1:0, local receivers for the webhook and the push service, statuses
 * driven through RoomService.apply() (what the media plane calls on publish / unpublish).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { verifyWebhook } from '@zhibo/client';
import { SDK_VERSION, TransitionCause, type ReminderWebhookBody } from '@zhibo/protocol';
import { merchant, startServer, type TestServer } from './helpers.js';
import { admin, browserPushKeys, plugin, Receiver } from './reminder-helpers.js';
import { Viewer } from './realtime-helpers.js';

const ENV = {
  ZHIBO_REMINDER_RATE: '1000',
  ZHIBO_REMINDER_POLL_MS: '50',
  ZHIBO_REMINDER_BACKOFF_MS: '1000',
  ZHIBO_REMINDER_MAX_ATTEMPTS: '3',
  // generous: the receivers share this process with the server on a busy machine (the failure test uses 400 ms)
  ZHIBO_REMINDER_TIMEOUT_MS: '5000',
  ZHIBO_REMINDER_LEASE_MS: '15000',
  ZHIBO_PUSH_ALLOW_HTTP: '1',
  // the webhook receiver and the push service run on loopback (refused unless allowed; docs/security.md)
  ZHIBO_OUTBOUND_ALLOW: '127.0.0.1/32',
  ZHIBO_PUSH_SERVICES: '127.0.0.1',
  ZHIBO_SUBSCRIBE_PER_IP_PER_MIN: '100000',
};

describe.each(testDbKinds())('reminders on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  let hook: Receiver;
  let push: Receiver;
  const outbox = async (roomId: number) => t.z.services.reminderOutbox.list({ roomId, limit: 1000 });
  /** Deliveries exist (the go-live fan-out is expanded after the transition) and all match. */
  const all = async (roomId: number, pred: (d: Awaited<ReturnType<typeof outbox>>[number]) => boolean) => {
    const rows = await outbox(roomId);
    return rows.length > 0 && rows.every(pred);
  };
  const attemptsLogged = async (roomId: number) =>
    (
      await t.z.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM reminder_attempts a JOIN reminder_outbox o ON o.id = a.outbox_id WHERE o.room_id = $1',
        [roomId],
      )
    )[0]!.n;
  const go = (roomId: number, cause: TransitionCause) => t.z.services.rooms.apply(roomId, cause, 'test');
  const setReminders = async (r: Record<string, unknown>) => {
    const res = await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, { reminders: r });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  };

  beforeEach(async () => {
    t = await startServer(kind, { env: ENV });
    m = await merchant(t);
    hook = await new Receiver().start();
    push = await new Receiver().start();
    push.behaviour = () => 201;
  });
  afterEach(async () => {
    await t.cleanup();
    await hook.close();
    await push.close();
  });

  it('S-SUB-1: once per viewer and room; cancel; count; a room that is not 102 refuses with a clear error', async () => {
    const roomId = await m.room();
    const sub = (device: string) => plugin(t.url, device, 'POST', '/api/plugin/v1/subscribe', { room_id: roomId });
    expect((await sub('viewer-aaaa1')).json).toEqual({ subscribed: true });
    expect((await sub('viewer-aaaa1')).json).toEqual({ subscribed: true });
    expect((await sub('viewer-bbbb2')).status).toBe(200);
    expect(await t.z.services.reminders.count(roomId)).toBe(2);
    const state = await plugin(t.url, 'viewer-aaaa1', 'GET', `/api/plugin/v1/subscription?room_id=${roomId}`);
    expect(state.json).toMatchObject({ subscribed: true, available: true, liveStatus: 102 });
    expect((await plugin(t.url, 'viewer-aaaa1', 'POST', '/api/plugin/v1/unsubscribe', { room_id: roomId })).json).toEqual({
      subscribed: false,
    });
    expect((await plugin(t.url, 'viewer-bbbb2', 'DELETE', `/api/plugin/v1/subscribe?room_id=${roomId}`)).json).toEqual({
      subscribed: false,
    });
    expect(await t.z.services.reminders.count(roomId)).toBe(0);
    expect((await plugin(t.url, 'viewer-aaaa1', 'GET', `/api/plugin/v1/subscription?room_id=${roomId}`)).json).toMatchObject({
      subscribed: false,
    });

    // no identity, bad input
    const anon = await fetch(`${t.url}/api/plugin/v1/subscribe`, { method: 'POST', body: JSON.stringify({ room_id: roomId }) });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('access-control-allow-origin')).toBe('*');
    expect((await plugin(t.url, 'viewer-aaaa1', 'POST', '/api/plugin/v1/subscribe', { room_id: 'x' })).status).toBe(400);
    expect((await plugin(t.url, 'viewer-aaaa1', 'POST', '/api/plugin/v1/subscribe', { room_id: 999999 })).status).toBe(404);
    expect(
      (
        await plugin(t.url, 'viewer-aaaa1', 'POST', '/api/plugin/v1/subscribe', {
          room_id: roomId,
          push_subscription: { endpoint: 'ftp://x' },
        })
      ).status,
    ).toBe(400);

    // live, ended, banned, expired: 409 not_subscribable naming the status
    await go(roomId, TransitionCause.PublishStarted);
    const live = await sub('viewer-cccc3');
    expect(live.status).toBe(409);
    expect(live.json).toMatchObject({ errcode: 'not_subscribable' });
    expect(String(live.json.errmsg)).toContain('101');
    await go(roomId, TransitionCause.AnchorEnded);
    expect((await sub('viewer-cccc3')).json.errmsg).toMatch(/103/);
    const banned = await m.room();
    await go(banned, TransitionCause.Banned);
    expect((await plugin(t.url, 'viewer-cccc3', 'POST', '/api/plugin/v1/subscribe', { room_id: banned })).json.errmsg).toMatch(/104/);
    const expired = await m.room();
    await go(expired, TransitionCause.PlanExpired);
    expect((await plugin(t.url, 'viewer-cccc3', 'POST', '/api/plugin/v1/subscribe', { room_id: expired })).json.errmsg).toMatch(/107/);
    expect((await plugin(t.url, 'viewer-cccc3', 'GET', `/api/plugin/v1/subscription?room_id=${expired}`)).json).toMatchObject({
      available: false,
      liveStatus: 107,
    });
  });

  it('S-SUB-3: three viewers, webhook + Web Push + in-page: exactly one reminder each; 101 → 106 → 101 and the end send nothing more', async () => {
    await setReminders({ webhookUrl: `${hook.url}/hook`, webpush: true, inPage: true });
    const roomId = await m.room();
    const viewers = ['viewer-0001', 'viewer-0002', 'viewer-0003'];
    for (const [i, v] of viewers.entries()) {
      const r = await plugin(t.url, v, 'POST', '/api/plugin/v1/subscribe', {
        room_id: roomId,
        push_subscription: browserPushKeys(`${push.url}/push/${i}`).subscription,
      });
      expect(r.status).toBe(200);
    }
    const inPage: string[] = [];
    t.z.services.events.on('reminderInPage', (e) => inPage.push(`${e.openid}:${e.key}`));

    const r = await go(roomId, TransitionCause.PublishStarted);
    expect(r.kind).toBe('changed');
    await waitUntil(() => hook.requests.length === 3 && push.requests.length === 3 && inPage.length === 3, {
      what: 'three reminders on each channel',
    });
    await waitUntil(async () => all(roomId, (d) => d.state === 'sent'), { what: 'all recorded as sent' });

    // The webhook: signed with the app's key, one per viewer, each with its own idempotency key.
    const bodies = hook.json<ReminderWebhookBody>();
    for (const req of hook.requests) {
      expect(verifyWebhook(m.appsecret, req.body, req.headers['x-zhibo-signature'])).toBe(true);
      expect(verifyWebhook('another-secret', req.body, req.headers['x-zhibo-signature'])).toBe(false);
      expect(req.headers['x-zhibo-idempotency-key']).toBe((JSON.parse(req.body.toString()) as ReminderWebhookBody).idempotency_key);
    }
    expect(bodies.every((b) => b.event === 'live_started' && b.room_id === roomId && b.room_name === '测试直播间')).toBe(true);
    expect(new Set(bodies.map((b) => b.openid)).size).toBe(3);
    expect(new Set(bodies.map((b) => b.idempotency_key)).size).toBe(3);
    expect(new Set(push.requests.map((p) => p.path))).toEqual(new Set(['/push/0', '/push/1', '/push/2']));
    expect(new Set(inPage).size).toBe(3);

    // Stream lost and back, then the end: no new deliveries are created, none are sent.
    expect((await go(roomId, TransitionCause.StreamLost)).kind).toBe('changed');
    expect((await go(roomId, TransitionCause.PublishStarted)).kind).toBe('changed');
    expect((await go(roomId, TransitionCause.AnchorEnded)).kind).toBe('changed');
    const rows = await outbox(roomId);
    expect(rows).toHaveLength(9);
    expect(rows.every((d) => d.state === 'sent' && d.attempts === 1)).toBe(true);
    t.z.services.reminderWorker.kick();
    // Nothing is pending, so nothing can be sent; the counts stay.
    expect(hook.requests).toHaveLength(3);
    expect(push.requests).toHaveLength(3);
    const summary = await admin(t.url, t.z.services.adminToken, 'GET', `/rooms/${roomId}/reminders`);
    expect(summary.json).toEqual({
      roomId,
      subscriptions: 3,
      deliveries: { inpage: { sent: 3 }, webhook: { sent: 3 }, webpush: { sent: 3 } },
    });
  });

  it('S-SUB-3 in-page: a viewer with the merchant site open gets the reminder over the site WebSocket', async () => {
    await setReminders({ inPage: true, webpush: false });
    const roomId = await m.room();
    const device = 'viewer-site01';
    expect((await plugin(t.url, device, 'POST', '/api/plugin/v1/subscribe', { room_id: roomId })).status).toBe(200);
    const site = await Viewer.open(t.url, `/ws/site?appid=${m.appid}`);
    try {
      site.send({ type: 'hello', v: 1, deviceId: device, sdkVersion: SDK_VERSION });
      await site.next('siteWelcome');
      await go(roomId, TransitionCause.PublishStarted);
      const r = await site.next('reminder');
      const [row] = await outbox(roomId);
      expect(r).toMatchObject({ type: 'reminder', roomId, roomName: '测试直播间', key: row!.idempotency_key });
      await waitUntil(async () => (await outbox(roomId))[0]!.state === 'sent', { what: 'in-page recorded as sent' });
    } finally {
      site.close();
    }
  });

  it('a webhook receiver that answers 500, times out or drops the connection: retries with backoff, then dead letters, inspectable and replayable', async () => {
    await t.cleanup();
    t = await startServer(kind, { env: { ...ENV, ZHIBO_REMINDER_TIMEOUT_MS: '400', ZHIBO_REMINDER_LEASE_MS: '5000' } });
    m = await merchant(t);
    await setReminders({ webhookUrl: `${hook.url}/hook`, webpush: false, inPage: false });
    const roomId = await m.room();
    const modes = ['viewer-500x', 'viewer-hang', 'viewer-drop'];
    for (const v of modes) await plugin(t.url, v, 'POST', '/api/plugin/v1/subscribe', { room_id: roomId });
    const openids = new Map(modes.map((v) => [t.z.services.identity.openid(m.appid, { kind: 'device', id: v }), v]));
    hook.behaviour = (r) => {
      const v = openids.get((JSON.parse(r.body.toString()) as ReminderWebhookBody).openid);
      return v === 'viewer-500x' ? 500 : v === 'viewer-hang' ? 'hang' : 'close';
    };
    await go(roomId, TransitionCause.PublishStarted);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitUntil(async () => (await attemptsLogged(roomId)) === 3 * attempt, { what: `attempt ${attempt} recorded` });
      if (attempt < 3) {
        const rows = await outbox(roomId);
        expect(rows.every((d) => d.state === 'pending')).toBe(true);
        // exponential backoff: ~1 s after the first failure, ~2 s after the second (±25 %)
        const delay = Math.max(...rows.map((d) => d.available_at)) - t.clock.now();
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(1250 * 2 ** (attempt - 1));
        t.clock.advance(1250 * 2 ** (attempt - 1));
        t.z.services.reminderWorker.kick();
      }
    }
    await waitUntil(async () => all(roomId, (d) => d.state === 'dead'), { what: 'dead letters' });
    expect(hook.requests).toHaveLength(9);

    // Visible through the admin API with the attempt log.
    const dead = await admin(t.url, t.z.services.adminToken, 'GET', `/reminders?room_id=${roomId}&state=dead`);
    const list = dead.json.deliveries as Array<{ id: number }>;
    expect(list).toHaveLength(3);
    const errors: string[] = [];
    for (const d of list) {
      const one = await admin(t.url, t.z.services.adminToken, 'GET', `/reminders/${d.id}`);
      const log = one.json.log as Array<{ attempt: number; status_code: number | null; error: string }>;
      expect(log.map((l) => l.attempt)).toEqual([1, 2, 3]);
      errors.push(log[0]!.status_code ? `HTTP ${log[0]!.status_code}` : log[0]!.error);
    }
    expect(errors).toContain('HTTP 500');
    expect(errors).toContain('timeout after 400 ms');
    expect(errors.filter((e) => /ECONNRESET|UND_ERR_SOCKET|closed|socket/i.test(e))).toHaveLength(1);

    // The merchant fixes the server; the operator replays the dead letters.
    hook.behaviour = () => 200;
    const one = await admin(t.url, t.z.services.adminToken, 'POST', `/reminders/${list[0]!.id}/replay`);
    expect(one.json).toEqual({ replayed: 1 });
    expect((await admin(t.url, t.z.services.adminToken, 'POST', `/reminders/${list[0]!.id}/replay`)).status).toBe(409);
    expect((await admin(t.url, t.z.services.adminToken, 'POST', `/rooms/${roomId}/reminders/replay`)).json).toEqual({ replayed: 2 });
    await waitUntil(async () => all(roomId, (d) => d.state === 'sent'), { what: 'replayed and sent' });
    expect(hook.requests).toHaveLength(12);
  });

  it('Web Push: an expired or revoked subscription (404 / 410) is removed and not retried', async () => {
    await setReminders({ webpush: true, inPage: false });
    const roomId = await m.room();
    push.behaviour = (r) => (r.path === '/push/gone' ? 410 : r.path === '/push/unknown' ? 404 : 201);
    for (const [v, p] of [
      ['viewer-gone1', 'gone'],
      ['viewer-404x', 'unknown'],
      ['viewer-okay', 'ok'],
    ] as const)
      await plugin(t.url, v, 'POST', '/api/plugin/v1/subscribe', {
        room_id: roomId,
        push_subscription: browserPushKeys(`${push.url}/push/${p}`).subscription,
      });
    await go(roomId, TransitionCause.PublishStarted);
    await waitUntil(async () => all(roomId, (d) => d.state !== 'pending'), { what: 'all settled' });
    const states = (await outbox(roomId)).map((d) => d.state).sort();
    expect(states).toEqual(['gone', 'gone', 'sent']);
    const left = await t.z.db.query<{ push_endpoint: string | null }>(
      'SELECT push_endpoint FROM subscriptions WHERE room_id = $1 ORDER BY id',
      [roomId],
    );
    expect(left.map((s) => s.push_endpoint)).toEqual([null, null, `${push.url}/push/ok`]);
    expect(push.requests).toHaveLength(3);
  });

  it('reminder N minutes before the planned start, through the same outbox; then the go-live reminder', async () => {
    await setReminders({ webhookUrl: `${hook.url}/hook`, webpush: false, inPage: false, beforeStartMinutes: 5 });
    const start = Math.floor(t.clock.now() / 1000) + 600;
    const roomId = await m.room({ startTime: start, endTime: start + 3600 });
    await plugin(t.url, 'viewer-soon1', 'POST', '/api/plugin/v1/subscribe', { room_id: roomId });
    await plugin(t.url, 'viewer-soon2', 'POST', '/api/plugin/v1/subscribe', { room_id: roomId });
    const fanout = await t.z.services.reminderOutbox.list({ roomId, kind: 'fanout' });
    expect(fanout).toHaveLength(1);
    expect(fanout[0]!.available_at).toBe((start - 300) * 1000);
    t.clock.set((start - 300) * 1000);
    t.z.services.reminderWorker.kick();
    await waitUntil(() => hook.requests.length === 2, { what: 'two starting-soon reminders' });
    expect(hook.json<ReminderWebhookBody>().every((b) => b.event === 'live_starting_soon' && b.start_time === start)).toBe(true);
    await go(roomId, TransitionCause.PublishStarted);
    await waitUntil(() => hook.requests.length === 4, { what: 'two go-live reminders' });
    const events = hook.json<ReminderWebhookBody>().map((b) => b.event);
    expect(events.filter((e) => e === 'live_started')).toHaveLength(2);
    expect(new Set(hook.json<ReminderWebhookBody>().map((b) => b.idempotency_key)).size).toBe(4);
  });

  it('S-SUB-3 none lost: subscriptions racing the go-live are either refused or delivered', async () => {
    await setReminders({ webhookUrl: `${hook.url}/hook`, webpush: false, inPage: false });
    const roomId = await m.room();
    const devices = Array.from({ length: 40 }, (_, i) => `racer-${String(i).padStart(4, '0')}`);
    const sub = (d: string) => plugin(t.url, d, 'POST', '/api/plugin/v1/subscribe', { room_id: roomId });
    const early = await Promise.all(devices.slice(0, 10).map(sub));
    const racing = devices.slice(10, 25).map(sub);
    const live = new Promise((r) => setImmediate(r)).then(() => go(roomId, TransitionCause.PublishStarted));
    const late = devices.slice(25).map(sub);
    const results = [...early, ...(await Promise.all([...racing, ...late]))];
    expect((await live).kind).toBe('changed');
    expect(results.slice(0, 10).every((r) => r.status === 200)).toBe(true);
    const accepted = new Set(
      devices.filter((_, i) => results[i]!.status === 200).map((d) => t.z.services.identity.openid(m.appid, { kind: 'device', id: d })),
    );
    expect(results.every((r) => r.status === 200 || r.json.errcode === 'not_subscribable')).toBe(true);
    await waitUntil(async () => (await all(roomId, (d) => d.state === 'sent')) && hook.requests.length === accepted.size, {
      what: 'every accepted subscription reminded',
    });
    expect(new Set(hook.json<ReminderWebhookBody>().map((b) => b.openid))).toEqual(accepted);
    expect(await t.z.services.reminders.count(roomId)).toBe(accepted.size);
  });

  // PostgreSQL only (PGlite is one process's embedded database): defined only there, so no test is reported skipped.
  if (kind === 'postgres')
    it('two server processes on one PostgreSQL share the outbox (FOR UPDATE SKIP LOCKED): each reminder sent once', async () => {
      await setReminders({ webhookUrl: `${hook.url}/hook`, webpush: false, inPage: false });
      const roomId = await m.room();
      expect(
        await t.z.services.reminders.bulkSubscribe(
          roomId,
          Array.from({ length: 400 }, (_, i) => `o-shared-${i}`),
        ),
      ).toBe(400);
      const other = await startServer(kind, {
        env: ENV,
        clock: t.clock,
        reuse: { dataDir: mkdtempSync(join(tmpdir(), 'zhibo-test-')), databaseUrl: t.databaseUrl },
      });
      try {
        await go(roomId, TransitionCause.PublishStarted);
        other.z.services.reminderWorker.kick();
        await waitUntil(async () => all(roomId, (d) => d.state === 'sent'), { timeoutMs: 30_000, what: '400 sent' });
        const keys = hook.requests.map((r) => String(r.headers['x-zhibo-idempotency-key']));
        expect(keys).toHaveLength(400);
        expect(new Set(keys).size).toBe(400);
        // never claimed twice: one attempt each
        expect((await outbox(roomId)).every((d) => d.attempts === 1)).toBe(true);
      } finally {
        await other.cleanup();
      }
    });

  it('settings are validated; the VAPID public key is per app and only when Web Push is on', async () => {
    const bad = await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, { reminders: { webhookUrl: 'not a url' } });
    expect(bad.status).toBe(400);
    expect(
      (await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, { reminders: { webpush: 'yes' } })).status,
    ).toBe(400);
    expect((await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, { reminders: { nope: 1 } })).status).toBe(400);
    expect((await admin(t.url, t.z.services.adminToken, 'PUT', '/apps/wxnope/settings', { reminders: {} })).status).toBe(404);
    const roomId = await m.room();
    const k1 = await plugin(t.url, 'viewer-key1', 'GET', `/api/plugin/v1/vapid-public-key?room_id=${roomId}`);
    expect(Buffer.from(String(k1.json.publicKey), 'base64url')).toHaveLength(65);
    expect((await plugin(t.url, 'viewer-key1', 'GET', `/api/plugin/v1/vapid-public-key?room_id=${roomId}`)).json).toEqual(k1.json);
    const other = await merchant(t);
    const otherRoom = await other.room();
    expect((await plugin(t.url, 'viewer-key1', 'GET', `/api/plugin/v1/vapid-public-key?room_id=${otherRoom}`)).json.publicKey).not.toBe(
      k1.json.publicKey,
    );
    await setReminders({ webpush: false });
    const off = await plugin(t.url, 'viewer-key1', 'GET', `/api/plugin/v1/vapid-public-key?room_id=${roomId}`);
    expect(off.status).toBe(404);
    expect(off.json.errcode).toBe('webpush_off');
    const app = await admin(t.url, t.z.services.adminToken, 'PUT', `/apps/${m.appid}/settings`, {
      reminders: { inPage: false },
      homeUrl: 'https://shop.example.com/',
    });
    expect(app.json.settings).toMatchObject({ homeUrl: 'https://shop.example.com/', reminders: { webpush: false, inPage: false } });
  });
});
