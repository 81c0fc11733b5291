/**
 * Cluster mode's Redis 7 (docs/cluster.md): one command connection and one subscriber connection per node (ioredis).
 * Commands never wait in an offline queue: while Redis is away they fail at once and their callers carry on without it
 * (video never depends on Redis; realtime keeps its unsent batches for the next tick). ioredis reconnects every
 * ≤ 200 ms and re-subscribes the sharded channels by itself, so a restarted Redis is back within a second or two.
 */
import { Redis } from 'ioredis';
import { randomHex } from './crypto.js';
import type { Log } from './log.js';

export interface RedisLink {
  /** this node's id (random per process): batches, leases and relays name it */
  readonly node: string;
  /** commands (no offline queue: fail fast while disconnected) */
  readonly cmd: Redis;
  /** sharded subscriptions (SSUBSCRIBE); queued while reconnecting, re-subscribed after */
  readonly sub: Redis;
  /** a key or channel of this cluster: prefix + parts, with `{tag}` so one room's keys share a hash slot */
  key(tag: string, name: string): string;
  /** true while the command connection is ready */
  ready(): boolean;
  /** called after every (re)connection of the command connection */
  onReady(fn: () => void): () => void;
  close(): Promise<void>;
}

const RETRY_MS = 200;
/** how long close() waits for Redis to answer QUIT */
const QUIT_MS = 1000;

export function connectRedis(url: string, prefix: string, log: Log): RedisLink {
  const node = randomHex(6);
  const common = {
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => RETRY_MS,
    reconnectOnError: () => true,
    connectionName: `zhibo-${node}`,
  };
  const cmd = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = new Redis(url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true });
  let lastWarn = 0;
  let down = false;
  const warn = (which: string) => (e: Error) => {
    const now = Date.now();
    if (now - lastWarn > 5000) {
      lastWarn = now;
      log.warn(`redis (${which}): ${e.message}; retrying every ${RETRY_MS} ms`);
    }
  };
  cmd.on('error', warn('commands'));
  sub.on('error', warn('subscriber'));
  const readyFns = new Set<() => void>();
  cmd.on('close', () => (down = true));
  cmd.on('ready', () => {
    if (down) log.info('redis: reconnected');
    down = false;
    for (const fn of readyFns) fn();
  });
  // Connect in the background: a node starts (and serves video) whether Redis is there or not.
  cmd.connect().catch(warn('commands'));
  sub.connect().catch(warn('subscriber'));
  let closing: Promise<void> | undefined;
  return {
    node,
    cmd,
    sub,
    key: (tag, name) => `${prefix}:{${tag}}:${name}`,
    ready: () => cmd.status === 'ready',
    onReady(fn) {
      readyFns.add(fn);
      return () => readyFns.delete(fn);
    },
    close() {
      closing ??= (async () => {
        readyFns.clear();
        // QUIT only on a live connection, and not for long: while Redis is away a queued QUIT would wait for it.
        const quit = (r: Redis) =>
          r.status === 'ready' ? Promise.race([r.quit(), new Promise((ok) => setTimeout(ok, QUIT_MS).unref())]) : undefined;
        await Promise.allSettled([quit(cmd), quit(sub)]);
        cmd.disconnect();
        sub.disconnect();
      })();
      return closing;
    },
  };
}
