/**
 * Issue 15: orders traced to the live. The merchant reports orders and refunds in the WeChat envelope (and through
 * @zhibo/client, and the demo shop's checkout); the console's numbers and CSV show GMV, conversion per period, per
 * product and per sharer along the share chain (last touch, first touch, assisted). Repeats change nothing, a refund
 * subtracts, bad input is refused with the field named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransitionCause } from '@zhibo/protocol';
import { ZhiboClient } from '@zhibo/client';
import { testDbKinds } from '@zhibo/testkit';
import { Role } from '../src/modules/console/index.js';
import { ConsoleClient } from './console-helpers.js';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';
import { startShop, type Shop } from '../../../apps/shop/src/shop.js';

interface SalesBody {
  orders: number;
  refunds: number;
  gross: number;
  refunded: number;
  gmv: number;
  periods: Array<{ period: string; entries: number; taps: number; orders: number; gmv: number }>;
  goods: Array<{ goodsId: number; taps: number; orders: number; gmv: number }>;
  sharers: Array<{
    openid: string;
    brought: number;
    last: { orders: number; gmv: number };
    first: { orders: number; gmv: number };
    assisted: { orders: number; gmv: number };
  }>;
  lines: Array<{ order_id: string; period: string; first_touch: string | null; last_touch: string | null; chain: string[] }>;
}

describe.each(testDbKinds())('orders traced to the live (%s)', (kind) => {
  let t: TestServer;
  let shop: Shop | undefined;
  const viewers: Viewer[] = [];
  beforeAll(async () => {
    t = await startServer(kind);
  });
  afterAll(async () => {
    for (const v of viewers) v.close();
    await shop?.close();
    await t?.cleanup();
  });

  it('orders of two sharers: GMV, conversion per period, per product, first/last touch along the chain, CSV; repeats change nothing, a refund subtracts', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const ga = await m.goods({ name: '明前龙井', price: 98 });
    const gb = await m.goods({ name: '粗陶茶杯', price: 39, url: 'pages/goods/detail?id=2' });
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [ga, gb], roomId: room })).errcode).toBe(0);
    await t.z.services.rooms.apply(room, TransitionCause.PublishStarted, 'media');
    const ident = t.z.services.identity;
    const join = async (entry?: { by: string }, deviceId?: string) => {
      const share = entry ? { entry: { scene: 1007 as const, share_openid: entry.by, share_sig: ident.signShare(room, entry.by) } } : {};
      const { v, welcome } = await Viewer.join(t.url, room, { ...share, ...(deviceId ? { deviceId } : {}) });
      viewers.push(v);
      t.clock.advance(1000);
      return welcome.openid;
    };
    // the share chain: alice brings bob and dave, bob brings carol, and carol brings dave again later
    const alice = await join();
    const bob = await join({ by: alice });
    const carol = await join({ by: bob });
    const dave = await join({ by: alice }, `dev-dave-${kind}`);
    expect(await join({ by: carol }, `dev-dave-${kind}`)).toBe(dave);
    const tap = (goods: number, openid: string) =>
      fetch(`${t.url}/api/plugin/v1/goods-tap`, { method: 'POST', body: JSON.stringify({ room_id: room, goods_id: goods, openid }) });
    expect((await tap(ga, bob)).status).toBe(200);
    expect((await tap(gb, carol)).status).toBe(200);
    t.clock.advance(5000);
    const sec = () => Math.floor(t.clock.now() / 1000);

    // during the live: bob buys A through alice's share, carol buys B through bob's
    const o1 = { order_id: 'o-1001', room_id: room, goods_id: ga, openid: bob, share_openid: alice, amount: 9800, time: sec() };
    expect(await m.post('/wxaapi/broadcast/order/report', o1)).toEqual({ errcode: 0, errmsg: 'ok', duplicate: 0 });
    expect(await m.post('/wxaapi/broadcast/order/report', { ...o1, amount: 1 })).toEqual({ errcode: 0, errmsg: 'ok', duplicate: 1 });
    expect(
      (
        await m.post('/wxaapi/broadcast/order/report', {
          order_id: 'o-1002',
          room_id: room,
          goods_id: gb,
          openid: carol,
          share_openid: bob,
          amount: 3900,
          time: sec(),
        })
      ).errcode,
    ).toBe(0);
    t.clock.advance(2000);
    await t.z.services.rooms.apply(room, TransitionCause.AnchorEnded, 'test');
    t.clock.advance(60_000);

    // in the replay period, through @zhibo/client: dave buys A through carol's share; part of it is refunded
    const client = new ZhiboClient({ baseUrl: t.url, appid: m.appid, appsecret: m.appsecret, now: () => t.clock.now() });
    expect((await tap(ga, dave)).status).toBe(200);
    expect(
      await client.reportOrder({
        order_id: 'o-1003',
        room_id: room,
        goods_id: ga,
        openid: dave,
        share_openid: carol,
        amount: 9800,
        time: sec(),
      }),
    ).toEqual({ duplicate: false });
    expect(await client.reportOrder({ order_id: 'o-1003', room_id: room, amount: 5 })).toEqual({ duplicate: true });
    expect(await client.reportRefund({ order_id: 'o-1003', amount: 4800 })).toEqual({ duplicate: false });
    expect(await client.reportRefund({ order_id: 'o-1003', amount: 4800 })).toEqual({ duplicate: true }); // same refund again
    await expect(client.reportRefund({ order_id: 'o-1003', refund_id: 'r2', amount: 5001 })).rejects.toMatchObject({ errcode: 200002 });
    await expect(client.reportRefund({ order_id: 'nope', amount: 1 })).rejects.toMatchObject({ errcode: 200002 });

    const op = new ConsoleClient(t.url);
    await t.z.services.accounts.create({ login: `op-${kind}`, name: 'Operator', role: Role.Operator, password: 'correct horse battery' });
    expect((await op.login(`op-${kind}`, 'correct horse battery')).status).toBe(200);
    const n = await op.get(`/rooms/${room}/stats`);
    expect(n.status).toBe(200);
    const s = n.body.sales as SalesBody;
    expect([s.orders, s.refunds, s.gross, s.refunded, s.gmv]).toEqual([3, 1, 23500, 4800, 18700]);
    expect(s.periods).toEqual([
      { period: 'live', from: null, to: expect.any(Number), entries: 5, taps: 2, orders: 2, gmv: 13700 },
      { period: 'replay', from: expect.any(Number), to: null, entries: 0, taps: 1, orders: 1, gmv: 5000 },
    ]);
    expect(s.goods).toEqual([
      { goodsId: ga, name: '明前龙井', taps: 2, orders: 2, gmv: 14800 },
      { goodsId: gb, name: '粗陶茶杯', taps: 1, orders: 1, gmv: 3900 },
    ]);
    const by = Object.fromEntries(s.sharers.map((x) => [x.openid, x]));
    // last touch: the share the buyer came through; first touch: who first brought them; assisted: further up the chain
    expect(by[alice]).toEqual({
      openid: alice,
      brought: 2,
      last: { orders: 1, gmv: 9800 },
      first: { orders: 2, gmv: 14800 },
      assisted: { orders: 2, gmv: 8900 },
    });
    expect(by[bob]).toEqual({
      openid: bob,
      brought: 1,
      last: { orders: 1, gmv: 3900 },
      first: { orders: 1, gmv: 3900 },
      assisted: { orders: 1, gmv: 5000 },
    });
    expect(by[carol]).toEqual({
      openid: carol,
      brought: 1,
      last: { orders: 1, gmv: 5000 },
      first: { orders: 0, gmv: 0 },
      assisted: { orders: 0, gmv: 0 },
    });
    expect(s.lines.map((l) => [l.order_id, l.period, l.first_touch, l.last_touch, l.chain])).toEqual([
      ['o-1001', 'live', alice, alice, [alice]],
      ['o-1002', 'live', bob, bob, [alice, bob]],
      ['o-1003', 'replay', alice, carol, [alice, bob, carol]],
    ]);

    const csv = await op.get(`/rooms/${room}/stats.csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('orders,refunds,buyers,gross_yuan,refunded_yuan,gmv_yuan,live_ended_utc\r\n3,1,3,235.00,48.00,187.00,');
    expect(csv.text).toContain('\r\nlive,5,2,2,137.00\r\nreplay,0,1,1,50.00\r\n');
    expect(csv.text).toContain(`\r\n${alice},2,1,98.00,2,148.00,2,89.00\r\n`);
    expect(csv.text).toContain(`\r\n${bob},1,1,39.00,1,39.00,1,50.00\r\n`);
    expect(csv.text).toContain(`o-1003,`);
    expect(csv.text).toContain(`,${alice} > ${bob} > ${carol},98.00,48.00,50.00\r\n`);
  });

  it('order/report refuses bad input with the field named, and another app’s room', async () => {
    const m = await merchant(t);
    const other = await merchant(t);
    const room = await m.room();
    const theirs = await other.room();
    const theirGoods = await other.goods();
    const ok = { order_id: 'x-1', room_id: room, amount: 100 };
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ ...ok, order_id: '' }, 200002, /order_id/],
      [{ ...ok, order_id: 'a b' }, 200002, /order_id/],
      [{ ...ok, order_id: 'x'.repeat(65) }, 200002, /order_id/],
      [{ ...ok, amount: -1 }, 200002, /amount/],
      [{ ...ok, amount: 1.5 }, 200002, /amount/],
      [{ ...ok, amount: undefined }, 200002, /amount/],
      [{ ...ok, openid: 'not-an-openid' }, 200002, /openid/],
      [{ ...ok, share_openid: '<script>' }, 200002, /share_openid/],
      [{ ...ok, time: Math.floor(t.clock.now() / 1000) + 7 * 86_400 }, 200002, /time/],
      [{ ...ok, room_id: theirs }, 300022, /room/],
      [{ ...ok, goods_id: theirGoods }, 300024, /goods/],
      [{ ...ok, goods_id: 'abc' }, 300024, /goods/],
    ];
    for (const [body, errcode, msg] of cases) {
      const r = await m.post('/wxaapi/broadcast/order/report', body);
      expect([r.errcode, r.errmsg]).toEqual([errcode, expect.stringMatching(msg)]);
    }
    // nothing of it was stored
    expect(await t.z.services.orders.forRoom(room)).toEqual([]);
    expect((await m.post('/wxaapi/broadcast/order/refund', { order_id: 'x-1', amount: 1 })).errcode).toBe(200002);
  });

  it('the demo shop’s checkout reports the order with the parameters the room page passed, and its refund subtracts', async () => {
    const m = await merchant(t);
    const room = await m.room();
    const g = await m.goods({ name: '便携茶具', priceType: 3, price: 199, price2: 129, url: 'pages/goods/detail?id=9' });
    await m.post('/wxaapi/broadcast/room/addgoods', { ids: [g], roomId: room });
    shop = await startShop({ zhiboUrl: t.url, appid: m.appid, appsecret: m.appsecret, port: 0, roomListTtlMs: 0 });
    const buyer = t.z.services.identity.openid(m.appid, { kind: 'device', id: 'dev-shop-buyer-1' });
    const sharer = t.z.services.identity.openid(m.appid, { kind: 'device', id: 'dev-shop-sharer-1' });
    const page = await (await fetch(`${shop.url}/pages/goods/detail?id=9&room_id=${room}&openid=${buyer}&share_openid=${sharer}`)).text();
    expect(page).toContain('action="/checkout"');
    expect(page).toContain(`<zhibo-explanation class="explain" room-id="${room}" goods-id="${g}">`);
    const form = new URLSearchParams({ room_id: String(room), goods_id: String(g), openid: buyer, share_openid: sharer });
    const done = await fetch(`${shop.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(done.status).toBe(200);
    const html = await done.text();
    const orderId = /id="order-id">([^<]+)</.exec(html)?.[1];
    expect(orderId).toMatch(/^demo-/);
    const [o] = await t.z.services.orders.forRoom(room);
    expect(o).toMatchObject({ order_id: orderId, goods_id: g, openid: buyer, share_openid: sharer, amount: 12900, refunded: 0 });
    const back = await fetch(`${shop.url}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ order_id: orderId!, amount: '12900' }),
    });
    expect(back.status).toBe(200);
    expect((await t.z.services.orders.forRoom(room))[0]).toMatchObject({ refunded: 12900 });
  });
});
