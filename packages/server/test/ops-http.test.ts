import { afterEach, describe, expect, it } from 'vitest';
import { WxApi } from '@zhibo/testkit';
import { recordingLog, startOpsServer } from './ops-helpers.js';

type Server = Awaited<ReturnType<typeof startOpsServer>>;

describe('health, readiness, /metrics access, request ids and the access log', () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it('GET /readyz answers 200 with each probe and its reason; a crossed disk watermark makes it 503 with that reason', async () => {
    let disk = { ok: true, reason: 'free 40 %' };
    s = await startOpsServer({}, { diskWatermark: { state: () => disk } });
    expect(await (await fetch(`${s.url}/healthz`)).json()).toMatchObject({ ok: true, db: 'pglite', degraded: [] });
    const ok = await fetch(`${s.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      ready: true,
      checks: { database: { ok: true, reason: 'pglite answers' }, disk: { ok: true, reason: 'free 40 %' } },
    });
    disk = { ok: false, reason: 'free 3 % is under the 5 % watermark' };
    const bad = await fetch(`${s.url}/readyz`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toMatchObject({
      ready: false,
      checks: { database: { ok: true }, disk: { ok: false, reason: 'free 3 % is under the 5 % watermark' } },
    });
  });

  it('GET /readyz without a watermark (ZHIBO_DISK_MIN_FREE_MB=0) says so, and a probe that hangs fails with a timeout reason instead of hanging', async () => {
    s = await startOpsServer({ ZHIBO_DISK_MIN_FREE_MB: '0' });
    expect(await (await fetch(`${s.url}/readyz`)).json()).toMatchObject({
      checks: { disk: { ok: true, reason: 'no disk watermark configured' } },
    });
    s.z.readiness.add({ name: 'redis', check: () => new Promise(() => {}) });
    const r = await fetch(`${s.url}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ ready: false, checks: { redis: { ok: false, reason: 'no answer within 2000 ms' } } });
  });

  it('GET /metrics needs the admin token on the HTTP port; the ZHIBO_METRICS listener serves it without one', async () => {
    s = await startOpsServer({ ZHIBO_METRICS: '127.0.0.1:0' });
    const anon = await fetch(`${s.url}/metrics`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: 'unauthorized' });
    const wrong = await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${s.z.services.adminToken}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(text).toMatch(/^zhibo_http_requests_total\{transport="web",method="GET",route="\/metrics",status="401"\} 2$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    const port = s.z.metricsPort();
    expect(port).toBeGreaterThan(0);
    const side = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(side.status).toBe(200);
    expect(await side.text()).toMatch(/^zhibo_info\{node="[^"]+:\d+",db="pglite",sdk="[\d.]+"\} 1$/m);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/admin/api/apps`)).status).toBe(404);
  });

  it("every answer carries x-request-id; a client's own id is ignored unless it comes through a trusted proxy", async () => {
    s = await startOpsServer();
    const a = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'from-the-client' } });
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    const b = await fetch(`${s.url}/healthz`);
    expect(b.headers.get('x-request-id')).not.toBe(a.headers.get('x-request-id'));
    await s.cleanup();
    s = await startOpsServer({ ZHIBO_TRUST_PROXY: '127.0.0.1' });
    const c = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'edge-4f1c.77' } });
    expect(c.headers.get('x-request-id')).toBe('edge-4f1c.77');
    const bad = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'has spaces and "quotes"' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('one access line per request names id, method, route, status, time and app; an unexpected error logs the same id', async () => {
    const log = recordingLog();
    s = await startOpsServer({ ZHIBO_ACCESS_LOG: 'info' }, { log });
    const { appid, appsecret } = await s.z.services.apps.create('Log shop');
    const api = new WxApi(s.url);
    const token = await api.token(appid, appsecret);
    const r = await fetch(`${s.url}/wxa/business/getliveinfo?access_token=${token}`, { method: 'POST', body: '{"start":0,"limit":10}' });
    const id = r.headers.get('x-request-id')!;
    expect(await r.json()).toMatchObject({ errcode: 1 });
    const line = log.lines.find((l) => l.includes(` ${id} `));
    expect(line).toMatch(
      new RegExp(`^info http ${id} POST /wxa/business/getliveinfo 200 \\d+\\.\\dms ip=127\\.0\\.0\\.1 app=${appid} errcode=1$`),
    );
    expect(line).not.toContain(token);
    // the database goes away under the server: the WeChat API answers -1 and the error line names the request
    await s.z.db.close();
    const broken = await fetch(`${s.url}/wxa/business/getliveinfo?access_token=${token}`, {
      method: 'POST',
      body: '{"start":0,"limit":10}',
    });
    expect(await broken.json()).toMatchObject({ errcode: -1 });
    const bid = broken.headers.get('x-request-id')!;
    expect(log.lines.some((l) => l.startsWith(`error req ${bid} POST /wxa/business/getliveinfo: unexpected error`))).toBe(true);
  });

  it('ZHIBO_ACCESS_LOG=off writes no access lines; the default (debug) writes them at debug', async () => {
    const quiet = recordingLog();
    s = await startOpsServer({ ZHIBO_ACCESS_LOG: 'off' }, { log: quiet });
    await fetch(`${s.url}/healthz`);
    expect(quiet.lines.filter((l) => l.includes(' http '))).toEqual([]);
    await s.cleanup();
    const loud = recordingLog();
    s = await startOpsServer({}, { log: loud });
    await fetch(`${s.url}/healthz`);
    expect(loud.lines.some((l) => /^debug http [0-9a-f]{16} GET \/healthz 200 /.test(l))).toBe(true);
  });
});
