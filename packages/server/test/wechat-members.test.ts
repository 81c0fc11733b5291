/** WeChat's member calls as SDKs send them: assistants, roles (and role checks on rooms), sub-anchors — success and failure paths. */
import { afterEach, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const P = '/wxaapi/broadcast/room/';
const R = '/wxaapi/broadcast/role/';

describe.each(testDbKinds())('room members (WeChat API) on %s', (kind) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('addassistant/modifyassistant/removeassistant/getassistantlist: WeChat fields, 600001 duplicate, 600002 unknown, 200002 missing, 300022 foreign room', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const other = await merchant(t);
    const room = await m.room();
    const list = () => t!.api.get(`${P}getassistantlist`, { roomId: room, access_token: m.token });
    expect(
      await m.post(`${P}addassistant`, {
        roomId: room,
        users: [
          { username: 'wx_helper', nickname: '小助手' },
          { username: 'wx_helper2', nickname: '二号' },
        ],
      }),
    ).toMatchObject({ errcode: 0 });
    const l = await list();
    expect(l).toMatchObject({ errcode: 0, count: 2, maxCount: 10 });
    const first = (l.list as Array<Record<string, unknown>>)[0]!;
    expect(first).toMatchObject({ nickname: '小助手', alias: 'wx_helper', headimg: '', timestamp: Math.floor(t.clock.now() / 1000) });
    expect(first.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(await m.post(`${P}addassistant`, { roomId: room, users: [{ username: 'wx_helper', nickname: 'again' }] })).toMatchObject({
      errcode: 600001,
    });
    expect((await list()).count).toBe(2); // all or none
    expect(await m.post(`${P}modifyassistant`, { roomId: String(room), username: 'wx_helper', nickname: '新助手' })).toMatchObject({
      errcode: 0,
    });
    expect(((await list()).list as Array<{ nickname: string }>)[0]!.nickname).toBe('新助手');
    expect(await m.post(`${P}modifyassistant`, { roomId: room, username: 'wx_nobody1', nickname: 'x' })).toMatchObject({ errcode: 600002 });
    expect(await m.post(`${P}removeassistant`, { roomId: room, username: 'wx_nobody1' })).toMatchObject({ errcode: 600002 });
    expect(await m.post(`${P}removeassistant`, { roomId: room, username: 'wx_helper2' })).toMatchObject({ errcode: 0 });
    expect((await list()).count).toBe(1);
    expect(await m.post(`${P}addassistant`, { roomId: room })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter users must no be null',
    });
    expect(await m.post(`${P}addassistant`, { users: [{ username: 'wx_helper3', nickname: 'x' }] })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter roomId must no be null',
    });
    expect(await m.post(`${P}addassistant`, { roomId: room, users: [{ username: 'wx_helper3' }] })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter nickname must no be null',
    });
    expect(await m.post(`${P}addassistant`, { roomId: room, users: [{ username: '!bad', nickname: 'x' }] })).toMatchObject({
      errcode: 600002,
    });
    expect(await other.post(`${P}addassistant`, { roomId: room, users: [{ username: 'wx_helper3', nickname: 'x' }] })).toMatchObject({
      errcode: 300022,
    });
    expect(await t.api.get(`${P}getassistantlist`, { roomId: room, access_token: other.token })).toMatchObject({ errcode: 300022 });
    const ten = Array.from({ length: 10 }, (_, i) => ({ username: `wx_many${i}`, nickname: `n${i}` }));
    expect(await m.post(`${P}addassistant`, { roomId: room, users: ten })).toMatchObject({ errcode: 200002 });
    expect((await list()).count).toBe(1);
  });

  it('addassistant takes EasyWeChat 5.x form bodies (users[0][username]=…)', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room();
    const res = await fetch(`${t.url}${P}addassistant?access_token=${m.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `roomId=${room}&users%5B0%5D%5Busername%5D=wx_helper&users%5B0%5D%5Bnickname%5D=%E5%B0%8F%E5%8A%A9%E6%89%8B`,
    });
    expect(await res.json()).toMatchObject({ errcode: 0 });
    expect(await t.api.get(`${P}getassistantlist`, { roomId: room, access_token: m.token })).toMatchObject({
      count: 1,
      list: [{ nickname: '小助手', alias: 'wx_helper' }],
    });
  });

  it('role/addrole, deleterole, getrolelist: roles 1–3, 400001 bad id, 400003 over 10 admins, 400004 duplicate, filters and paging', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    expect(await m.post(`${R}addrole`, { username: 'wx_anchor', role: 2 })).toMatchObject({ errcode: 0 });
    expect(await m.post(`${R}addrole`, { username: 'wx_anchor', role: '3' })).toMatchObject({ errcode: 0 });
    expect(await m.post(`${R}addrole`, { username: 'wx_anchor', role: 2 })).toMatchObject({ errcode: 400004 });
    expect(await m.post(`${R}addrole`, { username: 'a b', role: 2 })).toMatchObject({ errcode: 400001 });
    expect(await m.post(`${R}addrole`, { username: 'wx_admin0', role: 4 })).toMatchObject({ errcode: 200002 });
    expect(await m.post(`${R}addrole`, { role: 1 })).toMatchObject({ errcode: 200002, errmsg: 'parameter username must no be null' });
    for (let i = 0; i < 10; i++) expect((await m.post(`${R}addrole`, { username: `wx_admin${i}`, role: 1 })).errcode).toBe(0);
    expect(await m.post(`${R}addrole`, { username: 'wx_admin10', role: 1 })).toMatchObject({ errcode: 400003 });
    const all = await t.api.get(`${R}getrolelist`, { role: -1, offset: 0, limit: 30, access_token: m.token });
    expect(all).toMatchObject({ errcode: 0, total: 11 });
    const anchor = (all.list as Array<Record<string, unknown>>).find((x) => x.username === 'wx_anchor')!;
    expect(anchor).toMatchObject({
      roleList: [2, 3],
      headingimg: '',
      nickname: 'wx_anchor',
      updateTimestamp: String(Math.floor(t.clock.now() / 1000)),
    });
    expect(await t.api.get(`${R}getrolelist`, { role: 2, offset: 0, limit: 10, keyword: 'ANCH', access_token: m.token })).toMatchObject({
      total: 1,
      list: [{ username: 'wx_anchor' }],
    });
    expect(await t.api.get(`${R}getrolelist`, { role: 1, offset: 8, limit: 10, access_token: m.token })).toMatchObject({ total: 10 });
    expect(((await t.api.get(`${R}getrolelist`, { role: 1, offset: 8, limit: 10, access_token: m.token })).list as unknown[]).length).toBe(
      2,
    );
    expect(await t.api.get(`${R}getrolelist`, { role: 0, offset: 0, limit: 10, access_token: m.token })).toMatchObject({
      errcode: 0,
      total: 0,
      list: [],
    });
    expect(await t.api.get(`${R}getrolelist`, { role: 1, offset: 0, limit: 31, access_token: m.token })).toMatchObject({ errcode: 40097 });
    // PowerWeChat sends it as POST with a JSON body
    expect(await m.post(`${R}getrolelist`, { role: 3, offset: 0, limit: 10, keyword: '' })).toMatchObject({ errcode: 0, total: 1 });
    expect(await m.post(`${R}deleterole`, { username: 'wx_anchor', role: 3 })).toMatchObject({ errcode: 0 });
    expect(await m.post(`${R}deleterole`, { username: 'wx_anchor', role: 3 })).toMatchObject({ errcode: 0 });
    expect(await m.post(`${R}deleterole`, { username: '!', role: 3 })).toMatchObject({ errcode: 400001 });
    expect(await t.api.get(`${R}getrolelist`, { role: 3, offset: 0, limit: 10, access_token: m.token })).toMatchObject({ total: 0 });
  });

  it('role checks on: a room whose anchor lacks the anchor role is 300036 with qrcode_url; with the role it is created; a sub-anchor without it is 500002', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room({ anchorWechat: 'wx_anchor' }); // checks off: any anchor
    await t.z.services.apps.updateSettings(m.appid, { roleChecks: true });
    const refused = await t.api.post(
      '/wxaapi/broadcast/room/create',
      {
        name: '测试直播间',
        coverImg: m.media,
        shareImg: m.media,
        startTime: Math.floor(t.clock.now() / 1000) + 900,
        endTime: Math.floor(t.clock.now() / 1000) + 4500,
        anchorName: '主播小王',
        anchorWechat: 'wx_anchor',
        type: 1,
      },
      { access_token: m.token },
    );
    expect(refused).toMatchObject({ errcode: 300036 });
    expect(refused.qrcode_url).toBe(`${t.url}/console/#/apps/${m.appid}/members?grant=wx_anchor`);
    expect((await m.post(`${P}editroom`, { id: room, anchorWechat: 'wx_anchor' })).errcode).toBe(300036);
    expect(await m.post(`${P}editroom`, { id: room, anchorWechat: '' })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter anchorWechat must no be null',
    });
    expect((await m.post(`${P}editroom`, { id: room, name: '不换主播的直播间' })).errcode).toBe(0); // the anchor is not re-checked when not given
    expect((await m.post(`${R}addrole`, { username: 'wx_anchor', role: 2 })).errcode).toBe(0);
    expect(await m.room({ anchorWechat: 'wx_anchor' })).toBeGreaterThan(room);
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub' })).toMatchObject({ errcode: 500002 });
    expect((await m.post(`${R}addrole`, { username: 'wx_sub', role: 2 })).errcode).toBe(0);
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub' })).toMatchObject({ errcode: 0 });
  });

  it('addsubanchor/modifysubanchor/deletesubanchor/getsubanchor: a key of its own; 500001, 500003, 500004, 500005', async () => {
    t = await startServer(kind);
    const m = await merchant(t);
    const room = await m.room({ anchorWechat: 'wx_anchor' });
    const get = () => t!.api.get(`${P}getsubanchor`, { roomId: room, access_token: m.token });
    const subKey = async () => (await t!.z.services.rooms.getAny(room))!.sub_stream_key;
    expect(await get()).toMatchObject({ errcode: 0, username: '' });
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_anchor' })).toMatchObject({ errcode: 500005 });
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'not ok' })).toMatchObject({ errcode: 500001 });
    expect(await m.post(`${P}addsubanchor`, { roomId: room })).toMatchObject({
      errcode: 200002,
      errmsg: 'parameter username must no be null',
    });
    expect(await m.post(`${P}deletesubanchor`, { roomId: room })).toMatchObject({ errcode: 500001 });
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub' })).toMatchObject({ errcode: 0 });
    const key1 = await subKey();
    expect(key1).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(key1).not.toBe((await t.z.services.rooms.getAny(room))!.stream_key);
    expect(await get()).toMatchObject({
      errcode: 0,
      username: 'wx_sub',
      pushAddr: expect.stringMatching(new RegExp(`/live/${room}\\?key=${key1}$`)) as string,
    });
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub' })).toMatchObject({ errcode: 500004 });
    expect(await m.post(`${P}addsubanchor`, { roomId: room, username: 'wx_sub2' })).toMatchObject({ errcode: 500003 });
    expect(await m.post(`${P}modifysubanchor`, { roomId: room, username: 'wx_sub' })).toMatchObject({ errcode: 0 });
    expect(await subKey()).toBe(key1); // the same sub-anchor keeps its key
    expect(await m.post(`${P}modifysubanchor`, { roomId: room, username: 'wx_sub2' })).toMatchObject({ errcode: 0 });
    expect(await subKey()).not.toBe(key1);
    expect(await m.post(`${P}modifysubanchor`, { roomId: room, username: 'wx_anchor' })).toMatchObject({ errcode: 500005 });
    expect(await m.post(`${P}deletesubanchor`, { roomId: room })).toMatchObject({ errcode: 0 });
    expect(await subKey()).toBe('');
    expect(await get()).toMatchObject({ username: '' });
    expect(await t.api.get(`${P}getsubanchor`, { roomId: 424242, access_token: m.token })).toMatchObject({ errcode: 300022 });
    // create with subAnchorWechat (WeChat's sample) sets it with a key; the same id as the anchor is 200002
    const withSub = await m.room({ anchorWechat: 'wx_anchor', subAnchorWechat: 'wx_sub' });
    expect((await t.z.services.rooms.getAny(withSub))!.sub_stream_key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await expect(m.room({ anchorWechat: 'wx_anchor', subAnchorWechat: 'wx_anchor' })).rejects.toThrow(/"errcode":200002.*can not be same/);
  });
});
