/**
 * WeChat's goods library and review through the WeChat API (issue 11 part B): add → review → approve/reject in the
 * operator's hand, resetaudit/audit, update by review state, getgoodswarehouse, getapproved by status, pendant keys,
 * and bodies as SDKs send them (form, numeric strings, extra fields). Both databases.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const G = '/wxaapi/broadcast/goods';
const INFO = { name: '好茶', priceType: 1, price: 11, url: 'pages/goods/detail?id=1' };

describe.each(testDbKinds())('WeChat goods review on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  afterEach(async () => t?.cleanup());
  const start = async (review: boolean) => {
    t = await startServer(kind);
    m = await merchant(t);
    if (review) await t.z.services.apps.updateSettings(m.appid, { goodsReview: true });
  };
  const add = async (over: Record<string, unknown> = {}) => {
    const r = await m.post(`${G}/add`, { goodsInfo: { coverImgUrl: m.media, ...INFO, ...over } });
    expect(r.errcode, JSON.stringify(r)).toBe(0);
    return { goodsId: r.goodsId as number, auditId: r.auditId as number };
  };
  const status = async (goodsId: number) =>
    ((await m.post('/wxa/business/getgoodswarehouse', { goods_ids: [goodsId] })).goods as Array<{ audit_status: number }>)[0]?.audit_status;

  it('goods/add with review off: approved at once through the same states, auditId distinct from goodsId, thirdPartyTag 2', async () => {
    await start(false);
    const { goodsId, auditId } = await add();
    expect(auditId).toBeGreaterThan(500_000_000);
    expect(auditId).not.toBe(goodsId);
    const wh = await m.post('/wxa/business/getgoodswarehouse', { goods_ids: [goodsId, 999999] });
    expect(wh).toMatchObject({
      errcode: 0,
      total: 1,
      goods: [{ goods_id: goodsId, audit_status: 2, third_party_tag: 2, price: 11, price2: 0, price_type: 1, name: '好茶' }],
    });
    expect(await t.z.services.goods.review.history(goodsId)).toMatchObject([{ id: auditId, state: 'approved', decided_by: 'auto' }]);
    expect((await m.post(`${G}/resetaudit`, { goodsId, auditId })).errcode).toBe(300017);
  });

  it('goods/add with review on: in review (1) until the operator approves (2) or rejects (3) with a reason; getapproved pages by status', async () => {
    await start(true);
    const a = await add();
    const b = await add({ name: '绿茶' });
    expect(await status(a.goodsId)).toBe(1);
    const room = await m.room();
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [a.goodsId], roomId: room })).errcode).toBe(300025);
    await t.z.services.goods.review.decide(m.appid, a.goodsId, true, '', 'operator');
    await expect(t.z.services.goods.review.decide(m.appid, b.goodsId, false, '', 'operator')).rejects.toMatchObject({
      reason: 'bad_parameter',
      field: 'reason',
    });
    await t.z.services.goods.review.decide(m.appid, b.goodsId, false, '图片模糊', 'operator');
    await expect(t.z.services.goods.review.decide(m.appid, b.goodsId, true, '', 'operator')).rejects.toMatchObject({
      reason: 'goods_not_in_review',
    });
    const byStatus = async (s: number) =>
      (await t.api.get(`${G}/getapproved`, { access_token: m.token, offset: 0, limit: 30, status: s })) as {
        total: number;
        goods: Array<Record<string, unknown>>;
      };
    expect((await byStatus(2)).goods.map((g) => g.goodsId)).toEqual([a.goodsId]);
    expect((await byStatus(3)).goods).toEqual([
      expect.objectContaining({
        goodsId: b.goodsId,
        thirdPartyTag: 2,
        coverImgUrl: expect.stringMatching(/\/img\//),
        priceType: 1,
        price: 11,
      }),
    ]);
    expect((await byStatus(1)).total).toBe(0);
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: [a.goodsId], roomId: room })).errcode).toBe(0);
    expect((await t.api.get(`${G}/getapproved`, { access_token: m.token, status: 4 })).errcode).toBe(40097);
    expect((await t.api.get(`${G}/getapproved`, { access_token: m.token, limit: 101 })).errcode).toBe(40097);
    expect((await t.api.get(`${G}/getapproved`, { access_token: m.token, offset: 'x' })).errcode).toBe(40097);
  });

  it('goods/resetaudit withdraws (0), goods/audit resubmits with a new auditId; wrong states answer 300009/300010/300017', async () => {
    await start(true);
    const { goodsId, auditId } = await add();
    expect((await m.post(`${G}/audit`, { goodsId })).errcode).toBe(300010);
    expect((await m.post(`${G}/resetaudit`, { goodsId, auditId: auditId + 1 })).errcode).toBe(300009);
    expect((await m.post(`${G}/resetaudit`, { goodsId: String(goodsId), auditId: String(auditId) })).errcode).toBe(0);
    expect(await status(goodsId)).toBe(0);
    expect((await m.post(`${G}/resetaudit`, { goodsId, auditId })).errcode).toBe(300017);
    const again = await m.post(`${G}/audit`, { goodsId });
    expect(again).toMatchObject({ errcode: 0, auditId: expect.any(Number) });
    expect(again.auditId).not.toBe(auditId);
    expect(await status(goodsId)).toBe(1);
    expect((await m.post(`${G}/audit`, { goodsId: 424242 })).errcode).toBe(300024);
    expect((await m.post(`${G}/audit`, { goodsId: 'abc' })).errcode).toBe(300024);
  });

  it('goods/update follows WeChat: in review nothing (300010), approved prices only, unreviewed everything; prices stay exact', async () => {
    await start(true);
    const { goodsId, auditId } = await add();
    expect((await m.post(`${G}/update`, { goodsInfo: { goodsId, price: 12 } })).errcode).toBe(300010);
    await t.z.services.goods.review.decide(m.appid, goodsId, true, '', 'operator');
    const priced = await m.post(`${G}/update`, {
      goodsInfo: { goodsId: String(goodsId), priceType: '2', price: '19.99', price2: 29.9, extra: 'ignored' },
    });
    expect(priced.errcode, JSON.stringify(priced)).toBe(0);
    expect((await m.post(`${G}/update`, { goodsInfo: { goodsId, name: '新名字' } })).errcode).toBe(300010);
    expect((await m.post(`${G}/update`, { goodsInfo: { goodsId, name: '好茶', price: 18 } })).errcode).toBe(0);
    expect((await m.post(`${G}/update`, { goodsInfo: { goodsId, priceType: 3, price: 10, price2: 20 } })).errcode).toBe(300003);
    const wh = (await m.post('/wxa/business/getgoodswarehouse', { goods_ids: [String(goodsId)] })).goods as Array<Record<string, unknown>>;
    expect(wh[0]).toMatchObject({ price_type: 2, price: 18, price2: 29.9, name: '好茶', audit_status: 2 });
    const other = await add();
    expect((await m.post(`${G}/resetaudit`, { goodsId: other.goodsId, auditId: other.auditId })).errcode).toBe(0);
    expect(
      (
        await m.post(`${G}/update`, {
          goodsInfo: { goodsId: other.goodsId, name: '白茶', url: 'pages/goods/detail?id=9', goodsKey: ['productId'] },
        })
      ).errcode,
    ).toBe(0);
    expect(((await m.post('/wxa/business/getgoodswarehouse', { goods_ids: [other.goodsId] })).goods as unknown[])[0]).toMatchObject({
      name: '白茶',
      goodsKey: ['productId'],
    });
    expect((await m.post(`${G}/update`, { goodsInfo: { price: 1 } })).errcode).toBe(300024);
    expect(auditId).toBeGreaterThan(0);
  });

  it('goods/delete refuses goods in review (300014) and console goods (300011); getgoodswarehouse refuses bad goods_ids', async () => {
    await start(true);
    const { goodsId, auditId } = await add();
    expect((await m.post(`${G}/delete`, { goodsId })).errcode).toBe(300014);
    await m.post(`${G}/resetaudit`, { goodsId, auditId });
    expect((await m.post(`${G}/delete`, { goodsId })).errcode).toBe(0);
    expect((await m.post(`${G}/delete`, { goodsId })).errcode).toBe(300024);
    const own = await t.z.services.goods.add(m.appid, { coverImgUrl: m.media, ...INFO }, 'console');
    expect((await m.post(`${G}/resetaudit`, { goodsId: own.goodsId, auditId: own.auditId })).errcode).toBe(300011);
    expect((await m.post(`${G}/update`, { goodsInfo: { goodsId: own.goodsId, price: 3 } })).errcode).toBe(300011);
    expect((await m.post(`${G}/delete`, { goodsId: own.goodsId })).errcode).toBe(300011);
    expect((await t.api.get(`${G}/getapproved`, { access_token: m.token, status: 1 })).goods).toEqual([
      expect.objectContaining({ goodsId: own.goodsId, thirdPartyTag: 0 }),
    ]);
    for (const ids of [[], 'x', Array.from({ length: 21 }, (_, i) => i + 1), [0]])
      expect((await m.post('/wxa/business/getgoodswarehouse', { goods_ids: ids })).errcode).toBe(200002);
  });

  it('goods/add from a PHP form and with goodsKey as an array; bad input answers WeChat errcodes and stores nothing', async () => {
    await start(false);
    const form = `goodsInfo%5BcoverImgUrl%5D=${m.media}&goodsInfo%5Bname%5D=%E5%A5%BD%E8%8C%B6&goodsInfo%5BpriceType%5D=3&goodsInfo%5Bprice%5D=99.90&goodsInfo%5Bprice2%5D=59.9&goodsInfo%5Burl%5D=pages%2Fa%3Fid%3D1&goodsInfo%5BgoodsKey%5D%5B0%5D=id`;
    const res = await fetch(`${t.url}${G}/add?access_token=${m.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const r = (await res.json()) as { errcode: number; goodsId: number };
    expect(r.errcode).toBe(0);
    expect(((await m.post('/wxa/business/getgoodswarehouse', { goods_ids: [r.goodsId] })).goods as unknown[])[0]).toMatchObject({
      price_type: 3,
      price: 99.9,
      price2: 59.9,
      goodsKey: ['id'],
    });
    const bad: Array<[Record<string, unknown>, number]> = [
      [{ name: '' }, 300004],
      [{ price: 1.234 }, 300003],
      [{ price: -1 }, 300003],
      [{ priceType: 2 }, 300003],
      [{ priceType: 9 }, 200002],
      [{ url: '' }, 300007],
      [{ coverImgUrl: 'nope' }, 300006],
      [{ goodsKey: [1] }, 200002],
      [{ goodsKey: 'x'.repeat(65) }, 200002],
    ];
    for (const [over, code] of bad)
      expect((await m.post(`${G}/add`, { goodsInfo: { coverImgUrl: m.media, ...INFO, ...over } })).errcode, JSON.stringify(over)).toBe(
        code,
      );
    expect((await m.post(`${G}/add`, { nothing: 1 })).errcode).toBe(200002);
    expect((await t.api.get(`${G}/getapproved`, { access_token: m.token })).total).toBe(1);
  });

  it("goods/setkey and goods/getkey keep the app's pendant key (Array<string> only)", async () => {
    await start(false);
    expect(await t.api.get(`${G}/getkey`, { access_token: m.token })).toMatchObject({ errcode: 0, vendorGoodsKey: [] });
    expect((await m.post(`${G}/setkey`, { goodsKey: ['productId', 'sid'] })).errcode).toBe(0);
    expect((await m.post(`${G}/setkey`, { goodsKey: [{ a: 1 }] })).errcode).toBe(200002);
    expect((await m.post(`${G}/setkey`, {})).errcode).toBe(200002);
    expect((await t.api.get(`${G}/getkey`, { access_token: m.token })).vendorGoodsKey).toEqual(['productId', 'sid']);
  });

  it('the review quota: 500 submissions a day per app answer 300012 after that, and a new day resets it', async () => {
    await start(true);
    const { goodsId, auditId } = await add();
    const at = t.clock.now();
    await t.z.db.query(
      `INSERT INTO goods_audits (goods_id, appid, submitted_at, state) SELECT $1, $2, $3, 'withdrawn' FROM generate_series(1, 499)`,
      [goodsId, m.appid, at],
    );
    expect((await m.post(`${G}/add`, { goodsInfo: { coverImgUrl: m.media, ...INFO } })).errcode).toBe(300012);
    await m.post(`${G}/resetaudit`, { goodsId, auditId });
    expect((await m.post(`${G}/audit`, { goodsId })).errcode).toBe(300012);
    t.clock.advance(86_400_000);
    await m.refresh();
    expect((await m.post(`${G}/audit`, { goodsId })).errcode).toBe(0);
  });

  it("room shelf calls take ids and flags as numbers or numeric strings (forms, WeChat's own sort sample) and ignore extra fields", async () => {
    await start(false);
    const a = await add();
    const b = await add({ name: '绿茶' });
    const room = await m.room();
    const ok = async (path: string, body: Record<string, unknown>) =>
      expect((await m.post(path, { ...body, extra: { any: 1 } })).errcode, `${path} ${JSON.stringify(body)}`).toBe(0);
    await ok('/wxaapi/broadcast/room/addgoods', { ids: [String(a.goodsId), b.goodsId], roomId: String(room) });
    await ok(`${G}/sort`, { roomId: room, goods: [{ goodsId: String(b.goodsId) }, { goodsId: a.goodsId }] });
    await ok(`${G}/onsale`, { roomId: String(room), goodsId: String(a.goodsId), onSale: '0' });
    await ok('/wxaapi/broadcast/room/updatecomment', { roomId: String(room), banComment: '1' });
    const shelf = (await t.z.services.goods.shelves([room])).get(room)!;
    expect(shelf.map((g) => [g.id, g.on_sale])).toEqual([
      [b.goodsId, true],
      [a.goodsId, false],
    ]);
    for (const [path, body] of [
      [`${G}/onsale`, { roomId: room, goodsId: a.goodsId, onSale: '' }],
      ['/wxaapi/broadcast/room/updatecomment', { roomId: room, banComment: 'yes' }],
    ] as const)
      expect((await m.post(path, body)).errcode, path).toBe(200002);
    expect((await m.post(`${G}/sort`, { roomId: room, goods: [{ goodsId: '1x' }] })).errcode).toBe(200002);
    expect((await m.post('/wxaapi/broadcast/room/addgoods', { ids: ['0'], roomId: room })).errcode).toBe(200002);
  });

  it('a known path with the wrong method answers 43001/43002, an unknown path 40066, applyliveinfo grants', async () => {
    await start(false);
    expect((await t.api.get(`${G}/add`, { access_token: m.token })).errcode).toBe(43002);
    expect((await m.post(`${G}/getapproved`, {})).errcode).toBe(43001);
    expect((await m.post(`${G}/nope`, {})).errcode).toBe(40066);
    expect(await m.post('/wxa/business/applyliveinfo', { action: 'apply' })).toMatchObject({ errcode: 0, action: 'apply' });
    expect((await m.post('/wxa/business/applyliveinfo', { action: 'x' })).errcode).toBe(40097);
  });
});
