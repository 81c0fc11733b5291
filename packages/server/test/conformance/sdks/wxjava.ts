/**
 * WxJava (binarywang/WxJava) 4.7.x, weixin-java-miniapp: WxMaLiveService / WxMaLiveGoodsService / WxMaLiveMemberService.
 * Bodies are Gson output (HTML escaping off, fields in declaration order, nulls left out); maps are java.util.HashMap,
 * so keys come in HashMap order — computed with a real JVM and Gson 2.10 (see docs/wechat-reference.md).
 */
import type { FieldRule, QueryParam, SdkCall, SdkProfile } from '../types.js';
import { WXJAVA_GOODS_CALLS } from './wxjava-goods.js';

const T: QueryParam = { name: 'access_token', wire: '{{token}}', kind: 'token' };
const JSON_CT = 'application/json; charset=utf-8';
/** WxMaLiveServiceImpl reads `jsonObject.get("errcode").getAsInt()` itself: no errcode → NullPointerException. */
const LIVE = { errcode: 'required', throwsOnErrcode: true } as const;
const SRC = 'binarywang/WxJava weixin-java-miniapp/src/main/java/cn/binarywang/wx/miniapp/api/impl/WxMaLiveServiceImpl.java';
const P = '/wxaapi/broadcast/room/';
const G = '/wxaapi/broadcast/goods/';

const ROOM_INFO: FieldRule[] = [
  { path: 'total', type: 'int~', presence: 'expected' },
  { path: 'room_info', type: 'array', presence: 'required' },
  { path: 'room_info[].roomid', type: 'int~', presence: 'expected' },
  { path: 'room_info[].name', type: 'str~', presence: 'expected' },
  { path: 'room_info[].cover_img', type: 'str~', presence: 'expected' },
  { path: 'room_info[].live_status', type: 'int~', presence: 'expected' },
  { path: 'room_info[].start_time', type: 'int~', presence: 'expected' },
  { path: 'room_info[].end_time', type: 'int~', presence: 'expected' },
  { path: 'room_info[].anchor_name', type: 'str~', presence: 'expected' },
  { path: 'room_info[].anchor_img', type: 'str~', presence: 'expected' },
  { path: 'room_info[].share_img', type: 'str~', presence: 'optional' },
  { path: 'room_info[].live_type', type: 'int~', presence: 'optional' },
  { path: 'room_info[].screen_type', type: 'int~', presence: 'optional' },
  { path: 'room_info[].close_like', type: 'int~', presence: 'optional' },
  { path: 'room_info[].close_goods', type: 'int~', presence: 'optional' },
  { path: 'room_info[].close_comment', type: 'int~', presence: 'optional' },
  { path: 'room_info[].close_kf', type: 'int~', presence: 'optional' },
  { path: 'room_info[].close_replay', type: 'int~', presence: 'optional' },
  { path: 'room_info[].is_feeds_public', type: 'int~', presence: 'optional' },
  { path: 'room_info[].creater_openid', type: 'str~', presence: 'optional' },
  { path: 'room_info[].feeds_img', type: 'str~', presence: 'optional' },
  { path: 'room_info[].goods', type: 'array', presence: 'expected' },
  { path: 'room_info[].goods[].cover_img', type: 'str~', presence: 'expected' },
  { path: 'room_info[].goods[].url', type: 'str~', presence: 'expected' },
  { path: 'room_info[].goods[].name', type: 'str~', presence: 'expected' },
  { path: 'room_info[].goods[].price', type: 'price~', presence: 'expected' },
  { path: 'room_info[].goods[].price2', type: 'price~', presence: 'optional' },
  { path: 'room_info[].goods[].price_type', type: 'int~', presence: 'optional' },
  { path: 'room_info[].goods[].goods_id', type: 'int~', presence: 'optional' },
];

