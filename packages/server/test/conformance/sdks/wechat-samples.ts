/**
 * WeChat's own examples: the request/response samples of the live API pages (developers.weixin.qq.com
 * …/livebroadcast/*, …/liveplayer/studio-api.html, commodity-api.html, role-manage.html, subscribe-api.html),
 * as kept verbatim in fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat test/…/ModelSamples/WxaApi/LiveBroadcast and
 * ModelSamples/WxaBusiness/LiveBroadcast. Bodies keep the samples' field order with our fixture values; response
 * types are the documented ones, strict. This profile also carries the error-path probes (token errors, item 44).
 */
import type { FieldRule, QueryParam, ResponseContract, SdkCall, SdkProfile } from '../types.js';
import { SAMPLE_GOODS_CALLS } from './wechat-samples-goods.js';

const T: QueryParam = { name: 'access_token', wire: '{{token}}', kind: 'token' };
const R: QueryParam = { name: 'roomId', wire: '{{roomId}}', kind: 'integer' };
const CT = 'application/json';
const OK: ResponseContract = { errcode: 'required', throwsOnErrcode: false, fields: [] };
const DOC = 'fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat test/SKIT.FlurlHttpClient.Wechat.Api.UnitTests/ModelSamples/WxaApi/LiveBroadcast/';
const BIZ = 'fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat test/SKIT.FlurlHttpClient.Wechat.Api.UnitTests/ModelSamples/WxaBusiness/LiveBroadcast/';
const P = '/wxaapi/broadcast/room/';
const G = '/wxaapi/broadcast/goods/';
const f = (path: string, type: FieldRule['type'], presence: FieldRule['presence'] = 'required'): FieldRule => ({ path, type, presence });

const ROOM_INFO: FieldRule[] = [
  f('errmsg', 'str'), f('total', 'int'), f('room_info', 'array'),
  f('room_info[].name', 'str'), f('room_info[].roomid', 'int'), f('room_info[].cover_img', 'str'), f('room_info[].live_status', 'int'),
  f('room_info[].start_time', 'int'), f('room_info[].end_time', 'int'), f('room_info[].anchor_name', 'str'), f('room_info[].goods', 'array'),
  f('room_info[].goods[].cover_img', 'str'), f('room_info[].goods[].url', 'str'), f('room_info[].goods[].name', 'str'),
  f('room_info[].goods[].price', 'int'), f('room_info[].goods[].price2', 'int', 'optional'), f('room_info[].goods[].price_type', 'int', 'optional'),
  f('room_info[].goods[].goods_id', 'int', 'optional'), f('room_info[].goods[].third_party_appid', 'str', 'optional'),
  f('room_info[].share_img', 'str', 'optional'), f('room_info[].live_type', 'int', 'optional'), f('room_info[].close_like', 'int', 'optional'),
  f('room_info[].close_goods', 'int', 'optional'), f('room_info[].close_comment', 'int', 'optional'), f('room_info[].close_kf', 'int', 'optional'),
  f('room_info[].close_replay', 'int', 'optional'), f('room_info[].is_feeds_public', 'int', 'optional'), f('room_info[].creater_openid', 'str', 'optional'),
  f('room_info[].feeds_img', 'str', 'optional'), f('room_info[].anchor_img', 'str', 'optional'),
];

