import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from '@zhibo/protocol';
import { createSdk } from './sdk.js';
import type { SdkEnv } from './client.js';

/** A fake server: answers by path, counts requests, records headers. */
function fakeEnv(search = '') {
  let now = 1_000_000;
  const calls: Array<{ url: URL; headers: Record<string, string> }> = [];
  let status = 102;
  let fail: { code: number; body: unknown } | undefined;
  const store = new Map<string, string>();
  const env: SdkEnv = {
    now: () => now,
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    location: { origin: 'https://live.example.com', href: `https://shop.example.com/p${search}`, search },
    fetch: async (input, init) => {
      const url = new URL(String(input));
      calls.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
      await new Promise((r) => setTimeout(r, 5));
      const json = (code: number, body: unknown) =>
        new Response(JSON.stringify(body), { status: code, headers: { 'content-type': 'application/json' } });
      if (fail) return json(fail.code, fail.body);
      if (url.pathname === '/api/plugin/v1/status') return json(200, { liveStatus: status, maxAge: 60 });
      if (url.pathname === '/api/plugin/v1/openid') return json(200, { openid: 'o1234567890123456789012345678'.slice(0, 28) });
      if (url.pathname === '/api/plugin/v1/share-params')
        return json(200, {
          room_id: Number(url.searchParams.get('room_id')),
          openid: 'oViewer',
          share_openid: url.searchParams.get('share_openid') ?? '',
          custom_params: JSON.parse(url.searchParams.get('custom_params') ?? '""'),
        });
      return json(404, { errcode: 'room_not_found', errmsg: 'nope' });
    },
  };
  return {
    env,
    calls,
    store,
    tick: (ms: number) => (now += ms),
    setStatus: (s: number) => (status = s),
    failWith: (f: typeof fail) => (fail = f),
    statusCalls: () => calls.filter((c) => c.url.pathname.endsWith('/status')).length,
  };
}

