/**
 * Cluster mode, video (issue 13): the publish lease across nodes, edges that relay a stream from the node holding it
 * (one pull, stopped after the last viewer), a relay tree, and edges following the lease when the anchor moves.
 * Real ffmpeg publishers, real nodes on one PostgreSQL and one Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pushTestStream, waitUntil, type Pusher } from '@zhibo/testkit';
import { clusterEnabled, startCluster, watchFlv, type Cluster } from './cluster-helpers.js';
import { merchant, type TestServer } from './helpers.js';

if (clusterEnabled)
  describe('cluster mode: publishing and edges', () => {
    let c: Cluster | undefined;
    const pushers: Pusher[] = [];
    const watchers: Array<ReturnType<typeof watchFlv>> = [];
    afterEach(async () => {
      for (const w of watchers.splice(0)) w.close();
      await Promise.all(pushers.splice(0).map((p) => p.stop()));
      await c?.cleanup();
      c = undefined;
    });

    /** A room (made on node 0) and its push URL on any node. */
    async function setup(nodes: number, env: Record<string, string> = {}) {
      c = await startCluster(nodes, { env });
      const m = await merchant(c.nodes[0]!);
      const room = await m.room();
      const { pushAddr } = await c.nodes[0]!.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
      const key = /key=(.*)$/.exec(pushAddr as string)![1]!;
      for (const n of c.nodes) await waitUntil(() => n.z.services.rooms.cachedStatus(room), { what: 'the room on every node' });
      const pushTo = (n: TestServer) => {
        const p = pushTestStream(`${n.z.services.urls().rtmp}/${room}?key=${key}`, { gopSeconds: 1 });
        pushers.push(p);
        return p;
      };
      const watch = (n: TestServer) => {
        const w = watchFlv(`${n.url}/live/${room}.flv`);
        watchers.push(w);
        return w;
      };
      return { cl: c, room, id: String(room), pushTo, watch };
    }

    it('two encoders racing to two nodes: exactly one is accepted, the other is refused with a clear RTMP error', async () => {
      const { cl, id, pushTo } = await setup(2);
      const [a, b] = [pushTo(cl.nodes[0]!), pushTo(cl.nodes[1]!)];
      const loser = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
      const winner = loser === a ? b : a;
      expect(await loser.exited).not.toBe(0);
      expect((loser as Pusher & { stderr: string }).stderr).toMatch(/already being published on another node/);
      await waitUntil(() => cl.nodes.filter((n) => n.z.services.media.hasPublisher(id)).length === 1, {
        what: 'one publisher in the cluster',
      });
      expect(winner.proc.exitCode).toBeNull();
    });

    it('viewers on a node without the stream get it through one pull from the origin, which stops after the last viewer left', async () => {
      const { cl, id, pushTo, watch } = await setup(2);
      const [origin, edge] = [cl.nodes[0]!, cl.nodes[1]!];
      pushTo(origin);
      await waitUntil(() => origin.z.services.media.hasPublisher(id), { what: 'the publisher on the origin', timeoutMs: 15_000 });
      const w1 = watch(edge);
      const w2 = watch(edge);
      await waitUntil(() => w1.keyframes.length >= 2 && w2.keyframes.length >= 2, { what: 'video on the edge', timeoutMs: 15_000 });
      expect(origin.z.services.media.hub(id)!.viewerCount).toBe(1); // one internal pull, however many viewers
      expect(origin.z.services.media.viewerCount(id)).toBe(0); // and it is not counted as a viewer
      expect(edge.z.services.media.viewerConnections(id)).toBe(2);
      w1.close();
      w2.close();
      await waitUntil(() => edge.z.services.media.relay(id) === undefined, {
        what: 'the relay stopped after its linger',
        timeoutMs: 15_000,
      });
      await waitUntil(() => origin.z.services.media.hub(id)!.viewerCount === 0, { what: 'the pull gone from the origin' });
    });

    it('edge of an edge: with a fan-out of 1 the second edge pulls from the first, not from the origin', async () => {
      const { cl, id, pushTo, watch } = await setup(3, { ZHIBO_RELAY_FANOUT: '1' });
      const [origin, e1, e2] = cl.nodes as [TestServer, TestServer, TestServer];
      pushTo(origin);
      await waitUntil(() => origin.z.services.media.hasPublisher(id), { what: 'the publisher on the origin', timeoutMs: 15_000 });
      const w1 = watch(e1);
      await waitUntil(() => w1.keyframes.length >= 1, { what: 'video on the first edge', timeoutMs: 15_000 });
      const w2 = watch(e2);
      await waitUntil(() => w2.keyframes.length >= 2, { what: 'video on the second edge', timeoutMs: 15_000 });
      expect(origin.z.services.media.hub(id)!.viewerCount).toBe(1);
      expect(e1.z.services.media.hub(id)!.viewerCount).toBe(2); // its own viewer + the second edge's pull
    });

    it("the anchor's node goes away and the anchor republishes on another node: edge viewers keep their connection and get video again", async () => {
      const { cl, id, pushTo, watch } = await setup(3);
      const [origin, next, edge] = cl.nodes as [TestServer, TestServer, TestServer];
      const first = pushTo(origin);
      await waitUntil(() => origin.z.services.media.hasPublisher(id), { what: 'the publisher on the origin', timeoutMs: 15_000 });
      const w = watch(edge);
      await waitUntil(() => w.keyframes.length >= 2, { what: 'video on the edge', timeoutMs: 15_000 });
      await first.stop();
      await origin.close();
      const before = w.keyframes.length;
      pushTo(next);
      await waitUntil(() => w.keyframes.length >= before + 2, { what: 'video again on the same connection', timeoutMs: 20_000 });
      expect(w.ended).toBeUndefined();
      expect(w.tsBack).toBe(0); // timestamps continue across the origin switch
    });

    it('a replay recorded on one node and an uploaded image are served by every node (shared data directory, images in the database)', async () => {
      c = await startCluster(2);
      const [a, b] = c.nodes as [TestServer, TestServer];
      const m = await merchant(a);
      const room = await m.room();
      const { pushAddr } = await a.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
      const p = pushTestStream(pushAddr as string, { seconds: 3, gopSeconds: 1 });
      pushers.push(p);
      expect(await p.exited).toBe(0);
      const list = await waitUntil(
        async () => {
          const r = (await (await fetch(`${b.url}/api/plugin/v1/replays?room_id=${room}`)).json()) as {
            replays?: Array<{ media_url: string }>;
          };
          return r.replays?.length ? r.replays : undefined;
        },
        { what: 'the replay listed on the other node', timeoutMs: 30_000 },
      );
      const path = new URL(list[0]!.media_url).pathname;
      const mp4 = await fetch(`${b.url}${path}`);
      expect(mp4.status).toBe(200);
      expect(mp4.headers.get('content-type')).toBe('video/mp4');
      expect((await mp4.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
      const info = await b.api.post('/wxa/business/getliveinfo', { start: 0, limit: 10 }, { access_token: m.token });
      const cover = new URL((info.room_info as Array<{ cover_img: string }>)[0]!.cover_img).pathname;
      const img = await fetch(`${b.url}${cover}`);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toMatch(/^image\//);
    });
  });
