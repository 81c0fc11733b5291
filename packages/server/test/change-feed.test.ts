/**
 * Several servers on one PostgreSQL keep each other's in-memory state fresh through the change feed (NOTIFY/LISTEN,
 * app/change-feed.ts). Two server instances here, each with its own pool, caches and LISTEN connection. PostgreSQL only
 * (the embedded PGlite is one process by construction), so these tests exist only when the test command started one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransitionCause as C } from '@zhibo/protocol';
import { waitUntil } from '@zhibo/testkit';
import type { DomainEvents } from '../src/lib/domain-events.js';
import { merchant, startServer, type TestServer } from './helpers.js';

type Merchant = Awaited<ReturnType<typeof merchant>>;

if (process.env.ZHIBO_TEST_PG_URL)
  describe('several servers on one PostgreSQL (change feed)', () => {
    let t: TestServer;
    let other: TestServer;
    let m: Merchant;
    let room: number;
    const status = async (base: string) =>
      ((await (await fetch(`${base}/api/plugin/v1/status?room_id=${room}`)).json()) as { liveStatus?: number }).liveStatus;
    const rooms = (srv: TestServer, token: string, limit = 10) =>
      srv.api.post('/wxa/business/getliveinfo', { start: 0, limit }, { access_token: token });
    /** The next event of a kind on a server's bus (the feed re-emits other servers' changes there). */
    const next = <K extends keyof DomainEvents>(srv: TestServer, kind: K, match: (...e: DomainEvents[K]) => boolean) =>
      new Promise<void>((resolve) => {
        const off = srv.z.services.events.on(kind, (...e) => {
          if (!match(...e)) return;
          off();
          resolve();
        });
      });

    beforeEach(async () => {
      t = await startServer('postgres');
      other = await startServer('postgres', { clock: t.clock, reuse: { dataDir: t.dataDir, databaseUrl: t.databaseUrl } });
      m = await merchant(t);
      room = await m.room();
    });
    afterEach(async () => {
      await other?.close();
      await t?.cleanup();
    });

    it('a room created on one server is served by the other', async () => {
      await waitUntil(async () => (await status(other.url)) === 102, { what: 'the new room on the other server' });
    });

    it("status changes made on one server reach the other server's status read and its event bus", async () => {
      await waitUntil(async () => (await status(other.url)) === 102, { what: 'the room on the other server' });
      const pushed: number[] = [];
      other.z.services.events.on('status', (c) => pushed.push(c.to));
      await t.z.services.rooms.apply(room, C.PublishStarted, 'media');
      await t.z.services.rooms.apply(room, C.Banned, 'admin');
      await waitUntil(async () => (await status(other.url)) === 104, { what: '104 on the other server' });
      expect(pushed).toEqual([101, 104]);
    });

    it('the other server drops its cached getliveinfo answer when a status changes', async () => {
      expect(((await rooms(other, m.token)).room_info as Array<{ live_status: number }>)[0]!.live_status).toBe(102);
      const crossed = next(other, 'status', (c) => c.roomId === room && c.to === 104);
      await t.z.services.rooms.apply(room, C.Banned, 'admin');
      await crossed;
      expect(((await rooms(other, m.token)).room_info as Array<{ live_status: number }>)[0]!.live_status).toBe(104);
    });

    it('a room deleted on one server is gone on the other', async () => {
      await waitUntil(async () => (await status(other.url)) === 102, { what: 'the room on the other server' });
      await t.api.post('/wxaapi/broadcast/room/deleteroom', { id: room }, { access_token: m.token });
      await waitUntil(async () => (await fetch(`${other.url}/api/plugin/v1/status?room_id=${room}`)).status === 404, {
        what: 'the deleted room gone on the other server',
      });
    });

    it('a token replaced on one server stops working on the other after the 5-minute overlap', async () => {
      const old = m.token;
      expect((await rooms(other, old, 1)).errcode).toBe(0); // cached on the other server now
      const crossed = next(other, 'appChanged', (e) => e.appid === m.appid && e.tokens !== undefined);
      const fresh = await t.api.token(m.appid, m.appsecret);
      await crossed;
      expect((await rooms(other, old, 1)).errcode).toBe(0); // still within the overlap
      t.clock.advance(301_000);
      expect((await rooms(other, old, 1)).errcode).toBe(42001);
      expect((await rooms(other, fresh, 1)).errcode).toBe(0);
    });

    it('a secret reset on one server revokes the tokens cached on the other at once', async () => {
      expect((await rooms(other, m.token, 1)).errcode).toBe(0);
      await t.z.services.apps.resetSecret(m.appid);
      await waitUntil(async () => (await rooms(other, m.token, 1)).errcode === 40001, {
        what: 'the revoked token refused on the other server',
      });
    });
  });