const ROOM_CALLS: SdkCall[] = [
  { item: 'token', sdkMethod: 'GET /cgi-bin/token', method: 'GET', path: '/cgi-bin/token',
    query: [{ name: 'grant_type', wire: 'client_credential', kind: 'string' }, { name: 'appid', wire: '{{appid}}', kind: 'string' }, { name: 'secret', wire: '{{secret}}', kind: 'string' }], content: 'none',
    response: { errcode: 'optional', throwsOnErrcode: false, fields: [f('access_token', 'str'), f('expires_in', 'int')] }, source: 'developers.weixin.qq.com …/mp-access-token/api_getaccesstoken' },
  { item: 'token', variant: 'no access_token → 41001', sdkMethod: 'POST getliveinfo without access_token', method: 'POST', path: '/wxa/business/getliveinfo', query: [], content: 'json', contentType: CT,
    body: '{"start":0,"limit":10}', response: { ...OK, expectErrcodes: [41001] }, source: 'developers.weixin.qq.com global errcodes (41001 access_token missing)' },
  { item: 'token', variant: 'bad access_token → 40001', sdkMethod: 'POST getliveinfo with an invalid access_token', method: 'POST', path: '/wxa/business/getliveinfo',
    query: [{ name: 'access_token', wire: 'not-a-valid-token', kind: 'string' }], content: 'json', contentType: CT,
    body: '{"start":0,"limit":10}', response: { ...OK, expectErrcodes: [40001, 40014] }, source: 'developers.weixin.qq.com global errcodes (40001 invalid credential)' },
  { item: 'stable_token', sdkMethod: 'POST /cgi-bin/stable_token', method: 'POST', path: '/cgi-bin/stable_token', query: [], content: 'json', contentType: CT,
    body: '{"grant_type":"client_credential","appid":"{{appid}}","secret":"{{secret}}","force_refresh":false}',
    response: { errcode: 'optional', throwsOnErrcode: false, fields: [f('access_token', 'str'), f('expires_in', 'int')] }, source: 'developers.weixin.qq.com …/mp-access-token/getStableAccessToken' },
  { item: 'media_upload', sdkMethod: 'POST /cgi-bin/media/upload?type=image (multipart "media")', method: 'POST', path: '/cgi-bin/media/upload', query: [T, { name: 'type', wire: 'image', kind: 'string' }],
    content: 'multipart', file: { field: 'media', filename: 'cover.png', type: 'image/png' },
    response: { errcode: 'optional', throwsOnErrcode: false, fields: [f('type', 'str'), f('media_id', 'str'), f('created_at', 'int')] }, source: 'developers.weixin.qq.com …/kf-mgnt/kf-message/api_uploadtempmedia' },
  { item: 'room_create', sdkMethod: 'createRoom sample', method: 'POST', path: `${P}create`, query: [T], content: 'json', contentType: CT,
    body: '{"name":"测试直播间","coverImg":"{{media}}","startTime":{{startTime}},"endTime":{{endTime}},"anchorName":"主播小王","anchorWechat":"wx_anchor","subAnchorWechat":"wx_sub","createrWechat":"wx_creator","shareImg":"{{media}}","feedsImg":"{{media}}","isFeedsPublic":1,"type":1,"closeLike":0,"closeGoods":0,"closeComment":0,"closeReplay":1,"closeShare":0,"closeKf":0}',
    response: { ...OK, fields: [f('roomId', 'int'), f('qrcode_url', 'str', 'optional')] }, source: `${DOC}WxaApiBroadcastRoomCreateRequest.json`,
    notes: ['the current sample has no screenType and no anchorImg (older samples had screenType)'] },
  { item: 'live_list', sdkMethod: 'getLiveInfo sample', method: 'POST', path: '/wxa/business/getliveinfo', query: [T], content: 'json', contentType: CT,
    body: '{"start":0,"limit":10}', setup: ['room_addgoods'], response: { ...OK, fields: ROOM_INFO }, source: `${BIZ}WxaBusinessGetLiveInfoResponse.json`,
    notes: ['room goods price here is in fen (sample 1889), unlike the goods API (yuan)'] },
  { item: 'live_replay', sdkMethod: 'getLiveInfo get_replay sample', method: 'POST', path: '/wxa/business/getliveinfo', query: [T], content: 'json', contentType: CT,
    body: '{"action":"get_replay","room_id":{{roomId}},"start":0,"limit":10}',
    response: { ...OK, fields: [f('errmsg', 'str'), f('total', 'int'), f('live_replay', 'array'), f('live_replay[].expire_time', 'str'), f('live_replay[].create_time', 'str'), f('live_replay[].media_url', 'str')] },
    source: `${BIZ}WxaBusinessGetLiveReplayRequest.json` },
  { item: 'room_delete', sdkMethod: 'deleteRoom sample', method: 'POST', path: `${P}deleteroom`, query: [T], content: 'json', contentType: CT, body: '{"id":{{roomId}}}', response: OK, source: `${DOC}WxaApiBroadcastRoomDeleteRoomRequest.json` },
  { item: 'room_edit', sdkMethod: 'editRoom sample', method: 'POST', path: `${P}editroom`, query: [T], content: 'json', contentType: CT,
    body: '{"id":{{roomId}},"name":"测试直播间改","coverImg":"{{media}}","startTime":{{startTime}},"endTime":{{endTime}},"anchorName":"主播小王","anchorWechat":"wx_anchor","shareImg":"{{media}}","closeLike":0,"closeGoods":0,"closeComment":0,"isFeedsPublic":0,"closeReplay":0,"closeShare":0,"closeKf":0,"feedsImg":"{{media}}"}',
    response: OK, source: `${DOC}WxaApiBroadcastRoomEditRoomRequest.json` },
  { item: 'room_pushurl', sdkMethod: 'getPushUrl sample', method: 'GET', path: `${P}getpushurl`, query: [T, R], content: 'none', response: { ...OK, fields: [f('pushAddr', 'str')] }, source: `${DOC}WxaApiBroadcastRoomGetPushUrlResponse.json` },
  { item: 'room_sharedcode', sdkMethod: 'getSharedCode sample', method: 'GET', path: `${P}getsharedcode`, query: [T, R, { name: 'params', wire: '%7B%22path%22%3A%22pages%2Findex%2Findex%22%7D', kind: 'raw' }], content: 'none',
    response: { ...OK, fields: [f('cdnUrl', 'str'), f('pagePath', 'str'), f('posterUrl', 'str')] }, source: `${DOC}WxaApiBroadcastRoomGetSharedCodeResponse.json` },
  { item: 'room_addgoods', sdkMethod: 'addGoods (import) sample', method: 'POST', path: `${P}addgoods`, query: [T], content: 'json', contentType: CT, body: '{"ids":[{{goodsId}},{{goodsId2}}],"roomId":{{roomId}}}', response: OK, source: `${DOC}RoomGoods/WxaApiBroadcastRoomAddGoodsRequest.json` },
  { item: 'assistant_add', sdkMethod: 'addAssistant sample', method: 'POST', path: `${P}addassistant`, query: [T], content: 'json', contentType: CT,
    body: '{"roomId":{{roomId}},"users":[{"username":"wx_helper","nickname":"小助手"}]}', response: OK, source: `${DOC}RoomAssistant/WxaApiBroadcastRoomAddAssistantRequest.json` },
  { item: 'assistant_modify', sdkMethod: 'modifyAssistant sample', method: 'POST', path: `${P}modifyassistant`, query: [T], content: 'json', contentType: CT,
    body: '{"roomId":{{roomId}},"username":"wx_helper","nickname":"新助手"}', setup: ['assistant_add'], response: OK, source: `${DOC}RoomAssistant/WxaApiBroadcastRoomModifyAssistantRequest.json` },
  { item: 'assistant_remove', sdkMethod: 'removeAssistant sample', method: 'POST', path: `${P}removeassistant`, query: [T], content: 'json', contentType: CT,
    body: '{"roomId":{{roomId}},"username":"wx_helper"}', setup: ['assistant_add'], response: OK, source: `${DOC}RoomAssistant/WxaApiBroadcastRoomRemoveAssistantRequest.json` },
  { item: 'assistant_list', sdkMethod: 'getAssistantList sample', method: 'GET', path: `${P}getassistantlist`, query: [T, R], content: 'none', setup: ['assistant_add'],
    response: { ...OK, fields: [f('list', 'array'), f('list[].timestamp', 'int'), f('list[].headimg', 'str'), f('list[].nickname', 'str'), f('list[].alias', 'str'), f('list[].openid', 'str'), f('count', 'int'), f('maxCount', 'int')] },
    source: `${DOC}RoomAssistant/WxaApiBroadcastRoomGetAssistantListResponse.json` },
  { item: 'subanchor_add', sdkMethod: 'addSubAnchor sample', method: 'POST', path: `${P}addsubanchor`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"username":"wx_sub"}', response: OK, source: `${DOC}RoomAnchor/WxaApiBroadcastRoomAddSubAnchorRequest.json` },
  { item: 'subanchor_modify', sdkMethod: 'modifySubAnchor sample', method: 'POST', path: `${P}modifysubanchor`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"username":"wx_sub2"}', setup: ['subanchor_add'], response: OK, source: `${DOC}RoomAnchor/WxaApiBroadcastRoomModifySubAnchorRequest.json` },
  { item: 'subanchor_delete', sdkMethod: 'deleteSubAnchor sample', method: 'POST', path: `${P}deletesubanchor`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}}}', setup: ['subanchor_add'], response: OK, source: `${DOC}RoomAnchor/WxaApiBroadcastRoomDeleteSubAnchorRequest.json` },
  { item: 'subanchor_get', sdkMethod: 'getSubAnchor sample', method: 'GET', path: `${P}getsubanchor`, query: [T, R], content: 'none', setup: ['subanchor_add'], response: { ...OK, fields: [f('username', 'str')] }, source: `${DOC}RoomAnchor/WxaApiBroadcastRoomGetSubAnchorResponse.json` },
  { item: 'room_feedpublic', sdkMethod: 'updateFeedPublic sample', method: 'POST', path: `${P}updatefeedpublic`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"isFeedsPublic":0}', response: OK, source: `${DOC}WxaApiBroadcastRoomUpdateFeedPublicRequest.json` },
  { item: 'room_replayswitch', sdkMethod: 'updateReplay sample', method: 'POST', path: `${P}updatereplay`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"closeReplay":0}', response: OK, source: `${DOC}WxaApiBroadcastRoomUpdateReplayRequest.json` },
  { item: 'room_kf', sdkMethod: 'updateKf sample', method: 'POST', path: `${P}updatekf`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"closeKf":0}', response: OK, source: `${DOC}WxaApiBroadcastRoomUpdateKfRequest.json` },
  { item: 'room_comment', sdkMethod: 'updateComment sample', method: 'POST', path: `${P}updatecomment`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"banComment":1}', response: OK, source: `${DOC}WxaApiBroadcastRoomUpdateCommentRequest.json` },
  { item: 'roomgoods_onsale', setup: ['room_addgoods'], sdkMethod: 'goods onsale sample', method: 'POST', path: `${G}onsale`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"goodsId":{{goodsId}},"onSale":0}', response: OK, source: `${DOC}RoomGoods/WxaApiBroadcastGoodsOnSaleRequest.json` },
  { item: 'roomgoods_delete', setup: ['room_addgoods'], sdkMethod: 'goods deleteInRoom sample', method: 'POST', path: `${G}deleteInRoom`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"goodsId":{{goodsId}}}', response: OK, source: `${DOC}RoomGoods/WxaApiBroadcastGoodsDeleteInRoomRequest.json` },
  { item: 'roomgoods_push', setup: ['room_addgoods'], sdkMethod: 'goods push sample', method: 'POST', path: `${G}push`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"goodsId":{{goodsId}}}', response: { ...OK, acceptErrcodes: [300023] }, source: `${DOC}RoomGoods/WxaApiBroadcastGoodsPushRequest.json` },
  { item: 'roomgoods_sort', setup: ['room_addgoods'], sdkMethod: 'goods sort sample', method: 'POST', path: `${G}sort`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"goods":[{"goodsId":"{{goodsId2}}"},{"goodsId":"{{goodsId}}"}]}', response: OK, source: `${DOC}RoomGoods/WxaApiBroadcastGoodsSortRequest.json` },
  { item: 'roomgoods_video', setup: ['room_addgoods'], sdkMethod: 'goods getVideo sample', method: 'POST', path: `${G}getVideo`, query: [T], content: 'json', contentType: CT, body: '{"roomId":{{roomId}},"goodsId":{{goodsId}}}',
    response: { ...OK, fields: [f('url', 'str')], acceptErrcodes: [300023, 300044, 300045] }, source: `${DOC}RoomGoods/WxaApiBroadcastGoodsGetVideoResponse.json` },
];

