/**
 * The assistant's phone desk: the console hands out a signed, expiring sign-in link for one assistant of one room; the
 * assistant can mute, delete comments, present goods and see the numbers of THAT room, and nothing elsewhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { Role } from '../src/modules/console/index.js';
import { ConsoleClient, signedInMerchant } from './console-helpers.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

/** A phone: the assistant API with its own cookie jar and CSRF token. */
class Phone {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}
  async req(
    method: string,
    path: string,
    body?: unknown,
    csrf: string | null = this.csrf,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${this.base}/console/assistant-api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
  }
  async signIn(url: string) {
    const r = await this.req('POST', '/sign-in', { token: new URL(url).hash.replace(/^#t=/, '') });
    if (r.status === 200) this.csrf = r.body.csrf as string;
    return r;
  }
}

async function setup(t: TestServer) {
  // The operator's console sees every app: it hands out links for the rooms the merchant made through the WeChat API.
  await t.z.services.accounts.create({ login: 'ops', name: 'Operator', role: Role.Operator, password: 'correct horse battery' });
  const c = new ConsoleClient(t.url);
  expect((await c.login('ops', 'correct horse battery')).status).toBe(200);
  const m = await merchant(t);
  const room = await m.room();
  const other = await m.room({ name: '另一个直播间' });
  const g = await m.goods();
  expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [g], roomId: room })).errcode).toBe(0);
  expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [g], roomId: other })).errcode).toBe(0);
  expect(
    (await m.post('/wxaapi/broadcast/room/addassistant', { roomId: room, users: [{ username: 'wx_helper', nickname: '小助手' }] })).errcode,
  ).toBe(0);
  return { c, m, room, other, g };
}

const link = async (c: ConsoleClient, room: number, hours = 24) => {
  const r = await c.post(`/rooms/${room}/assistants/wx_helper/link`, { hours });
  expect(r.status).toBe(200);
  return r.body.url as string;
};

describe.each(testDbKinds())('assistant desk on %s', (kind) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('an assistant signed in by link mutes, deletes comments, presents goods and sees numbers in that room, and in no other', async () => {
    t = await startServer(kind);
    const { c, room, other, g, m } = await setup(t);
    const url = await link(c, room);
    expect(url).toMatch(new RegExp(`^${t.url}/console/assistant/#t=${room}\\.`));
    const phone = new Phone(t.url);
    const signed = await phone.signIn(url);
    expect(signed).toMatchObject({ status: 200, body: { assistant: { username: 'wx_helper', nickname: '小助手' }, room: { id: room } } });
    const { v, welcome } = await Viewer.join(t.url, room);
    const { v: v2 } = await Viewer.join(t.url, other);
    v.send({ type: 'chat', text: '主播好' });
    v2.send({ type: 'chat', text: '另一个房间' });
    const chat = await v.next('chat');
    const otherChat = await v2.next('chat');
    const desk = await phone.req('GET', '/desk');
    expect(desk.status).toBe(200);
    expect(desk.body).toMatchObject({
      status: 102,
      viewers: 1,
      comments: [{ id: chat.id, text: '主播好', muted: false }],
      shelf: [{ goods_id: g }],
    });
    expect(await phone.req('POST', '/mute', { openid: welcome.openid, mute: true })).toMatchObject({ status: 200 });
    expect((await v.next('muted')).you).toBe(true);
    expect(((await phone.req('GET', '/desk')).body.comments as Array<{ muted: boolean }>)[0]!.muted).toBe(true);
    expect(await phone.req('POST', `/comments/${chat.id}/delete`)).toMatchObject({ status: 200 });
    expect((await v.next('chatDeleted')).id).toBe(chat.id);
    // a comment of the other room is not this room's: refused, and still there
    expect((await phone.req('POST', `/comments/${otherChat.id}/delete`)).status).toBe(400);
    expect((await m.post('/wxaapi/broadcast/room/deletecomment', { roomId: other, commentId: otherChat.id })).errcode).toBe(0);
    expect(await phone.req('POST', '/present', { goodsId: g })).toMatchObject({ status: 200, body: { presented: { goods_id: g } } });
    expect((await v.next('present', (p) => p.goods !== null)).goods?.goods_id).toBe(g);
    expect((await phone.req('POST', '/present', { goodsId: 424242 })).status).toBe(404);
    // no route takes another room; the console API does not take the assistant's cookie
    expect((await fetch(`${t.url}/console/api/rooms/${other}/live`, { headers: { cookie: phone.cookie } })).status).toBe(401);
    expect((await fetch(`${t.url}/console/api/rooms/${room}/live`, { headers: { cookie: phone.cookie } })).status).toBe(401);
    // CSRF: a state change without the token is refused
    expect((await phone.req('POST', '/mute', { openid: welcome.openid, mute: false }, null)).status).toBe(403);
    v.close();
    v2.close();
  });

  it('the link expires; removing the assistant or revoking its links signs the phone out; a forged or foreign link is refused', async () => {
    t = await startServer(kind);
    const { c, room, other, m } = await setup(t);
    const phone = new Phone(t.url);
    const url = await link(c, room, 1);
    t.clock.advance(3600_000 + 1000);
    expect(await phone.signIn(url)).toMatchObject({ status: 401 });
    const fresh = await link(c, room);
    expect((await phone.signIn(fresh)).status).toBe(200);
    expect((await phone.req('GET', '/session')).status).toBe(200);
    expect((await c.post(`/rooms/${room}/assistants/wx_helper/revoke`)).status).toBe(200);
    expect((await phone.req('GET', '/desk')).status).toBe(401);
    expect((await phone.signIn(fresh)).status).toBe(401); // links before the revoke are dead
    expect((await phone.signIn(await link(c, room))).status).toBe(200);
    expect((await m.post('/wxaapi/broadcast/room/removeassistant', { roomId: room, username: 'wx_helper' })).errcode).toBe(0);
    expect((await phone.req('GET', '/desk')).status).toBe(401);
    expect((await c.post(`/rooms/${room}/assistants/wx_helper/link`, { hours: 24 })).status).toBe(404);
    // tampering: the other room's id in a valid link, or a made-up signature
    expect(
      (await m.post('/wxaapi/broadcast/room/addassistant', { roomId: room, users: [{ username: 'wx_helper', nickname: '回来了' }] }))
        .errcode,
    ).toBe(0);
    const good = new URL(await link(c, room)).hash.replace(/^#t=/, '');
    expect((await phone.req('POST', '/sign-in', { token: good.replace(/^\d+\./, `${other}.`) })).status).toBe(401);
    expect((await phone.req('POST', '/sign-in', { token: `${good.slice(0, -3)}AAA` })).status).toBe(401);
    expect((await phone.req('POST', '/sign-in', { token: 'nonsense' })).status).toBe(401);
    expect((await c.post(`/rooms/${room}/assistants/wx_helper/link`, { hours: 500 })).status).toBe(400);
    // another merchant cannot hand out links for this room
    const { c: stranger } = await signedInMerchant(t, 'stranger');
    expect((await stranger.post(`/rooms/${room}/assistants/wx_helper/link`, { hours: 1 })).status).toBe(404);
  });
});
