/**
 * Cluster mode, realtime (issue 13): three nodes on one PostgreSQL and one Redis share chat, likes, viewer counts and
 * merchant commands through the Redis bus. Exists only when the test command started PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { waitUntil } from '@zhibo/testkit';
import { clusterEnabled, startCluster, type Cluster } from './cluster-helpers.js';
import { merchant } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

type Merchant = Awaited<ReturnType<typeof merchant>>;

if (clusterEnabled)
  describe('cluster mode: realtime across nodes on Redis', () => {
    let c: Cluster;
    let m: Merchant;
    let redis: Redis;
    const viewers: Viewer[] = [];
    const join = async (node: number, room: number, batch = true) => {
      // A room made on node 0 reaches the others through the change feed (PostgreSQL NOTIFY).
      await waitUntil(() => c.nodes[node]!.z.services.rooms.cachedStatus(room), { what: `room ${room} known on node ${node}` });
      const j = await Viewer.join(c.nodes[node]!.url, room, batch ? { chatBatch: true } : {});
      viewers.push(j.v);
      return j;
    };
    const chatTexts = (v: Viewer) => [
      ...v.all('chat').map((x) => x.text),
      ...v.all('chat_batch').flatMap((b) => b.comments.map((x) => x.text)),
    ];

    beforeAll(async () => {
      c = await startCluster(3);
      m = await merchant(c.nodes[0]!);
      redis = new Redis(c.redisUrl);
    });
    afterAll(async () => {
      for (const v of viewers) v.close();
      redis?.disconnect();
      await c?.cleanup();
    });

    it('chat from a viewer on node A arrives on nodes B and C (chat_batch and chat clients)', async () => {
      const room = await m.room();
      const a = await join(0, room);
      const b = await join(1, room);
      const cLegacy = await join(2, room, false);
      a.v.send({ type: 'chat', text: 'hello from A' });
      await waitUntil(() => chatTexts(b.v).includes('hello from A') && chatTexts(cLegacy.v).includes('hello from A'), {
        what: 'the comment on B and C',
      });
      expect(b.v.all('chat')).toHaveLength(0); // a chat_batch client gets batches only
      expect(cLegacy.v.all('chat_batch')).toHaveLength(0); // an old client gets chat frames only
      expect(
        b.v
          .all('chat_batch')
          .at(-1)!
          .comments.find((x) => x.text === 'hello from A')!.openid,
      ).toBe(a.welcome.openid);
    });

    it('likes tapped on three nodes: the same total on every node, in Redis and in the database', async () => {
      const room = await m.room();
      const vs = await Promise.all([0, 1, 2].map((i) => join(i, room)));
      for (let round = 0; round < 3; round++) for (const { v } of vs) v.send({ type: 'like', count: 5 });
      const total = 45;
      await waitUntil(() => vs.every(({ v }) => v.all('likes').at(-1)?.total === total), {
        what: `likes total ${total} on every node`,
        timeoutMs: 10_000,
      });
      expect(Number(await redis.get(`${c.prefix}:{r${room}}:likes`))).toBe(total);
      await waitUntil(async () => (await c.nodes[2]!.z.services.interaction.stats(m.appid, room)).likes === total, {
        what: 'the database total',
      });
      for (const n of c.nodes) expect((await n.z.services.interaction.liveDesk(room, false)).likes).toBe(total);
    });

    it('viewer counts add up across nodes, and a node that stops talking leaves the total within 3 s', async () => {
      const room = await m.room();
      const a = await join(0, room);
      await join(1, room);
      await join(1, room);
      await join(2, room);
      await waitUntil(() => a.v.all('viewers').at(-1)?.count === 4, { what: '4 viewers seen on node A' });
      const extra = await c.add();
      const e = await join(3, room);
      await waitUntil(() => a.v.all('viewers').at(-1)?.count === 5, { what: '5 viewers with the new node' });
      e.v.close();
      // The node goes silent without saying goodbye (its batches stop): out of the total within 3 s.
      extra.z.services.realtime.configure({ tickMs: 3_600_000 });
      const t0 = Date.now();
      await waitUntil(() => a.v.all('viewers').at(-1)?.count === 4, { what: 'the silent node out of the total', timeoutMs: 8000 });
      expect(Date.now() - t0).toBeLessThan(6000); // 3 s of silence + a tick; generous for a loaded machine
    });

    it('merchant commands made on node A reach viewers on node B: present, mute, delete, comment switch', async () => {
      const room = await m.room();
      const gid = await m.goods();
      expect((await m.post('/wxaapi/broadcast/room/addgoods', { roomId: room, ids: [gid] })).errcode).toBe(0);
      const talker = await join(2, room);
      const b = await join(1, room);
      expect(
        (await c.nodes[0]!.api.post('/wxaapi/broadcast/goods/push', { roomId: room, goodsId: gid }, { access_token: m.token })).errcode,
      ).toBe(0);
      await b.v.next('present', (p) => p.goods?.goods_id === gid);
      expect(
        (
          await c.nodes[0]!.api.post(
            '/wxaapi/broadcast/room/mute',
            { roomId: room, openid: talker.welcome.openid, mute: 1 },
            { access_token: m.token },
          )
        ).errcode,
      ).toBe(0);
      await talker.v.next('muted', (x) => x.you);
      expect(
        (
          await c.nodes[0]!.api.post(
            '/wxaapi/broadcast/room/mute',
            { roomId: room, openid: talker.welcome.openid, mute: 0 },
            { access_token: m.token },
          )
        ).errcode,
      ).toBe(0);
      await talker.v.next('muted', (x) => !x.you);
      talker.v.send({ type: 'chat', text: 'to be deleted' });
      const said = await waitUntil(
        () =>
          b.v
            .all('chat_batch')
            .flatMap((x) => x.comments)
            .find((x) => x.text === 'to be deleted'),
        { what: 'the comment on B' },
      );
      await waitUntil(
        async () =>
          (
            await c.nodes[0]!.api.post(
              '/wxaapi/broadcast/room/deletecomment',
              { roomId: room, commentId: said.id },
              { access_token: m.token },
            )
          ).errcode === 0,
        { what: 'the delete accepted' },
      );
      await b.v.next('chatDeleted', (x) => x.id === said.id);
      expect(
        (await c.nodes[0]!.api.post('/wxaapi/broadcast/room/updatecomment', { roomId: room, banComment: 1 }, { access_token: m.token }))
          .errcode,
      ).toBe(0);
      await b.v.next('comments', (x) => x.closed);
    });

    it('a notice pinned on node A and a replay made ready on node A reach viewers on node B', async () => {
      const room = await m.room();
      const b = await join(1, room);
      expect(await c.nodes[0]!.z.services.interaction.pinNotice(m.appid, room, 'free shipping tonight')).toBe('free shipping tonight');
      await b.v.next('notice', (x) => x.text === 'free shipping tonight');
      c.nodes[0]!.z.services.events.emit('replayReady', { roomId: room, ready: 2 });
      await b.v.next('replays', (x) => x.ready === 2);
      expect(await c.nodes[0]!.z.services.interaction.pinNotice(m.appid, room, '')).toBeNull();
      await b.v.next('notice', (x) => x.text === null);
    });

    it('a viewer joining another node gets the comments of every node in its welcome', async () => {
      const room = await m.room();
      const a = await join(0, room);
      const b = await join(1, room);
      a.v.send({ type: 'chat', text: 'one from A' });
      b.v.send({ type: 'chat', text: 'one from B' });
      await waitUntil(() => chatTexts(a.v).includes('one from B') && chatTexts(b.v).includes('one from A'), {
        what: 'both comments on both nodes',
      });
      const late = await join(2, room);
      expect(late.welcome.room.comments.map((x) => x.text)).toEqual(expect.arrayContaining(['one from A', 'one from B']));
    });
  });
