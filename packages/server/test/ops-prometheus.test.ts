import { get, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { pushTestStream, type Pusher, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { freePort, startTool, type Tool } from './ops-helpers.js';

/** Debian's prometheus, run directly: a generated config scraping zhibo every second with the admin token. */
async function startPrometheus(dir: string, target: string, token: string): Promise<{ tool: Tool; url: string }> {
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: zhibo',
      '    scrape_interval: 1s',
      '    scrape_timeout: 1s',
      '    metrics_path: /metrics',
      `    authorization: { type: Bearer, credentials: "${token}" }`,
      `    static_configs: [{ targets: ["${target}"] }]`,
    ].join('\n'),
  );
  const tool = startTool('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 30_000, what: `prometheus ready (${tool.output()})` });
  return { tool, url };
}

/** One instant query; the value of the single series it selects (undefined: no such series yet). */
async function query(prom: string, q: string): Promise<number | undefined> {
  const r = (await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    status: string;
    data: { result: Array<{ value: [number, string] }> };
  };
  if (r.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(r)}`);
  return r.data.result.length === 1 ? Number(r.data.result[0]!.value[1]) : undefined;
}

describe('/metrics scraped by a real Prometheus', () => {
  let t: TestServer | undefined;
  let prom: Tool | undefined;
  let pusher: Pusher | undefined;
  let dir: string | undefined;
  let viewer: IncomingMessage | undefined;
  afterEach(async () => {
    viewer?.destroy();
    await pusher?.stop();
    await prom?.stop();
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prometheus reads the viewer count and the live-room gauge while ffmpeg pushes and a viewer watches', async () => {
    t = await startServer('pglite');
    t.clock.set(Date.now());
    const m = await merchant(t);
    const room = await m.room();
    const { pushAddr } = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: m.token });
    pusher = pushTestStream(pushAddr as string);
    await waitUntil(() => t!.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, { timeoutMs: 15_000, what: 'room live' });
    // one HTTP-FLV viewer, reading as a player does (node:http: it closes its socket when it leaves)
    const res = await new Promise<IncomingMessage>((resolve, reject) => get(`${t!.url}/live/${room}.flv`, resolve).once('error', reject));
    viewer = res;
    const first = await new Promise<Buffer>((resolve) => res.once('data', resolve));
    expect(first.subarray(0, 3).toString()).toBe('FLV');

    dir = mkdtempSync(join(tmpdir(), 'zhibo-prom-'));
    const p = await startPrometheus(dir, new URL(t.url).host, t.z.services.adminToken);
    prom = p.tool;
    await waitUntil(async () => (await query(p.url, 'up{job="zhibo"}')) === 1, {
      timeoutMs: 20_000,
      what: `zhibo scraped (${p.tool.output()})`,
    });
    const viewers = await waitUntil(() => query(p.url, `zhibo_viewers{protocol="flv",room="${room}"}`), {
      timeoutMs: 20_000,
      what: 'viewer series',
    });
    expect(viewers).toBe(1);
    expect(await query(p.url, 'zhibo_rooms{status="101"}')).toBe(1);
    expect(await query(p.url, 'zhibo_publishers{protocol="rtmp"}')).toBe(1);
    expect(
      await waitUntil(() => query(p.url, 'zhibo_media_bytes_out_total{protocol="flv"} > 0'), { timeoutMs: 10_000, what: 'bytes out' }),
    ).toBeGreaterThan(0);
    expect(await query(p.url, `zhibo_wechat_api_calls_total{app="${m.appid}",api="/wxaapi/broadcast/room/getpushurl",errcode="0"}`)).toBe(
      1,
    );

    // the viewer leaves: the series of the room's FLV viewers goes to 0 (the room is still published)
    res.destroy();
    await waitUntil(async () => (await query(p.url, `zhibo_viewers{protocol="flv",room="${room}"}`)) === undefined, {
      timeoutMs: 20_000,
      what: 'viewer gone',
    });
  });
});