const LIVE_CALLS: SdkCall[] = [
  { item: 'room_create', sdkMethod: 'WxMaLiveService.createRoom(WxMaLiveRoomInfo)', method: 'POST', path: `${P}create`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"name":"测试直播间","coverImg":"{{media}}","startTime":{{startTime}},"endTime":{{endTime}},"anchorName":"主播小王","anchorWechat":"wx_anchor","shareImg":"{{media}}","feedsImg":"{{media}}","anchorImg":"{{media}}","isFeedsPublic":1,"type":1,"screenType":0,"closeLike":0,"closeGoods":0,"closeComment":0,"closeReplay":0,"closeShare":0,"closeKf":0}',
    response: { ...LIVE, fields: [{ path: 'roomId', type: 'int~', presence: 'expected' }, { path: 'qrcode_url', type: 'str~', presence: 'optional' }] }, source: SRC,
    notes: ['errcode 300036 (anchor not verified) is not thrown: the result carries qrcode_url'] },
  { item: 'live_list', setup: ['room_addgoods'], sdkMethod: 'WxMaLiveService.getLiveInfo(0, 10)', method: 'POST', path: '/wxa/business/getliveinfo', query: [T], content: 'json', contentType: JSON_CT,
    body: '{"start":0,"limit":10}', response: { ...LIVE, fields: ROOM_INFO }, source: SRC,
    notes: ['getLiveInfos() pages with limit 80 and calls results.addAll(room_info): a missing room_info is a NullPointerException'] },
  { item: 'live_replay', sdkMethod: 'WxMaLiveService.getLiveReplay(roomId, 0, 10)', method: 'POST', path: '/wxa/business/getliveinfo', query: [T], content: 'json', contentType: JSON_CT,
    body: '{"room_id":{{roomId}},"start":0,"limit":10,"action":"get_replay"}',
    response: { ...LIVE, fields: [
      { path: 'total', type: 'int~', presence: 'expected' }, { path: 'live_replay', type: 'array', presence: 'expected' },
      { path: 'live_replay[].expire_time', type: 'str~', presence: 'expected' }, { path: 'live_replay[].create_time', type: 'str~', presence: 'expected' },
      { path: 'live_replay[].media_url', type: 'str~', presence: 'expected' }] }, source: SRC },
  { item: 'room_delete', sdkMethod: 'WxMaLiveService.deleteRoom(roomId)', method: 'POST', path: `${P}deleteroom`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"id":{{roomId}}}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'room_edit', sdkMethod: 'WxMaLiveService.editRoom(WxMaLiveRoomInfo)', method: 'POST', path: `${P}editroom`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"id":{{roomId}},"name":"测试直播间改","coverImg":"{{media}}","startTime":{{startTime}},"endTime":{{endTime}},"anchorName":"主播小王","anchorWechat":"wx_anchor","shareImg":"{{media}}","feedsImg":"{{media}}","isFeedsPublic":0,"closeLike":0,"closeGoods":0,"closeComment":0,"closeReplay":0,"closeShare":0,"closeKf":0}',
    response: { ...LIVE, fields: [] }, source: SRC, notes: ['the same bean as create: type/screenType/anchorImg go out too when the caller set them'] },
  { item: 'room_pushurl', sdkMethod: 'WxMaLiveService.getPushUrl(roomId)', method: 'GET', path: `${P}getpushurl`, query: [T, { name: 'roomId', wire: '{{roomId}}', kind: 'raw' }], content: 'none',
    response: { ...LIVE, fields: [{ path: 'pushAddr', type: 'str~', presence: 'required' }] }, source: SRC },
  { item: 'room_sharedcode', sdkMethod: 'WxMaLiveService.getSharedCode(roomId, params)', method: 'GET', path: `${P}getsharedcode`,
    query: [T, { name: 'params', wire: '%7B%22path%22%3A%22pages%2Findex%2Findex%22%7D', kind: 'raw' }, { name: 'roomId', wire: '{{roomId}}', kind: 'raw' }], content: 'none',
    response: { ...LIVE, fields: [{ path: 'cdnUrl', type: 'str~', presence: 'expected' }, { path: 'pagePath', type: 'str~', presence: 'expected' }, { path: 'posterUrl', type: 'str~', presence: 'expected' }] }, source: SRC,
    notes: ['query joined with Guava Joiner, not encoded: the caller\'s params (here encodeURIComponent of {"path":"pages/index/index"}) goes on the wire as is, so the server decodes it to JSON text'] },
  { item: 'room_addgoods', sdkMethod: 'WxMaLiveService.addGoodsToRoom(roomId, [goodsId, goodsId2])', method: 'POST', path: `${P}addgoods`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"ids":[{{goodsId}},{{goodsId2}}],"roomId":{{roomId}}}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'assistant_add', sdkMethod: 'WxMaLiveService.addAssistant(roomId, [WxMaLiveAssistantInfo])', method: 'POST', path: `${P}addassistant`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"users":[{"username":"wx_helper","nickname":"小助手"}]}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'assistant_modify', sdkMethod: 'WxMaLiveService.modifyAssistant(roomId, username, nickname)', method: 'POST', path: `${P}modifyassistant`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"nickname":"新助手","roomId":{{roomId}},"username":"wx_helper"}', setup: ['assistant_add'], response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'assistant_remove', sdkMethod: 'WxMaLiveService.removeAssistant(roomId, username)', method: 'POST', path: `${P}removeassistant`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"username":"wx_helper"}', setup: ['assistant_add'], response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'assistant_list', sdkMethod: 'WxMaLiveService.getAssistantList(roomId)', method: 'GET', path: `${P}getassistantlist`, query: [T, { name: 'roomId', wire: '{{roomId}}', kind: 'raw' }], content: 'none', setup: ['assistant_add'],
    response: { ...LIVE, fields: [
      { path: 'list', type: 'array', presence: 'expected' }, { path: 'list[].timestamp', type: 'int~', presence: 'expected' }, { path: 'list[].nickname', type: 'str~', presence: 'expected' },
      { path: 'list[].headimg', type: 'str~', presence: 'optional' }, { path: 'list[].alias', type: 'str~', presence: 'optional' }, { path: 'list[].openid', type: 'str~', presence: 'optional' },
      { path: 'count', type: 'int~', presence: 'optional' }, { path: 'maxCount', type: 'int~', presence: 'optional' }] }, source: SRC },
  { item: 'subanchor_add', sdkMethod: 'WxMaLiveService.addSubanchor(roomId, username)', method: 'POST', path: `${P}addsubanchor`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"username":"wx_sub"}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'subanchor_modify', sdkMethod: 'WxMaLiveService.modifySubanchor(roomId, username)', method: 'POST', path: `${P}modifysubanchor`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"username":"wx_sub"}', setup: ['subanchor_add'], response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'subanchor_delete', sdkMethod: 'WxMaLiveService.deleteSubanchor(roomId)', method: 'POST', path: `${P}deletesubanchor`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}}}', setup: ['subanchor_add'], response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'subanchor_get', sdkMethod: 'WxMaLiveService.getSubanchor(roomId)', method: 'GET', path: `${P}getsubanchor`, query: [T, { name: 'roomId', wire: '{{roomId}}', kind: 'raw' }], content: 'none', setup: ['subanchor_add'],
    response: { ...LIVE, fields: [{ path: 'username', type: 'str~', presence: 'required' }] }, source: SRC },
  { item: 'room_feedpublic', sdkMethod: 'WxMaLiveService.updatefeedpublic(roomId, 1)', method: 'POST', path: `${P}updatefeedpublic`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"isFeedsPublic":1}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'room_replayswitch', sdkMethod: 'WxMaLiveService.updatereplay(roomId, 1)', method: 'POST', path: `${P}updatereplay`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"closeReplay":1,"roomId":{{roomId}}}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'room_kf', sdkMethod: 'WxMaLiveService.updatekf(roomId, 1)', method: 'POST', path: `${P}updatekf`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"closeKf":1,"roomId":{{roomId}}}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'room_comment', sdkMethod: 'WxMaLiveService.updatecomment(roomId, 1)', method: 'POST', path: `${P}updatecomment`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"banComment":1}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'roomgoods_onsale', setup: ['room_addgoods'], sdkMethod: 'WxMaLiveService.onsale(roomId, goodsId, 0)', method: 'POST', path: `${G}onsale`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"onSale":0,"roomId":{{roomId}},"goodsId":{{goodsId}}}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'roomgoods_delete', setup: ['room_addgoods'], sdkMethod: 'WxMaLiveService.deleteInRoom(roomId, goodsId)', method: 'POST', path: `${G}deleteInRoom`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"goodsId":{{goodsId}}}', response: { ...LIVE, fields: [] }, source: SRC },
  { item: 'roomgoods_push', setup: ['room_addgoods'], sdkMethod: 'WxMaLiveService.push(roomId, goodsId)', method: 'POST', path: `${G}push`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"goodsId":{{goodsId}}}', response: { ...LIVE, fields: [], acceptErrcodes: [300023] }, source: SRC },
  { item: 'roomgoods_sort', setup: ['room_addgoods'], sdkMethod: 'WxMaLiveService.sort(roomId, [{goodsId:"…"}, …])', method: 'POST', path: `${G}sort`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"goods":[{"goodsId":"{{goodsId2}}"},{"goodsId":"{{goodsId}}"}],"roomId":{{roomId}}}', response: { ...LIVE, fields: [] }, source: SRC,
    notes: ['List<Map<String,String>>: goodsId travels as a JSON string'] },
  { item: 'roomgoods_video', setup: ['room_addgoods'], sdkMethod: 'WxMaLiveService.getVideo(roomId, goodsId)', method: 'POST', path: `${G}getVideo`, query: [T], content: 'json', contentType: JSON_CT,
    body: '{"roomId":{{roomId}},"goodsId":{{goodsId}}}', response: { ...LIVE, fields: [{ path: 'url', type: 'str~', presence: 'required' }], acceptErrcodes: [300023, 300044, 300045] }, source: SRC },
];

