/**
 * Cluster-mode test helpers (issue 13): nodes on one real PostgreSQL and one real Redis, nginx as the load balancer
 * (deploy/nginx/cluster.conf), a private redis-server for the restart test, a TCP cut-off in front of PostgreSQL, and
 * an HTTP-FLV watcher. Cluster tests exist only when the test command started PostgreSQL and Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@zhibo/core';
import { pullFlv } from '@zhibo/media';
import { freshPgDatabase, waitUntil } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';

export const clusterEnabled = Boolean(process.env.ZHIBO_TEST_PG_URL && process.env.ZHIBO_TEST_REDIS_URL);

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface Cluster {
  nodes: TestServer[];
  databaseUrl: string;
  dataDir: string;
  redisUrl: string;
  prefix: string;
  clock: FakeClock;
  /** start one more node of this cluster */
  add(env?: Record<string, string>): Promise<TestServer>;
  cleanup(): Promise<void>;
}

let clusters = 0;

/** n in-process nodes (each its own HTTP/RTMP ports, caches, Redis connections) sharing PostgreSQL, Redis and the data directory. */
export async function startCluster(
  n: number,
  opts: { redisUrl?: string; env?: Record<string, string>; databaseVia?: (url: string) => string } = {},
): Promise<Cluster> {
  const { url: databaseUrl, drop } = await freshPgDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'zhibo-cluster-'));
  const redisUrl = opts.redisUrl ?? process.env.ZHIBO_TEST_REDIS_URL!;
  const prefix = `zt${process.pid}x${++clusters}x${Date.now().toString(36)}`;
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 4, 0, 0));
  const nodes: TestServer[] = [];
  const add = async (env: Record<string, string> = {}) => {
    const s = await startServer('postgres', {
      clock,
      reuse: { dataDir, databaseUrl: opts.databaseVia?.(databaseUrl) ?? databaseUrl },
      env: { ZHIBO_REDIS_URL: redisUrl, ZHIBO_REDIS_PREFIX: prefix, ...opts.env, ...env },
    });
    nodes.push(s);
    return s;
  };
  for (let i = 0; i < n; i++) await add();
  return {
    nodes,
    databaseUrl,
    dataDir,
    redisUrl,
    prefix,
    clock,
    add,
    async cleanup() {
      await Promise.allSettled(nodes.map((s) => s.close()));
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Nginx {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** nginx with deploy/nginx/cluster.conf in front of the given node URLs. */
export async function startNginx(nodeUrls: string[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-nginx-'));
  chmodSync(dir, 0o777);
  for (const d of ['cache', 'tmp-body', 'tmp-proxy', 'tmp-fcgi', 'tmp-uwsgi', 'tmp-scgi']) mkdirSync(join(dir, d), { mode: 0o777 });
  const port = await freePort();
  const template = readFileSync(new URL('../../../deploy/nginx/cluster.conf', import.meta.url), 'utf8');
  const conf = template
    .replaceAll('@DIR@', dir)
    .replace('@LISTEN@', `127.0.0.1:${port}`)
    .replace('@UPSTREAMS@', nodeUrls.map((u) => `    server ${new URL(u).host} max_fails=1 fail_timeout=2s;`).join('\n'));
  writeFileSync(join(dir, 'nginx.conf'), `user root;\n${conf}`);
  const proc = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () =>
      proc.exitCode !== null
        ? Promise.reject(new Error(`nginx exited: ${err}`))
        : (await fetch(`${url}/healthz`).catch(() => undefined)) !== undefined,
    { what: 'nginx up', timeoutMs: 10_000 },
  );
  return {
    url,
    dir,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL, then start again on the same port (no persistence: Redis comes back empty) */
  restart(): Promise<void>;
}

/** A private redis-server on a loopback port (the restart test must not restart the shared one). */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-redis-'));
  const port = await freePort();
  let proc: ChildProcess;
  const boot = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    await waitUntil(
      () =>
        new Promise<boolean>((r) => {
          const s = connect(port, '127.0.0.1', () => {
            s.end();
            r(true);
          });
          s.on('error', () => r(false));
        }),
      { what: 'redis-server up', timeoutMs: 10_000 },
    );
  };
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await gone;
  };
  await boot();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await kill();
      await boot();
    },
  };
}

/** A TCP relay in front of a server that can refuse and cut every connection for a while (PostgreSQL outage). */
export async function tcpCut(target: {
  host: string;
  port: number;
}): Promise<{ port: number; cut(on: boolean): void; close(): Promise<void> }> {
  let down = false;
  const socks = new Set<Socket>();
  const srv: Server = createServer((c) => {
    if (down) return c.destroy();
    const up = connect(target.port, target.host);
    socks.add(c).add(up);
    const gone = () => {
      c.destroy();
      up.destroy();
      socks.delete(c);
      socks.delete(up);
    };
    c.on('error', gone).on('close', gone);
    up.on('error', gone).on('close', gone);
    c.pipe(up);
    up.pipe(c);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as { port: number }).port,
    cut(on) {
      down = on;
      if (on) for (const s of socks) s.destroy();
    },
    close: () => {
      for (const s of socks) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

/** Watch an HTTP-FLV URL: tags, video keyframes (with arrival times) and when the connection ended. */
export function watchFlv(url: string, headers: Record<string, string> = {}) {
  const w = { tags: 0, keyframes: [] as number[], startedAt: Date.now(), ended: undefined as string | undefined, lastTs: -1, tsBack: 0 };
  const pull = pullFlv(url, {
    headers,
    idleMs: 30_000,
    onTag(tag) {
      w.tags++;
      const type = tag[0]! & 0x1f;
      if (type === 9 && tag[11]! >> 4 === 1 && tag[12] === 1) w.keyframes.push(Date.now());
      if (type === 9 || type === 8) {
        const ts = (tag.readUIntBE(4, 3) | (tag[7]! << 24)) >>> 0;
        if (type === 9 && w.lastTs >= 0 && ts + 1000 < w.lastTs) w.tsBack++;
        if (type === 9) w.lastTs = ts;
      }
    },
  });
  void pull.done.then((why) => (w.ended = why));
  return Object.assign(w, { close: () => pull.abort('test done'), opened: pull.opened });
}
