/**
 * WxJava 4.7.x WxMaLiveGoodsServiceImpl (goods library, pendant key) and WxMaLiveMemberServiceImpl (roles).
 * These go through the executor only: errcode != 0 throws WxErrorException, a missing errcode counts as 0.
 */
import type { QueryParam, SdkCall } from '../types.js';

const T: QueryParam = { name: 'access_token', wire: '{{token}}', kind: 'token' };
const JSON_CT = 'application/json; charset=utf-8';
const EXEC = { errcode: 'optional', throwsOnErrcode: true } as const;
const SRC = 'binarywang/WxJava weixin-java-miniapp/src/main/java/cn/binarywang/wx/miniapp/api/impl/WxMaLiveGoodsServiceImpl.java';
const SRC_ROLE = 'binarywang/WxJava weixin-java-miniapp/src/main/java/cn/binarywang/wx/miniapp/api/impl/WxMaLiveMemberServiceImpl.java';
const G = '/wxaapi/broadcast/goods/';

export const WXJAVA_GOODS_CALLS: SdkCall[] = [
  { item: 'goods_add', sdkMethod: 'WxMaLiveGoodsService.addGoods(WxMaLiveGoodInfo)', method: 'POST', path: `${G}add`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goodsInfo":{"coverImgUrl":"{{media}}","url":"pages/goods/detail?id=1","priceType":1,"price":99.5,"name":"好茶"}}',
    response: { ...EXEC, fields: [{ path: 'goodsId', type: 'int~', presence: 'expected' }, { path: 'auditId', type: 'int~', presence: 'expected' }] }, source: SRC,
    notes: ['price is a BigDecimal: written as the caller built it (new BigDecimal("99.50") would give 99.50)', 'goodsKey (List<String>) and thirdPartyAppid go out only when set'] },
  { item: 'goods_resetaudit', sdkMethod: 'WxMaLiveGoodsService.resetAudit(auditId, goodsId)', method: 'POST', path: `${G}resetaudit`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"auditId":{{auditId}},"goodsId":{{goodsId}}}', response: { ...EXEC, fields: [] }, source: SRC },
  { item: 'goods_audit', sdkMethod: 'WxMaLiveGoodsService.auditGoods(goodsId)', method: 'POST', path: `${G}audit`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goodsId":{{goodsId}}}', setup: ['goods_resetaudit'],
    response: { ...EXEC, fields: [{ path: 'auditId', type: 'str~', presence: 'required' }] }, source: SRC, notes: ['reads get("auditId").getAsString(): missing → NullPointerException'] },
  { item: 'goods_delete', sdkMethod: 'WxMaLiveGoodsService.deleteGoods(goodsId)', method: 'POST', path: `${G}delete`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goodsId":{{goodsId}}}', response: { ...EXEC, fields: [] }, source: SRC },
  { item: 'goods_update', sdkMethod: 'WxMaLiveGoodsService.updateGoods(WxMaLiveGoodInfo)', method: 'POST', path: `${G}update`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goodsInfo":{"goodsId":{{goodsId}},"priceType":1,"price":88.5}}', response: { ...EXEC, fields: [] }, source: SRC },
  { item: 'goods_warehouse', sdkMethod: 'WxMaLiveGoodsService.getGoodsWareHouse([goodsId, goodsId2])', method: 'POST', path: '/wxa/business/getgoodswarehouse', query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goods_ids":[{{goodsId}},{{goodsId2}}]}',
    response: { ...EXEC, fields: [
      { path: 'total', type: 'int~', presence: 'expected' }, { path: 'goods', type: 'array', presence: 'expected' },
      { path: 'goods[].goods_id', type: 'int~', presence: 'expected' }, { path: 'goods[].cover_img_url', type: 'str~', presence: 'expected' },
      { path: 'goods[].name', type: 'str~', presence: 'expected' }, { path: 'goods[].url', type: 'str~', presence: 'expected' },
      { path: 'goods[].price_type', type: 'int~', presence: 'expected' }, { path: 'goods[].price', type: 'price~', presence: 'expected' },
      { path: 'goods[].price2', type: 'price~', presence: 'optional' }, { path: 'goods[].audit_status', type: 'int~', presence: 'expected' },
      { path: 'goods[].third_party_tag', type: 'str~', presence: 'optional' }, { path: 'goods[].thirdPartyAppid', type: 'str~', presence: 'optional' }] }, source: SRC,
    notes: ['WxMaLiveResult.Goods maps snake_case names (goods_id, cover_img_url, price_type, audit_status, third_party_tag)'] },
  { item: 'goods_approved', sdkMethod: 'WxMaLiveGoodsService.getApprovedGoods(0, 30, 2)', method: 'GET', path: `${G}getapproved`,
    query: [T, { name: 'status', wire: '2', kind: 'raw' }, { name: 'offset', wire: '0', kind: 'raw' }, { name: 'limit', wire: '30', kind: 'raw' }], content: 'none',
    response: { ...EXEC, fields: [
      { path: 'goods', type: 'array', presence: 'required' },
      { path: 'goods[].goodsId', type: 'int~', presence: 'required' }, { path: 'goods[].coverImgUrl', type: 'str~', presence: 'required' },
      { path: 'goods[].priceType', type: 'int~', presence: 'required' }, { path: 'goods[].thirdPartyTag', type: 'int~', presence: 'required' },
      { path: 'goods[].name', type: 'str~', presence: 'expected' }, { path: 'goods[].url', type: 'str~', presence: 'expected' },
      { path: 'goods[].price', type: 'price~', presence: 'expected' }, { path: 'goods[].price2', type: 'price~', presence: 'optional' },
      { path: 'total', type: 'int~', presence: 'expected' }] }, source: SRC,
    notes: ['copies goodsId/coverImgUrl/priceType/thirdPartyTag into snake_case keys with getAsInt()/getAsString(): any of them missing → NullPointerException'] },
  { item: 'goods_setkey', sdkMethod: 'WxMaLiveGoodsService.setKey(["productId","sid"])', method: 'POST', path: `${G}setkey`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goodsKey":["productId","sid"]}', response: { ...EXEC, fields: [] }, source: SRC },
  { item: 'goods_getkey', sdkMethod: 'WxMaLiveGoodsService.getKey()', method: 'GET', path: `${G}getkey`, query: [T], content: 'none', setup: ['goods_setkey'],
    response: { ...EXEC, fields: [{ path: 'vendorGoodsKey', type: 'array', presence: 'expected' }, { path: 'vendorGoodsKey[]', type: 'str~', presence: 'expected' }] }, source: SRC },
  { item: 'role_add', sdkMethod: 'WxMaLiveMemberService.addRole("wx_admin", 1)', method: 'POST', path: '/wxaapi/broadcast/role/addrole', query: [T], content: 'json', contentType: JSON_CT,
    body: '{"username":"wx_admin","role":1}', response: { ...EXEC, fields: [] }, source: SRC_ROLE },
  { item: 'role_delete', sdkMethod: 'WxMaLiveMemberService.deleteRole("wx_admin", 1)', method: 'POST', path: '/wxaapi/broadcast/role/deleterole', query: [T], content: 'json', contentType: JSON_CT,
    body: '{"username":"wx_admin","role":1}', setup: ['role_add'], response: { ...EXEC, fields: [] }, source: SRC_ROLE },
  { item: 'role_list', sdkMethod: 'WxMaLiveMemberService.listByRole(1, 0, 10, "wx_admin")', method: 'GET', path: '/wxaapi/broadcast/role/getrolelist',
    query: [T, { name: 'limit', wire: '10', kind: 'raw' }, { name: 'role', wire: '1', kind: 'raw' }, { name: 'offset', wire: '0', kind: 'raw' }, { name: 'keyword', wire: 'wx_admin', kind: 'raw' }], content: 'none', setup: ['role_add'],
    response: { ...EXEC, fields: [{ path: 'list', type: 'array', presence: 'expected' }] }, source: SRC_ROLE,
    notes: ['Guava Joiner on a HashMap: a null role/offset/limit/keyword throws NullPointerException before sending; values are not URL-encoded'] },
];
