/**
 * Cluster-wide limits (issue 13): the console's sign-in throttle and the token buckets (reminder send rate, goods taps)
 * hold for the whole cluster through Redis, not per node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisLink } from '../src/lib/redis.js';
import { sharedBuckets } from '../src/lib/shared-limits.js';
import { silentLog } from '../src/lib/log.js';
import { Role } from '../src/modules/console/index.js';
import { waitUntil } from '@zhibo/testkit';
import { clusterEnabled, startCluster, type Cluster } from './cluster-helpers.js';
import { ConsoleClient } from './console-helpers.js';

if (clusterEnabled)
  describe('cluster mode: limits shared by every node', () => {
    let c: Cluster;
    beforeAll(async () => {
      c = await startCluster(2);
    });
    afterAll(async () => {
      await c?.cleanup();
    });

    it('failed console sign-ins on two nodes add up: the sixth attempt is throttled on either node', async () => {
      await c.nodes[0]!.z.services.accounts.create({
        login: 'shop-a',
        name: 'Shop A',
        role: Role.Merchant,
        password: 'correct horse battery',
      });
      const [a, b] = [new ConsoleClient(c.nodes[0]!.url), new ConsoleClient(c.nodes[1]!.url)];
      for (const cl of [a, b, a, b, a]) expect((await cl.login('shop-a', 'wrong password')).status).toBe(400);
      const sixth = await b.login('shop-a', 'correct horse battery');
      expect(sixth.status).toBe(429);
      expect((await a.login('shop-a', 'correct horse battery')).status).toBe(429);
    });

    it('a shared token bucket gives two nodes together the rate of one bucket', async () => {
      const links: RedisLink[] = [connectRedis(c.redisUrl, c.prefix, silentLog), connectRedis(c.redisUrl, c.prefix, silentLog)];
      try {
        await waitUntil(() => links.every((l) => l.ready()), { what: 'redis connected' });
        const buckets = links.map((l) => sharedBuckets(l, silentLog)('test-rate', 20, 20));
        let taken = 0;
        const t0 = Date.now();
        while (Date.now() - t0 < 1000) {
          for (const b of buckets) taken += b.take(5);
          await new Promise((r) => setTimeout(r, 10));
        }
        // one bucket: 20 at once + 20/s; two separate buckets would give about twice that
        expect(taken).toBeGreaterThanOrEqual(20);
        expect(taken).toBeLessThanOrEqual(20 + 20 * ((Date.now() - t0) / 1000) + 2);
      } finally {
        await Promise.all(links.map((l) => l.close()));
      }
    });
  });
