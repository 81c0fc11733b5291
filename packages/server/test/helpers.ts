import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@zhibo/core';
import { type DbKind, freshPgDatabase, WxApi } from '@zhibo/testkit';
import { createZhibo, type Zhibo } from '../src/app/zhibo.js';
import { loadConfig, type Config } from '../src/app/config.js';
import { type Log, silentLog } from '../src/lib/log.js';
import { solidPng } from '../src/app/demo.js';
import { testBundles } from '../../../scripts/bundles.mjs';

export interface TestServer {
  z: Zhibo;
  url: string;
  api: WxApi;
  clock: FakeClock;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Stop the server; the data (PGlite dir or PG database) stays until cleanup(). */
  close(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A real server on 127.0.0.1:0 with a fake clock, on PGlite (files in a temp dir) or on a fresh PostgreSQL database. */
export async function startServer(
  kind: DbKind = 'pglite',
  opts: {
    clock?: FakeClock;
    env?: Record<string, string>;
    log?: Log;
    http?: string;
    rtmp?: string;
    reuse?: { dataDir: string; databaseUrl: string | undefined; drop?: () => Promise<void> };
  } = {},
): Promise<TestServer> {
  const clock = opts.clock ?? new FakeClock(Date.UTC(2026, 10, 23, 4, 0, 0));
  const dataDir = opts.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'zhibo-test-'));
  let databaseUrl = opts.reuse?.databaseUrl;
  let drop = opts.reuse?.drop;
  if (kind === 'postgres' && !databaseUrl) ({ url: databaseUrl, drop } = await freshPgDatabase());
  const config: Config = loadConfig(
    { ...opts.env },
    { http: opts.http ?? '127.0.0.1:0', rtmp: opts.rtmp ?? '127.0.0.1:0', dataDir, databaseUrl },
  );
  // Browser bundles built for tests into a temporary directory (scripts/bundles.mjs), never into the served one.
  const z = await createZhibo(config, { clock, log: opts.log ?? silentLog, runTimers: false, buildDir: await testBundles() });
  const urls = await z.listen();
  let closed = false;
  const close = async () => {
    if (!closed) await z.close();
    closed = true;
  };
  return {
    z,
    url: urls.http,
    api: new WxApi(urls.http),
    clock,
    dataDir,
    databaseUrl,
    close,
    async cleanup() {
      await close();
      if (drop) await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const png = (w = 16, h = 16) => solidPng(w, h, [200, 30, 30]);

/** An app with a token, and helpers to make rooms and goods through the WeChat API only. */
export async function merchant(t: TestServer) {
  const { appid, appsecret } = await t.z.services.apps.create('Test shop');
  const token = await t.api.token(appid, appsecret);
  const up = await t.api.upload(token, png());
  const media = up.media_id as string;
  const nowSec = Math.floor(t.clock.now() / 1000);
  const m = {
    appid,
    appsecret,
    token,
    media,
    /** a fresh access_token (after the fake clock moved past expiry) */
    async refresh(): Promise<string> {
      m.token = await t.api.token(appid, appsecret);
      return m.token;
    },
    async room(over: Record<string, unknown> = {}): Promise<number> {
      const r = await t.api.post(
        '/wxaapi/broadcast/room/create',
        {
          name: '测试直播间',
          coverImg: media,
          startTime: nowSec + 600,
          endTime: nowSec + 600 + 3600,
          anchorName: '主播小王',
          anchorWechat: 'wx_anchor',
          shareImg: media,
          feedsImg: media,
          type: 1,
          screenType: 0,
          closeLike: 0,
          closeGoods: 0,
          closeComment: 0,
          closeReplay: 0,
          ...over,
        },
        { access_token: m.token },
      );
      if (r.errcode !== 0) throw new Error(`create room: ${JSON.stringify(r)}`);
      return r.roomId as number;
    },
    async goods(over: Record<string, unknown> = {}): Promise<number> {
      const r = await t.api.post(
        '/wxaapi/broadcast/goods/add',
        { goodsInfo: { coverImgUrl: media, name: '好茶', priceType: 1, price: 11, url: 'pages/goods/detail?id=1', ...over } },
        { access_token: m.token },
      );
      if (r.errcode !== 0) throw new Error(`add goods: ${JSON.stringify(r)}`);
      return r.goodsId as number;
    },
    post(path: string, body: unknown) {
      return t.api.post(path, body, { access_token: m.token });
    },
  };
  return m;
}