describe('requirePlugin("live-player-plugin") (S-API-PLUGIN)', () => {
  it('S-API-PLUGIN-1: the first getLiveStatus answers at once; then at most one request a minute, concurrent callers share one', async () => {
    const f = fakeEnv();
    const plugin = createSdk({}, f.env).requirePlugin('live-player-plugin');
    expect(await plugin.getLiveStatus({ room_id: 42 })).toEqual({ liveStatus: 102 });
    expect(f.statusCalls()).toBe(1);
    f.setStatus(101);
    for (let i = 0; i < 20; i++) {
      f.tick(2_000); // 40 s of polling every 2 s
      expect(await plugin.getLiveStatus({ room_id: '42' })).toEqual({ liveStatus: 102 });
    }
    expect(f.statusCalls()).toBe(1);
    f.tick(20_000); // a minute after the first answer
    const many = await Promise.all(Array.from({ length: 10 }, () => plugin.getLiveStatus({ room_id: 42 })));
    expect(many.every((r) => r.liveStatus === 101)).toBe(true);
    expect(f.statusCalls()).toBe(2);
    // status reads need no identity headers (no CORS preflight for pollers)
    expect(f.calls[0]!.headers).toEqual({});
  });

  it('S-API-PLUGIN-1: a status pushed by the real-time channel is served without a request', async () => {
    const f = fakeEnv();
    const sdk = createSdk({}, f.env);
    await sdk.requirePlugin('live-player-plugin').getLiveStatus({ room_id: 7 });
    f.tick(59_000);
    sdk.statuses.push(7, 105);
    f.tick(30_000);
    expect(await sdk.requirePlugin('live-player-plugin').getLiveStatus({ room_id: 7 })).toEqual({ liveStatus: 105 });
    expect(f.statusCalls()).toBe(1);
  });

  it('S-API-PLUGIN-2: getOpenid answers {openid} and sends the persisted device id and the SDK version', async () => {
    const f = fakeEnv();
    const sdk = createSdk({}, f.env);
    expect(await sdk.requirePlugin('live-player-plugin').getOpenid({ room_id: 42 })).toEqual({ openid: expect.stringMatching(/^o.{27}$/) });
    const h = f.calls[0]!.headers;
    expect(h['x-zhibo-device']).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(h['x-zhibo-sdk-version']).toBe(SDK_VERSION);
    expect(f.store.get('zhibo.deviceId')).toBe(h['x-zhibo-device']);
    // a second SDK on the same storage is the same viewer; a viewer token replaces the device
    await createSdk({}, f.env).requirePlugin('live-player-plugin').getOpenid({ room_id: 42 });
    expect(f.calls[1]!.headers['x-zhibo-device']).toBe(h['x-zhibo-device']);
    await createSdk({ viewerToken: 'a.b.c' }, f.env).requirePlugin('live-player-plugin').getOpenid({ room_id: 42 });
    expect(f.calls[2]!.headers['x-zhibo-viewer-token']).toBe('a.b.c');
  });

  it('S-API-PLUGIN-3: getShareParams reads the entry from the page query and answers the four fields', async () => {
    const f = fakeEnv(`?room_id=42&share_openid=oSharer&share_sig=abc&custom_params=${encodeURIComponent('{"pid":1}')}`);
    const r = await createSdk({}, f.env).requirePlugin('live-player-plugin').getShareParams();
    expect(r).toEqual({ room_id: 42, openid: 'oViewer', share_openid: 'oSharer', custom_params: { pid: 1 } });
    const q = f.calls[0]!.url.searchParams;
    expect(q.get('share_sig')).toBe('abc');
    await expect(createSdk({}, fakeEnv('?x=1').env).requirePlugin('live-player-plugin').getShareParams()).rejects.toEqual({
      errcode: 'not_share_entry',
      errmsg: expect.any(String),
    });
  });

  it('S-API-PLUGIN-4: failures reject with {errcode, errmsg} objects', async () => {
    const f = fakeEnv();
    const plugin = createSdk({}, f.env).requirePlugin('live-player-plugin');
    await expect(plugin.getLiveStatus({ room_id: 0 })).rejects.toEqual({ errcode: 'bad_request', errmsg: expect.any(String) });
    f.failWith({ code: 404, body: { errcode: 'room_not_found', errmsg: 'room 9 does not exist' } });
    await expect(plugin.getLiveStatus({ room_id: 9 })).rejects.toEqual({ errcode: 'room_not_found', errmsg: 'room 9 does not exist' });
    f.failWith({ code: 502, body: 'bad gateway' });
    await expect(plugin.getOpenid({ room_id: 9 })).rejects.toEqual({ errcode: 'network', errmsg: expect.stringMatching(/HTTP 502/) });
    const down = fakeEnv();
    down.env.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(createSdk({}, down.env).requirePlugin('live-player-plugin').getOpenid({ room_id: 1 })).rejects.toEqual({
      errcode: 'network',
      errmsg: expect.stringMatching(/Failed to fetch/),
    });
    expect(() => createSdk({}, f.env).requirePlugin('other-plugin')).toThrow(/unknown plugin/);
  });

  it('S-VERSION: getOpenid and getShareParams need plugin version 1.0.4; a pinned older version is refused', async () => {
    const f = fakeEnv('?room_id=1');
    const sdk = createSdk({ pluginVersion: '1.0.3' }, f.env);
    await expect(sdk.requirePlugin('live-player-plugin').getOpenid({ room_id: 1 })).rejects.toMatchObject({ errcode: 'version_too_old' });
    await expect(sdk.requirePlugin('live-player-plugin').getShareParams()).rejects.toMatchObject({ errcode: 'version_too_old' });
    expect(await sdk.requirePlugin('live-player-plugin').getLiveStatus({ room_id: 1 })).toEqual({ liveStatus: 102 });
    sdk.configure({ pluginVersion: '1.0.4' });
    expect(await sdk.requirePlugin('live-player-plugin').getOpenid({ room_id: 1 })).toHaveProperty('openid');
    expect(sdk.isTooOld('1.0.5')).toBe(true);
    expect(sdk.isTooOld(SDK_VERSION)).toBe(false);
  });

  it('configure() checks the server URL and device id', () => {
    const sdk = createSdk({}, fakeEnv().env);
    expect(sdk.client.server).toBe('https://live.example.com');
    sdk.configure({ server: 'https://live2.example.com/' });
    expect(sdk.client.server).toBe('https://live2.example.com');
    expect(() => sdk.configure({ server: 'live.example.com' })).toThrow(/absolute URL/);
    expect(() => sdk.configure({ deviceId: 'short' })).toThrow(/deviceId/);
    expect(sdk.roomPageUrl(42)).toBe('https://live2.example.com/room/?room_id=42');
  });
});
