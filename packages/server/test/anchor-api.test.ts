/**
 * The anchor page's sign-in and API (issue 14): the console issues a one-time link for one room (signed, expiring,
 * single use); the phone spends it for a cookie scoped to that room; the page reads the room (with its WHIP
 * credentials) and its live numbers, presents a product and ends the live. Bad input: each its own test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANCHOR_CSRF_HEADER, LiveStatus, TransitionCause } from '@zhibo/protocol';
import { type ConsoleClient, roomForm, signedInMerchant } from './console-helpers.js';
import { png, startServer, type TestServer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** A phone: its own cookie jar, the anchor page's headers. */
class Phone {
  cookie = '';
  constructor(private readonly base: string) {}
  async req(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = { [ANCHOR_CSRF_HEADER]: '1' }) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (method === 'POST') h['content-type'] = 'application/json';
    const r = await fetch(`${this.base}${path}`, { method, headers: h, body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    return { status: r.status, body: (await r.json()) as Record<string, unknown>, setCookie: set };
  }
  signIn = (room: number, ticket: string) => this.req('POST', `/anchor/api/rooms/${room}/sign-in`, { ticket });
}

async function setup(): Promise<{
  c: ConsoleClient;
  room: number;
  link: () => Promise<{ url: string; ticket: string; body: Record<string, unknown> }>;
}> {
  t = await startServer('pglite');
  const { c, appid } = await signedInMerchant(t, 'anchor-shop');
  const media = (await c.upload(appid, 'coverImg', png())).body.mediaId as string;
  const room = (await c.post(`/apps/${appid}/rooms`, roomForm(t, media))).body.id as number;
  const link = async () => {
    const r = await c.post(`/rooms/${room}/anchor-link`);
    if (r.status !== 200) throw new Error(`anchor-link: ${r.text}`);
    const url = r.body.url as string;
    return { url, ticket: new URLSearchParams(new URL(url).hash.slice(1)).get('ticket')!, body: r.body };
  };
  return { c, room, link };
}

describe('anchor sign-in and API', () => {
  it('the console issues a one-time link (page URL with the ticket in the fragment, a QR code, 10 minutes); the phone signs in and reads the room with its WHIP credentials', async () => {
    const { room, link } = await setup();
    const l = await link();
    expect(l.url).toMatch(new RegExp(`^${t!.url}/anchor/\\?room_id=${room}#ticket=${room}\\.`));
    expect(l.body.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from((l.body.qr as string).split(',')[1]!, 'base64').toString()).toMatch(/^<svg/);
    expect(l.body.expiresAt).toBe(t!.clock.now() + 10 * 60_000);
    const page = await fetch(`${t!.url}/anchor/?room_id=${room}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('permissions-policy')).toMatch(/camera=\(self\)/);
    const html = await page.text();
    expect(html).toMatch(/<script type="module" src="\/build\/anchor\.js\?v=/);
    expect(html).not.toMatch(/<script>/); // no inline script
    expect((await fetch(`${t!.url}/build/anchor.js`)).status).toBe(200);

    const phone = new Phone(t!.url);
    const s = await phone.signIn(room, l.ticket);
    expect(s.status).toBe(200);
    expect(s.setCookie).toMatch(new RegExp(`^zhibo_anchor_${room}=[^;]+; Path=/anchor/; HttpOnly; SameSite=Strict; Max-Age=86400$`));
    const key = (await t!.z.services.rooms.getAny(room))!.stream_key;
    expect(s.body).toMatchObject({
      roomId: room,
      status: LiveStatus.NotStarted,
      whipPath: `/whip/${room}`,
      streamKey: key,
      screenType: 0,
      abnormalTimeoutMs: 15 * 60_000,
    });
    const again = await phone.req('GET', `/anchor/api/rooms/${room}`, undefined, {});
    expect(again.status).toBe(200);
    expect(again.body.streamKey).toBe(key);
    const live = await phone.req('GET', `/anchor/api/rooms/${room}/live`, undefined, {});
    expect(live.body).toMatchObject({ status: 102, viewers: 0, likes: 0, comments: [], presented: null, liveSince: null, lostAt: null });
  });

  it('a ticket works once: the second sign-in with it is refused with 401 and a message saying so', async () => {
    const { room, link } = await setup();
    const { ticket } = await link();
    expect((await new Phone(t!.url).signIn(room, ticket)).status).toBe(200);
    const second = await new Phone(t!.url).signIn(room, ticket);
    expect(second.status).toBe(401);
    expect(second.body).toMatchObject({ error: 'unauthenticated', fields: { ticket: expect.stringMatching(/already used/) } });
    expect(second.setCookie).toBeNull();
  });

  it('an expired ticket (10 minutes) is refused with 401', async () => {
    const { room, link } = await setup();
    const { ticket } = await link();
    t!.clock.advance(10 * 60_000 + 1000);
    const r = await new Phone(t!.url).signIn(room, ticket);
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/expired/);
  });

  it('a tampered ticket (signature or expiry changed) or garbage is refused with 401 and is not spent', async () => {
    const { room, link } = await setup();
    const { ticket } = await link();
    const [id, exp, nonce, sig] = ticket.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [
      `${id}.${exp}.${nonce}.${flip(sig!)}`,
      `${id}.${(parseInt(exp!, 36) + 3600).toString(36)}.${nonce}.${sig}`,
      'garbage',
      '',
    ]) {
      const r = await new Phone(t!.url).signIn(room, bad);
      expect(r.status).toBe(401);
    }
    expect((await new Phone(t!.url).signIn(room, ticket)).status).toBe(200); // the real one still works
  });

  it('a ticket is for its room only, and a session of one room can not read or act on another', async () => {
    const { c, room, link } = await setup();
    const other = (
      await c.post(
        `/apps/${(await c.get(`/rooms/${room}`)).body.appid as string}/rooms`,
        roomForm(t!, (await t!.z.services.rooms.getAny(room))!.cover_img),
      )
    ).body.id as number;
    const { ticket } = await link();
    const phone = new Phone(t!.url);
    const wrongRoom = await phone.signIn(other, ticket);
    expect(wrongRoom.status).toBe(401);
    expect(wrongRoom.body.message).toMatch(/another room/);
    expect((await phone.signIn(room, ticket)).status).toBe(200);
    // the cookie is named after its room: the other room's API sees no session
    const cross = await phone.req('GET', `/anchor/api/rooms/${other}`, undefined, {
      cookie: phone.cookie.replace(`zhibo_anchor_${room}`, `zhibo_anchor_${other}`),
    });
    expect(cross.status).toBe(401);
    expect(
      (
        await phone.req(
          'POST',
          `/anchor/api/rooms/${other}/end`,
          {},
          { [ANCHOR_CSRF_HEADER]: '1', cookie: phone.cookie.replace(`zhibo_anchor_${room}`, `zhibo_anchor_${other}`) },
        )
      ).status,
    ).toBe(401);
  });

  it('without a session the API answers 401; POSTs without the anti-CSRF header or from another origin are refused with 403', async () => {
    const { room, link } = await setup();
    expect((await new Phone(t!.url).req('GET', `/anchor/api/rooms/${room}/live`, undefined, {})).status).toBe(401);
    const phone = new Phone(t!.url);
    const { ticket } = await link();
    expect((await phone.req('POST', `/anchor/api/rooms/${room}/sign-in`, { ticket }, {})).status).toBe(403); // no header: ticket not spent
    expect(
      (
        await phone.req(
          'POST',
          `/anchor/api/rooms/${room}/sign-in`,
          { ticket },
          { [ANCHOR_CSRF_HEADER]: '1', origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403);
    expect((await phone.signIn(room, ticket)).status).toBe(200);
    const end = await phone.req('POST', `/anchor/api/rooms/${room}/end`, {}, { origin: 'https://evil.example', [ANCHOR_CSRF_HEADER]: '1' });
    expect(end.status).toBe(403);
    expect(end.body.error).toBe('csrf');
    expect(t!.z.services.rooms.cachedStatus(room)?.status).toBe(LiveStatus.NotStarted);
  });

  it('a new stream key voids the links handed out before it (they are signed with a key derived from it)', async () => {
    const { c, room, link } = await setup();
    const { ticket } = await link();
    expect((await c.post(`/rooms/${room}/stream-key`)).status).toBe(200);
    const r = await new Phone(t!.url).signIn(room, ticket);
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/not valid/);
  });

  it('no link for a room that can no longer go live (here banned, 104), nor for a room that is not yours', async () => {
    const { c, room } = await setup();
    await t!.z.services.rooms.apply(room, TransitionCause.Banned, 'test');
    const r = await c.post(`/rooms/${room}/anchor-link`);
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/104/);
    const { c: stranger } = await signedInMerchant(t!, 'someone-else');
    expect((await stranger.post(`/rooms/${room}/anchor-link`)).status).toBe(404);
  });

  it('a signed-in phone presents a product of the shelf (and stops), refuses one that is not on it, ends the live (103), and signs out', async () => {
    const { c, room, link } = await setup();
    const appid = (await c.get(`/rooms/${room}`)).body.appid as string;
    const media = (await c.upload(appid, 'goodsImg', png())).body.mediaId as string;
    const g = await c.post(`/apps/${appid}/goods`, {
      name: '好茶',
      coverImg: media,
      priceType: 1,
      price: '11.00',
      url: 'pages/goods/detail?id=1',
    });
    expect(g.status).toBe(200);
    const gid = g.body.id as number;
    expect((await c.post(`/rooms/${room}/goods`, { ids: [gid] })).status).toBe(200);
    const phone = new Phone(t!.url);
    const s = await phone.signIn(room, (await link()).ticket);
    expect((s.body.goods as Array<{ goods_id: number }>).map((x) => x.goods_id)).toEqual([gid]);
    expect((await phone.req('POST', `/anchor/api/rooms/${room}/present`, { goodsId: gid })).body).toEqual({ presented: gid });
    expect((await phone.req('POST', `/anchor/api/rooms/${room}/present`, { goodsId: 0 })).body).toEqual({ presented: null });
    const missing = await phone.req('POST', `/anchor/api/rooms/${room}/present`, { goodsId: 987654 });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('goods_not_found');
    await t!.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'media');
    const end = await phone.req('POST', `/anchor/api/rooms/${room}/end`);
    expect(end.body).toEqual({ status: LiveStatus.Ended });
    expect((await t!.z.services.rooms.auditLog(room)).at(-1)).toMatchObject({ to_status: 103, cause: 'anchor_ended', actor: 'anchor' });
    const live = await phone.req('GET', `/anchor/api/rooms/${room}/live`, undefined, {});
    expect(live.body.liveSince).toBe(t!.clock.now());
    expect((await phone.req('POST', `/anchor/api/rooms/${room}/sign-out`)).setCookie).toMatch(/Max-Age=0/);
    expect((await phone.req('GET', `/anchor/api/rooms/${room}`, undefined, {})).status).toBe(401);
  });
});
