/** WeChat's documented samples for the goods library, pendant key, roles, subscriptions and applyliveinfo (see wechat-samples.ts). */
import type { FieldRule, QueryParam, ResponseContract, SdkCall } from '../types.js';

const T: QueryParam = { name: 'access_token', wire: '{{token}}', kind: 'token' };
const CT = 'application/json';
const OK: ResponseContract = { errcode: 'required', throwsOnErrcode: false, fields: [] };
const DOC = 'fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat test/SKIT.FlurlHttpClient.Wechat.Api.UnitTests/ModelSamples/WxaApi/LiveBroadcast/';
const BIZ = 'fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat test/SKIT.FlurlHttpClient.Wechat.Api.UnitTests/ModelSamples/WxaBusiness/LiveBroadcast/';
const G = '/wxaapi/broadcast/goods/';
const f = (path: string, type: FieldRule['type'], presence: FieldRule['presence'] = 'required'): FieldRule => ({ path, type, presence });

export const SAMPLE_GOODS_CALLS: SdkCall[] = [
  { item: 'goods_add', sdkMethod: 'goods add sample', method: 'POST', path: `${G}add`, query: [T], content: 'json', contentType: CT,
    body: '{"goodsInfo":{"coverImgUrl":"{{media}}","name":"好茶","priceType":1,"price":99.5,"url":"pages/goods/detail?id=1"}}',
    response: { ...OK, fields: [f('goodsId', 'int'), f('auditId', 'int')] }, source: `${DOC}Goods/WxaApiBroadcastGoodsAddResponse.json` },
  { item: 'goods_resetaudit', sdkMethod: 'goods resetaudit sample', method: 'POST', path: `${G}resetaudit`, query: [T], content: 'json', contentType: CT,
    body: '{"auditId":{{auditId}},"goodsId":{{goodsId}}}', response: OK, source: `${DOC}Goods/WxaApiBroadcastGoodsResetAuditRequest.json` },
  { item: 'goods_audit', sdkMethod: 'goods audit sample', method: 'POST', path: `${G}audit`, query: [T], content: 'json', contentType: CT,
    body: '{"goodsId":{{goodsId}}}', setup: ['goods_resetaudit'], response: { ...OK, fields: [f('auditId', 'int')] }, source: `${DOC}Goods/WxaApiBroadcastGoodsAuditResponse.json` },
  { item: 'goods_delete', sdkMethod: 'goods delete sample', method: 'POST', path: `${G}delete`, query: [T], content: 'json', contentType: CT,
    body: '{"goodsId":{{goodsId}}}', response: OK, source: `${DOC}Goods/WxaApiBroadcastGoodsDeleteRequest.json` },
  { item: 'goods_update', sdkMethod: 'goods update sample', method: 'POST', path: `${G}update`, query: [T], content: 'json', contentType: CT,
    body: '{"goodsInfo":{"coverImgUrl":"{{media}}","name":"好茶","priceType":1,"price":88.5,"url":"pages/goods/detail?id=1","goodsId":{{goodsId}}}}', setup: ['goods_resetaudit'],
    response: OK, source: `${DOC}Goods/WxaApiBroadcastGoodsUpdateRequest.json`, notes: ['withdrawn first: WeChat lets only unreviewed goods change every field'] },
  { item: 'goods_warehouse', sdkMethod: 'getgoodswarehouse sample', method: 'POST', path: '/wxa/business/getgoodswarehouse', query: [T], content: 'json', contentType: CT,
    body: '{"goods_ids":[{{goodsId}}]}',
    response: { ...OK, fields: [
      f('total', 'int'), f('goods', 'array'), f('goods[].goods_id', 'int'), f('goods[].cover_img_url', 'str'), f('goods[].name', 'str'), f('goods[].price', 'price'),
      f('goods[].url', 'str'), f('goods[].price_type', 'int'), f('goods[].price2', 'price'), f('goods[].audit_status', 'int'), f('goods[].third_party_tag', 'int')] },
    source: `${DOC}Goods/WxaApiBroadcastGetGoodsWarehouseResponse.json`,
    notes: ['the doc table says goods_id/audit_status are strings and price_type is priceType; the sample (used here) sends numbers and price_type'] },
  { item: 'goods_approved', sdkMethod: 'getapproved sample', method: 'GET', path: `${G}getapproved`,
    query: [T, { name: 'offset', wire: '0', kind: 'integer' }, { name: 'limit', wire: '30', kind: 'integer' }, { name: 'status', wire: '2', kind: 'integer' }], content: 'none',
    response: { ...OK, fields: [
      f('total', 'int'), f('goods', 'array'), f('goods[].goodsId', 'int'), f('goods[].coverImgUrl', 'str'), f('goods[].name', 'str'), f('goods[].price', 'price'),
      f('goods[].url', 'str'), f('goods[].priceType', 'int'), f('goods[].price2', 'price'), f('goods[].thirdPartyTag', 'int')] },
    source: `${DOC}Goods/WxaApiBroadcastGoodsGetApprovedResponse.json` },
  { item: 'goods_setkey', sdkMethod: 'setkey sample', method: 'POST', path: `${G}setkey`, query: [T], content: 'json', contentType: CT,
    body: '{"goodsKey":["productId","sid"]}', response: OK, source: 'developers.weixin.qq.com …/livebroadcast/studio-management/api_setdefault_goodskey' },
  { item: 'goods_getkey', sdkMethod: 'getkey', method: 'GET', path: `${G}getkey`, query: [T], content: 'none', setup: ['goods_setkey'],
    response: { ...OK, fields: [f('vendorGoodsKey', 'array'), f('vendorGoodsKey[]', 'str')] }, source: 'developers.weixin.qq.com …/livebroadcast/studio-management/api_getdefault_goodskey' },
  { item: 'role_add', sdkMethod: 'addrole sample', method: 'POST', path: '/wxaapi/broadcast/role/addrole', query: [T], content: 'json', contentType: CT,
    body: '{"username":"wx_admin","role":1}', response: { ...OK, fields: [f('codeurl', 'str', 'optional')] }, source: `${DOC}Role/WxaApiBroadcastRoleAddRoleRequest.json` },
  { item: 'role_delete', sdkMethod: 'deleterole sample', method: 'POST', path: '/wxaapi/broadcast/role/deleterole', query: [T], content: 'json', contentType: CT,
    body: '{"username":"wx_admin","role":1}', setup: ['role_add'], response: OK, source: `${DOC}Role/WxaApiBroadcastRoleDeleteRoleRequest.json` },
  { item: 'role_list', sdkMethod: 'getrolelist sample', method: 'GET', path: '/wxaapi/broadcast/role/getrolelist',
    query: [T, { name: 'role', wire: '1', kind: 'integer' }, { name: 'offset', wire: '0', kind: 'integer' }, { name: 'limit', wire: '10', kind: 'integer' }, { name: 'keyword', wire: 'wx_admin', kind: 'string' }], content: 'none', setup: ['role_add'],
    response: { ...OK, fields: [
      f('total', 'int'), f('list', 'array'), f('list[].headingimg', 'str'), f('list[].nickname', 'str'), f('list[].openid', 'str'),
      f('list[].roleList', 'array'), f('list[].updateTimestamp', 'str'), f('list[].username', 'str')] },
    source: `${DOC}Role/WxaApiBroadcastRoleGetRoleListResponse.json`, notes: ['updateTimestamp is a string of digits in the sample'] },
  { item: 'followers', sdkMethod: 'get_wxa_followers sample', method: 'POST', path: '/wxa/business/get_wxa_followers', query: [T], content: 'json', contentType: CT,
    body: '{"limit":200,"page_break":0}',
    response: { ...OK, fields: [f('errmsg', 'str'), f('followers', 'array'), f('followers[].openid', 'str'), f('followers[].subscribe_time', 'int'), f('followers[].room_status', 'int'), f('followers[].room_id', 'int'), f('page_break', 'int', 'optional')] },
    source: `${BIZ}WxaBusinessGetWxaFollowersResponse.json` },
  { item: 'push_message', sdkMethod: 'push_message sample', method: 'POST', path: '/wxa/business/push_message', query: [T], content: 'json', contentType: CT,
    body: '{"room_id":{{roomId}},"user_openid":["OPENID1","OPENID2"]}', response: { ...OK, fields: [f('message_id', 'str')], acceptErrcodes: [9410006] },
    source: `${BIZ}WxaBusinessPushMessageResponse.json`, notes: ['the fixture room is not live: 9410006 is the correct WeChat answer'] },
  { item: 'apply_live', sdkMethod: 'applyliveinfo sample', method: 'POST', path: '/wxa/business/applyliveinfo', query: [T], content: 'json', contentType: CT,
    body: '{"action":"apply"}', response: { ...OK, fields: [f('errmsg', 'str'), f('action', 'str', 'optional')] }, source: `${BIZ}WxaBusinessApplyLiveInfoResponse.json` },
];