const AUTH_CALLS: SdkCall[] = [
  { item: 'token', sdkMethod: 'WxMaService.getAccessToken()', method: 'GET', path: '/cgi-bin/token',
    query: [{ name: 'grant_type', wire: 'client_credential', kind: 'raw' }, { name: 'appid', wire: '{{appid}}', kind: 'raw' }, { name: 'secret', wire: '{{secret}}', kind: 'raw' }], content: 'none',
    response: { errcode: 'optional', throwsOnErrcode: true, fields: [{ path: 'access_token', type: 'str~', presence: 'required' }, { path: 'expires_in', type: 'int~', presence: 'expected' }] },
    source: 'binarywang/WxJava weixin-java-miniapp/src/main/java/cn/binarywang/wx/miniapp/api/impl/WxMaServiceHttpClientImpl.java (doGetAccessTokenRequest)',
    notes: ['BasicResponseHandler: HTTP ≥ 300 is an HttpResponseException → WxRuntimeException'] },
  { item: 'stable_token', sdkMethod: 'WxMaService.getAccessToken() with config.useStableAccessToken(true)', method: 'POST', path: '/cgi-bin/stable_token', query: [], content: 'json', contentType: 'application/json; charset=UTF-8',
    body: '{"grant_type":"client_credential","appid":"{{appid}}","secret":"{{secret}}","force_refresh":false}',
    response: { errcode: 'optional', throwsOnErrcode: true, fields: [{ path: 'access_token', type: 'str~', presence: 'required' }, { path: 'expires_in', type: 'int~', presence: 'expected' }] },
    source: 'binarywang/WxJava weixin-java-miniapp/src/main/java/cn/binarywang/wx/miniapp/bean/WxMaStableAccessTokenRequest.java' },
  { item: 'media_upload', sdkMethod: 'WxMaMediaService.uploadMedia("image", file)', method: 'POST', path: '/cgi-bin/media/upload',
    query: [{ name: 'type', wire: 'image', kind: 'raw' }, T], content: 'multipart', file: { field: 'media', filename: 'cover.png', type: 'application/octet-stream' },
    response: { errcode: 'optional', throwsOnErrcode: true, fields: [{ path: 'media_id', type: 'str~', presence: 'expected' }, { path: 'type', type: 'str~', presence: 'expected' }, { path: 'created_at', type: 'int~', presence: 'expected' }] },
    source: 'binarywang/WxJava weixin-java-miniapp/src/main/java/cn/binarywang/wx/miniapp/api/impl/WxMaMediaServiceImpl.java' },
  { item: 'apply_live', sdkMethod: 'WxOpenMaService.applyLiveInfo() (weixin-java-open)', method: 'POST', path: '/wxa/business/applyliveinfo', query: [T], content: 'json', contentType: JSON_CT,
    body: '{"action":"apply"}', response: { errcode: 'optional', throwsOnErrcode: true, fields: [] },
    source: 'binarywang/WxJava weixin-java-open/src/main/java/me/chanjar/weixin/open/api/impl/WxOpenMaServiceImpl.java' },
];

export const WXJAVA: SdkProfile = {
  id: 'wxjava', name: 'WxJava weixin-java-miniapp', version: '4.7.2.B', repo: 'binarywang/WxJava', commit: '3e48dc7f8378f919f734bc08ff1abd78720d9861',
  transport: {
    httpError: 'Utf8ResponseHandler: status ≥ 300 → HttpResponseException (IOException) → WxRuntimeException; the body is not read',
    nonJson: 'WxError.fromJson (Gson) throws JsonSyntaxException (unchecked); an empty body → WxErrorException("无响应内容")',
    tokenRetry: '40001/40014/42001 → token expired, fetched again, call retried once; -1 → retried with 1 s × 2^n back-off up to maxRetryTimes (5)',
    tokenPlacement: 'query, first: ?access_token=… then &other=…',
  },
  calls: [...AUTH_CALLS, ...LIVE_CALLS, ...WXJAVA_GOODS_CALLS],
};
