import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus, TransitionCause } from '@zhibo/protocol';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { TimerJob } from '../src/modules/rooms/timers.js';
import { silentLog } from '../src/lib/log.js';

const C = TransitionCause;

describe.each(testDbKinds())('room lifecycle storage on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => t?.cleanup());

  it('S-STATUS-8: every transition is stored with cause, actor and time (audit log)', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const rooms = t.z.services.rooms;
    await rooms.apply(room, C.PublishStarted, 'media');
    t.clock.advance(1000);
    await rooms.apply(room, C.Paused, 'admin');
    await rooms.apply(room, C.Resumed, 'admin');
    await rooms.apply(room, C.StreamLost, 'media');
    await rooms.apply(room, C.PublishStarted, 'media');
    await rooms.apply(room, C.AnchorEnded, 'api');
    const log = await rooms.auditLog(room);
    expect(log.map((e) => [e.from_status, e.to_status, e.cause, e.actor])).toEqual([
      [null, 102, 'created', 'api'],
      [102, 101, 'publish_started', 'media'],
      [101, 105, 'paused', 'admin'],
      [105, 101, 'resumed', 'admin'],
      [101, 106, 'stream_lost', 'media'],
      [106, 101, 'publish_started', 'media'],
      [101, 103, 'anchor_ended', 'api'],
    ]);
    expect(log[2]!.at - log[1]!.at).toBe(1000);
    const refused = await rooms.apply(room, C.PublishStarted, 'media');
    expect(refused).toMatchObject({ kind: 'refused', reason: 'final_status' });
    expect((await rooms.auditLog(room)).length).toBe(7);
  });

  it('S-STATUS-3: 15 minutes in 106 ends the live (103) — fake clock', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const rooms = t.z.services.rooms;
    await rooms.apply(room, C.PublishStarted, 'media');
    await rooms.apply(room, C.StreamLost, 'media');
    t.clock.advance(15 * 60_000 - 1);
    expect(await t.z.timers.runDue()).toBe(0);
    expect(rooms.cachedStatus(room)?.status).toBe(LiveStatus.Abnormal);
    t.clock.advance(1);
    expect(await t.z.timers.runDue()).toBe(1);
    expect(rooms.cachedStatus(room)?.status).toBe(LiveStatus.Ended);
    expect((await rooms.auditLog(room)).at(-1)).toMatchObject({
      from_status: 106,
      to_status: 103,
      cause: 'abnormal_timeout',
      actor: 'timer',
    });
  });

  it('S-STATUS-3: re-publishing within 15 minutes cancels the timeout', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const rooms = t.z.services.rooms;
    await rooms.apply(room, C.PublishStarted, 'media');
    await rooms.apply(room, C.StreamLost, 'media');
    t.clock.advance(14 * 60_000);
    await rooms.apply(room, C.PublishStarted, 'media');
    t.clock.advance(60 * 60_000);
    expect(await t.z.timers.runDue()).toBe(0);
    expect(rooms.cachedStatus(room)?.status).toBe(LiveStatus.Live);
  });

  it('S-STATUS-5: a room still 102 at its planned end_time expires (107) and can not go live', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const started = await m.room({ name: '已开播直播间' });
    await t.z.services.rooms.apply(started, C.PublishStarted, 'media');
    t.clock.advance((600 + 3600) * 1000);
    expect(await t.z.timers.runDue()).toBe(1);
    expect(t.z.services.rooms.cachedStatus(room)?.status).toBe(LiveStatus.Expired);
    expect(t.z.services.rooms.cachedStatus(started)?.status).toBe(LiveStatus.Live);
    expect(await t.z.services.rooms.apply(room, C.PublishStarted, 'media')).toMatchObject({ kind: 'refused', reason: 'expired' });
    const info = await m.post('/wxa/business/getliveinfo', { start: 0, limit: 10 });
    expect((info.room_info as Array<{ roomid: number; live_status: number }>).find((r) => r.roomid === room)?.live_status).toBe(107);
  });

  it('S-STATUS-8: a timer that fell due while the server was down fires at start (reconcile on boot)', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    await t.z.services.rooms.apply(room, C.PublishStarted, 'media');
    await t.z.services.rooms.apply(room, C.StreamLost, 'media');
    await t.close();
    t.clock.advance(16 * 60_000);
    const again = await startServer(kind, { clock: t.clock, reuse: { dataDir: t.dataDir, databaseUrl: t.databaseUrl } });
    const cleanup = t.cleanup;
    t = {
      ...again,
      cleanup: async () => {
        await again.close();
        await cleanup();
      },
    };
    expect(again.z.services.rooms.cachedStatus(room)?.status).toBe(LiveStatus.Ended);
  });

  it('S-STATUS-8: two workers never fire the same timer twice (FOR UPDATE SKIP LOCKED)', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await m.room({ name: `并发直播间${i}` }));
    t.clock.advance((600 + 3600) * 1000);
    const s = t.z.services;
    const second = new TimerJob(s.rooms, silentLog, 1000, false);
    const [a, b] = await Promise.all([t.z.timers.runDue(), second.runDue()]);
    expect(a + b).toBe(6);
    for (const id of ids) expect((await t.z.services.rooms.auditLog(id)).filter((e) => e.cause === 'plan_expired')).toHaveLength(1);
  });

  it('S-STATUS-6/-7: operator actions through the admin API, refused transitions answer 409 with the reason', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const admin = (path: string, token = t.z.services.adminToken) =>
      fetch(`${t.url}/admin/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await admin(`/rooms/${room}/pause`, 'wrong')).status).toBe(401);
    const r1 = await admin(`/rooms/${room}/pause`);
    expect(r1.status).toBe(409);
    expect(await r1.json()).toMatchObject({ error: 'not_allowed', live_status: 102 });
    await t.z.services.rooms.apply(room, C.PublishStarted, 'media');
    expect(await (await admin(`/rooms/${room}/pause`)).json()).toMatchObject({ live_status: 105, changed: true });
    expect(await (await admin(`/rooms/${room}/resume`)).json()).toMatchObject({ live_status: 101 });
    expect(await (await admin(`/rooms/${room}/ban`)).json()).toMatchObject({ live_status: 104 });
    expect((await admin(`/rooms/${room}/resume`)).status).toBe(409);
    expect((await admin(`/rooms/999999/end`)).status).toBe(404);
    expect((await admin(`/rooms/${room}/explode`)).status).toBe(404);
    const ev = (await (
      await fetch(`${t.url}/admin/api/rooms/${room}/events`, { headers: { authorization: `Bearer ${t.z.services.adminToken}` } })
    ).json()) as { events: Array<{ cause: string; actor: string }> };
    expect(ev.events.map((e) => e.cause)).toEqual(['created', 'publish_started', 'paused', 'resumed', 'banned']);
  });
});
