import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, startServerProcess, type ServerProcess, WxApi } from '@zhibo/testkit';
import { png } from './helpers.js';

describe('a real server process killed with SIGKILL', () => {
  let srv: ServerProcess | undefined;
  let dir = '';
  afterEach(async () => {
    await srv?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('S-API-4: the day\'s quota count survives a SIGKILL in the middle of its use', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-restart-'));
    const env = { ZHIBO_DAILY_QUOTA: '30' };
    srv = await startServerProcess(dir, env);
    // the CLI goes through the running server's admin API
    const { appid, appsecret } = JSON.parse(execFileSync(process.execPath, [CLI, 'app', 'create', '--name', 'Crash shop', '--data', dir], { encoding: 'utf8' })) as { appid: string; appsecret: string };
    let api = new WxApi(srv.http);
    let token = await api.token(appid, appsecret);
    const media = (await api.upload(token, png())).media_id as string;
    const now = Math.floor(Date.now() / 1000);
    const created = await api.post('/wxaapi/broadcast/room/create', { name: '崩溃测试直播间', coverImg: media, shareImg: media, anchorName: '主播', startTime: now + 600, endTime: now + 4200, type: 1, screenType: 0, closeLike: 0, closeGoods: 0, closeComment: 0 }, { access_token: token });
    expect(created.errcode).toBe(0);
    for (let i = 0; i < 12; i++) expect((await api.post('/wxa/business/getliveinfo', { start: 0, limit: 10 }, { access_token: token })).errcode).toBe(0);
    await srv.kill();
    srv = await startServerProcess(dir, env);
    api = new WxApi(srv.http);
    token = await api.token(appid, appsecret);
    let ok = 0;
    for (let i = 0; i < 40; i++) {
      const r = await api.post('/wxa/business/getliveinfo', { start: 0, limit: 10 }, { access_token: token });
      if (r.errcode === 0) ok++;
      else {
        expect(r.errcode).toBe(45009);
        break;
      }
    }
    expect(ok).toBe(30 - 12);
  });
});