const PROBES: SdkCall[] = [
  { item: 'unknown_path', variant: 'unknown path → 40066', sdkMethod: 'POST /wxaapi/broadcast/room/nosuchcall', method: 'POST', path: `${P}nosuchcall`, query: [T], content: 'json', contentType: CT, body: '{"roomId":1}',
    response: { ...OK, expectErrcodes: [40066] }, source: 'wechatpy/wechatpy issue #289 (a wrong path answered "Error code: 40066, message: invalid url" after raise_for_status, i.e. HTTP 200 + JSON)' },
  { item: 'unknown_path', variant: 'GET on a POST call → 43002', sdkMethod: 'GET /wxaapi/broadcast/room/create', method: 'GET', path: `${P}create`, query: [T], content: 'none',
    response: { ...OK, expectErrcodes: [43002] }, source: 'WeChat global errcodes 43002 "require POST method"; binarywang/WxJava weixin-java-common/.../WxMpErrorMsgEnum.java CODE_43002' },
  { item: 'unknown_path', variant: 'POST on a GET call → 43001', sdkMethod: 'POST /wxaapi/broadcast/room/getpushurl', method: 'POST', path: `${P}getpushurl`, query: [T, R], content: 'json', contentType: CT, body: '{}',
    response: { ...OK, expectErrcodes: [43001] }, source: 'WeChat global errcodes 43001 "require GET method"; binarywang/WxJava weixin-java-common/.../WxMpErrorMsgEnum.java CODE_43001' },
];

export const WECHAT_SAMPLES: SdkProfile = {
  id: 'wechat-samples', name: "WeChat's documented samples", version: 'live API pages as of 2025', repo: 'fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat', commit: '92020d95b5f40c980cbeff5cb30bfd31ff6326ed',
  transport: {
    httpError: 'WeChat answers API errors with HTTP 200 and {errcode, errmsg}; a bare 404 breaks every SDK above',
    nonJson: 'never: every answer of api.weixin.qq.com is a JSON object (media downloads aside)',
    tokenRetry: 'n/a (40001/40014/42001 are what SDKs retry on)',
    tokenPlacement: 'query: ?access_token=ACCESS_TOKEN',
  },
  calls: [...ROOM_CALLS, ...SAMPLE_GOODS_CALLS, ...PROBES],
};
