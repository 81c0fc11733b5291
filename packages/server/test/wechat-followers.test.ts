/**
 * WeChat's long-term subscription (长期订阅, issue 11 part B): viewers follow the merchant from a room (plugin API),
 * get_wxa_followers pages them, push_message sends a live room's go-live message to chosen followers through the
 * reminder outbox (once per follower and message), and the follow and push-result events reach the app's callbackUrl,
 * signed like the reminder webhook. Real servers and local receivers; both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { verifyWebhook } from '@zhibo/client';
import { TransitionCause, type FollowNotifyBody, type PushMessageNotifyBody, type ReminderWebhookBody } from '@zhibo/protocol';
import { merchant, startServer, type TestServer } from './helpers.js';
import { plugin, Receiver } from './reminder-helpers.js';

const ENV = {
  ZHIBO_REMINDER_RATE: '1000',
  ZHIBO_REMINDER_POLL_MS: '50',
  ZHIBO_REMINDER_BACKOFF_MS: '1000',
  ZHIBO_REMINDER_MAX_ATTEMPTS: '3',
  ZHIBO_REMINDER_TIMEOUT_MS: '5000',
  ZHIBO_REMINDER_LEASE_MS: '15000',
  ZHIBO_PUSH_ALLOW_HTTP: '1',
  ZHIBO_OUTBOUND_ALLOW: '127.0.0.1/32',
};
const FOLLOW = '/api/plugin/v1/follow';

describe.each(testDbKinds())('followers on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  let hook: Receiver;
  let cb: Receiver;
  const openidOf = async (device: string, roomId: number) =>
    (await plugin(t.url, device, 'GET', `/api/plugin/v1/openid?room_id=${roomId}`)).json.openid as string;
  const events = <T>(name: string) => cb.json<T & { Event: string }>().filter((e) => e.Event === name);

  beforeEach(async () => {
    t = await startServer(kind, { env: ENV });
    m = await merchant(t);
    hook = await new Receiver().start();
    cb = await new Receiver().start();
    await t.z.services.apps.updateSettings(m.appid, {
      callbackUrl: `${cb.url}/wx`,
      reminders: { webhookUrl: `${hook.url}/hook`, webpush: false, inPage: false },
    });
  });
  afterEach(async () => {
    await t.cleanup();
    await hook.close();
    await cb.close();
  });

  it('follow/unfollow from a room: once per viewer and app, state readable, wxalive_follow_notify signed to the callbackUrl', async () => {
    const room = await m.room();
    expect((await plugin(t.url, 'device-aaaa1', 'POST', FOLLOW, { room_id: room })).json).toEqual({ following: true });
    expect((await plugin(t.url, 'device-aaaa1', 'POST', FOLLOW, { room_id: room })).json).toEqual({ following: true });
    expect((await plugin(t.url, 'device-aaaa1', 'GET', `${FOLLOW}?room_id=${room}`)).json).toEqual({ following: true });
    expect((await plugin(t.url, 'device-bbbb2', 'GET', `${FOLLOW}?room_id=${room}`)).json).toEqual({ following: false });
    expect((await plugin(t.url, 'device-aaaa1', 'DELETE', `${FOLLOW}?room_id=${room}`)).json).toEqual({ following: false });
    expect((await plugin(t.url, 'device-aaaa1', 'DELETE', `${FOLLOW}?room_id=${room}`)).json).toEqual({ following: false });
    expect(
      (
        await fetch(`${t.url}${FOLLOW}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ room_id: room }),
        })
      ).status,
    ).toBe(401);
    expect((await plugin(t.url, 'device-aaaa1', 'POST', FOLLOW, { room_id: 999999 })).status).toBe(404);
    await waitUntil(() => events('wxalive_follow_notify').length === 2, { timeoutMs: 15_000 });
    const openid = await openidOf('device-aaaa1', room);
    const [add, del] = events<FollowNotifyBody>('wxalive_follow_notify');
    expect(add).toMatchObject({
      ToUserName: m.appid,
      MsgType: 'event',
      FollowNotify: { room_id: room, user_openid: openid, live_status: 102, action: 'add_follow' },
    });
    expect(del!.FollowNotify.action).toBe('del_follow');
    for (const r of cb.requests)
      expect(verifyWebhook(m.appsecret, r.body.toString('utf8'), String(r.headers['x-zhibo-signature']))).toBe(true);
    expect(verifyWebhook('wrong-secret', cb.requests[0]!.body, String(cb.requests[0]!.headers['x-zhibo-signature']))).toBe(false);
    expect(new Set(cb.requests.map((r) => r.headers['x-zhibo-idempotency-key'])).size).toBe(2);
  });

  it("get_wxa_followers pages with limit and page_break (numbers or numeric strings), in WeChat's field types", async () => {
    const room = await m.room();
    const devices = ['device-f0001', 'device-f0002', 'device-f0003'];
    for (const d of devices) await plugin(t.url, d, 'POST', FOLLOW, { room_id: room });
    const first = await m.post('/wxa/business/get_wxa_followers', { limit: 2 });
    expect(first).toMatchObject({
      errcode: 0,
      followers: [
        { openid: await openidOf(devices[0]!, room), room_id: room, room_status: 102, subscribe_time: Math.floor(t.clock.now() / 1000) },
        {},
      ],
    });
    expect(typeof first.page_break).toBe('number');
    const second = await m.post('/wxa/business/get_wxa_followers', { limit: '2', page_break: String(first.page_break) });
    expect((second.followers as unknown[]).length).toBe(1);
    const third = await m.post('/wxa/business/get_wxa_followers', { limit: 2, page_break: second.page_break });
    expect(third).toMatchObject({ errcode: 0, followers: [], page_break: second.page_break });
    expect((await m.post('/wxa/business/get_wxa_followers', { limit: 2001 })).errcode).toBe(40097);
    expect((await m.post('/wxa/business/get_wxa_followers', { page_break: -1 })).errcode).toBe(40097);
    expect((await m.post('/wxa/business/get_wxa_followers', {})).followers).toHaveLength(3);
  });

  it('push_message: a live room only (9410006), once per follower and message, one room a day (9410005); the result reaches the callbackUrl', async () => {
    const room = await m.room();
    const other = await m.room();
    const a = await openidOf('device-p0001', room);
    const b = await openidOf('device-p0002', room);
    for (const d of ['device-p0001', 'device-p0002']) await plugin(t.url, d, 'POST', FOLLOW, { room_id: room });
    const notFollower = await openidOf('device-p0003', room);
    expect((await m.post('/wxa/business/push_message', { room_id: room, user_openid: [a] })).errcode).toBe(9410006);
    await t.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'test');
    await t.z.services.rooms.apply(other, TransitionCause.PublishStarted, 'test');
    for (const bad of [[], 'x', Array.from({ length: 2001 }, () => a)])
      expect((await m.post('/wxa/business/push_message', { room_id: room, user_openid: bad })).errcode).toBe(200002);
    expect((await m.post('/wxa/business/push_message', { room_id: 424242, user_openid: [a] })).errcode).toBe(300022);
    const r = await m.post('/wxa/business/push_message', { room_id: String(room), user_openid: [a, b, a, notFollower, 'OPENID1'] });
    expect(r).toMatchObject({ errcode: 0, message_id: expect.stringMatching(/^\d{19}$/) });
    await waitUntil(() => events('wxalive_push_message_notify').length === 1, { timeoutMs: 15_000 });
    const pushed = hook.json<ReminderWebhookBody>().filter((x) => x.event === 'live_started' && x.room_id === room);
    expect(pushed.map((x) => x.openid).sort()).toEqual([a, b].sort());
    const [done] = events<PushMessageNotifyBody>('wxalive_push_message_notify');
    expect(done!.PushMessageApiNotify).toEqual({
      message_id: r.message_id,
      room_id: room,
      total_count: 4,
      success_count: 2,
      openid_error_count: 1,
      relation_error_count: 1,
      user_recv_limit_count: 0,
      internal_error_count: 0,
    });
    expect((await m.post('/wxa/business/push_message', { room_id: other, user_openid: [a] })).errcode).toBe(9410005);
    const again = await m.post('/wxa/business/push_message', { room_id: room, user_openid: [a] });
    expect(again.errcode).toBe(0);
    await waitUntil(() => events('wxalive_push_message_notify').length === 2, { timeoutMs: 15_000 });
    expect(hook.json<ReminderWebhookBody>().filter((x) => x.room_id === room)).toHaveLength(3);
    t.clock.advance(86_400_000);
    await m.refresh();
    expect((await m.post('/wxa/business/push_message', { room_id: other, user_openid: [a] })).errcode).toBe(0);
  });

  it('push_message results count a follower whose deliveries all failed as an internal error, after the retries', async () => {
    const room = await m.room();
    const a = await openidOf('device-q0001', room);
    await plugin(t.url, 'device-q0001', 'POST', FOLLOW, { room_id: room });
    hook.behaviour = () => 500;
    await t.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'test');
    await m.post('/wxa/business/push_message', { room_id: room, user_openid: [a] });
    await waitUntil(() => hook.requests.length >= 1, { timeoutMs: 15_000 });
    // The retries come as the (fake) clock passes their backoff: move it on a little at every look, so a retry is due
    // whenever its failed attempt happens to be recorded.
    await waitUntil(
      () => {
        if (events('wxalive_push_message_notify').length === 1) return true;
        t.clock.advance(5_000);
        t.z.services.reminderWorker.kick();
        return false;
      },
      { timeoutMs: 45_000, intervalMs: 100, what: 'the push result after the last retry' },
    );
    expect(hook.requests.length).toBeGreaterThanOrEqual(3); // ZHIBO_REMINDER_MAX_ATTEMPTS
    expect(events<PushMessageNotifyBody>('wxalive_push_message_notify')[0]!.PushMessageApiNotify).toMatchObject({
      total_count: 1,
      success_count: 0,
      internal_error_count: 1,
    });
  });
});
