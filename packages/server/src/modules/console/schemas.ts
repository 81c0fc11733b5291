/**
 * OpenAPI descriptions of the console's API (http/route-docs.ts). Every route but login, session and the operator's
 * password reset needs the session cookie; every state-changing one the `x-csrf-token` header (docs/console.md).
 */
import { anyObj, APPID, arr, bool, int, LIVE_STATUS, obj, OK, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const account = obj({ id: int(), login: str(), name: str(), role: str(undefined, { enum: ['operator', 'merchant'] }) });
const session = obj({ account, csrf: str('send as x-csrf-token'), expiresAt: int('ms epoch') });
const appParam = { appid: APPID };
const roomParam = { id: ROOM_ID };
const goodsParam = { id: ROOM_ID, gid: int('goods id') };
const summary = obj({
  id: ROOM_ID, appid: APPID, name: str(), coverImg: str(), anchorName: str(), anchorImg: str(), startTime: int(), endTime: int(), status: LIVE_STATUS, statusName: str(),
});
const push = obj({ pushUrl: str(), server: str(), streamKey: str(), media: obj({ flv: str(), wsFlv: str(), hls: str() }) });
const roomForm = anyObj("WeChat's room fields (name, coverImg, shareImg, startTime, endTime, anchorName, …; images as media_id)");
const goodsView = obj({ id: int(), name: str(), coverImg: str(), priceType: int(), price: int('fen'), price2: int('fen'), url: str(), auditStatus: int() });

export const ROUTE_DOCS: RouteDocs = {
  'POST /console/api/login': { summary: 'Sign in (sets the session cookie)', body: obj({ login: str(), password: str() }, ['login', 'password']), response: session },
  'GET /console/api/session': { summary: 'The current session (401 when signed out)', response: obj({ account, csrf: str(), expiresAt: int(), sdkVersion: str() }) },
  'POST /console/api/logout': { summary: 'Sign out', response: OK },
  'POST /console/api/password': { summary: 'Change the own password (ends other sessions)', body: obj({ current: str(), next: str() }, ['current', 'next']), response: obj({ csrf: str() }) },
  'GET /console/api/accounts': { summary: 'Accounts (operator only)', response: arr(obj({ id: int(), login: str(), name: str(), role: str(), created_at: int(), apps: int() })) },
  'POST /console/api/accounts': {
    summary: 'Create an account (operator only); a generated password is answered once',
    body: obj({ login: str(), name: str(), role: str(), password: str() }, ['login']), response: obj({ account, password: str() }),
  },
  'POST /console/api/accounts/{id}/password': { summary: "Reset an account's password (operator only)", params: { id: int() }, response: obj({ account, password: str() }) },
  'POST /console/api/operator/reset-password': {
    summary: "Reset the operator's password with the admin token (zhibo operator reset-password)", body: obj({ login: str() }), response: obj({ login: str(), password: str() }),
  },
  'GET /console/api/apps': { summary: 'Apps this account may see', response: arr(obj({ appid: APPID, name: str(), created_at: int(), owner: { type: ['string', 'null'] }, mine: bool() })) },
  'POST /console/api/apps': { summary: 'Create an app (the secret is shown once)', body: obj({ name: str() }, ['name']), response: obj({ appid: APPID, appsecret: str() }) },
  'GET /console/api/apps/{appid}': {
    summary: 'An app: settings, quota, reminder settings, versions, URLs', params: appParam,
    response: obj({ appid: APPID, name: str(), created_at: int(), settings: anyObj(), quota: anyObj(), reminders: anyObj(), versions: anyObj(), urls: anyObj() }),
  },
  'PUT /console/api/apps/{appid}/settings': { summary: "Save an app's settings", params: appParam, body: anyObj('goodsBaseUrl, homeUrl, minSdkVersion, dailyQuota, reminders'), response: OK },
  'POST /console/api/apps/{appid}/secret': { summary: "Reset an app's secret (shown once)", params: appParam, response: obj({ appid: APPID, appsecret: str() }) },
  'POST /console/api/apps/{appid}/images': {
    summary: 'Upload an image for a form field; answers a media_id', params: appParam,
    query: { kind: str(undefined, { enum: ['coverImg', 'shareImg', 'feedsImg', 'anchorImg', 'goodsImg'] }) }, required: ['kind'],
    body: obj({ file: str(undefined, { contentMediaType: 'application/octet-stream' }) }, ['file']), bodyType: 'multipart/form-data',
    response: obj({ mediaId: str(), bytes: int() }),
  },
  'GET /console/api/apps/{appid}/rooms': { summary: "An app's rooms", params: appParam, response: obj({ rooms: arr(summary), total: int() }) },
  'POST /console/api/apps/{appid}/rooms': { summary: 'Create a room', params: appParam, body: roomForm, response: obj({ id: ROOM_ID }) },
  'GET /console/api/rooms/{id}': { summary: 'A room with its push URL and media URLs', params: roomParam, response: { allOf: [summary, push, anyObj('and every room field')] } },
  'PUT /console/api/rooms/{id}': { summary: 'Edit a room that has not started', params: roomParam, body: roomForm, response: OK },
  'DELETE /console/api/rooms/{id}': { summary: 'Delete a room', params: roomParam, response: OK },
  'POST /console/api/rooms/{id}/status': {
    summary: 'Pause, resume or end the room', params: roomParam, body: obj({ action: str(undefined, { enum: ['pause', 'resume', 'end'] }) }, ['action']),
    response: obj({ status: LIVE_STATUS, statusName: str(), changed: bool() }),
  },
  'POST /console/api/rooms/{id}/stream-key': { summary: 'A new stream key (whoever publishes with the old one is kicked)', params: roomParam, response: push },
  'GET /console/api/rooms/{id}/timeline': { summary: "The room's status history", params: roomParam, response: arr(anyObj('from_status, to_status, toName, cause, actor, at')) },
  'GET /console/api/rooms/{id}/replays': { summary: "The room's replay segments", params: roomParam, response: arr(anyObj('session_id, status, started_at, ended_at, duration_sec, url, …')) },
  'GET /console/api/apps/{appid}/goods': { summary: "An app's goods library", params: appParam, response: obj({ goods: arr(goodsView), total: int() }) },
  'POST /console/api/apps/{appid}/goods': {
    summary: 'Add goods (prices as yuan text)', params: appParam,
    body: obj({ name: str(), coverImg: str('media_id'), priceType: int(), price: str('yuan'), price2: str('yuan'), url: str() }, ['name', 'coverImg', 'price', 'url']),
    response: obj({ id: int() }),
  },
  'DELETE /console/api/apps/{appid}/goods/{gid}': { summary: 'Delete goods', params: { appid: APPID, gid: int() }, response: OK },
  'GET /console/api/rooms/{id}/goods': { summary: "The room's shelf and the product shown now", params: roomParam, response: obj({ goods: arr(goodsView), presented: { type: ['integer', 'null'] } }) },
  'POST /console/api/rooms/{id}/goods': { summary: 'Put goods on the shelf', params: roomParam, body: obj({ ids: arr(int()) }, ['ids']), response: OK },
  'POST /console/api/rooms/{id}/goods/{gid}/sale': { summary: 'On or off sale', params: goodsParam, body: obj({ onSale: bool() }, ['onSale']), response: OK },
  'DELETE /console/api/rooms/{id}/goods/{gid}': { summary: 'Take goods off the shelf', params: goodsParam, response: OK },
  'PUT /console/api/rooms/{id}/goods/order': { summary: 'Order the shelf', params: roomParam, body: obj({ ids: arr(int()) }, ['ids']), response: OK },
  'POST /console/api/rooms/{id}/present': { summary: 'Show a product card to every viewer (0 takes it down)', params: roomParam, body: obj({ goodsId: int() }), response: obj({ presented: anyObj() }) },
  'GET /console/api/rooms/{id}/live': { summary: 'The live desk: numbers and the comment stream (polled)', params: roomParam, response: obj({ status: LIVE_STATUS, serverTime: int() }) },
  'POST /console/api/rooms/{id}/comments/{cid}/delete': { summary: 'Delete a comment', params: { id: ROOM_ID, cid: str('comment id') }, response: OK },
  'POST /console/api/rooms/{id}/mute': { summary: 'Mute or unmute a viewer', params: roomParam, body: obj({ openid: str(), mute: bool() }, ['openid', 'mute']), response: OK },
  'POST /console/api/rooms/{id}/comments-switch': { summary: 'Close or open comments', params: roomParam, body: obj({ closed: bool() }, ['closed']), response: OK },
  'GET /console/api/rooms/{id}/share': {
    summary: 'Share links: code image, poster, article card, plain link, page path', params: roomParam, query: { customParams: str('JSON, ≤ 600 characters') }, response: anyObj(),
  },
  'GET /console/api/rooms/{id}/stats': { summary: "The room's numbers (viewers, likes, comments, entries, goods taps, reminders)", params: roomParam, response: anyObj() },
  'GET /console/api/rooms/{id}/stats.csv': { summary: "The room's numbers as CSV (UTF-8 with BOM)", params: roomParam, responseType: 'text/csv' },
  'GET /console': { summary: 'Redirects to /console/', status: 302 },
  'GET /console/': { summary: 'The merchant console (single-page app)', responseType: 'text/html' },
  'GET /console/assets/{file}': { summary: "The console's bundle", params: { file: str('console.js, console.css, and their maps') }, responseType: 'text/javascript' },
};
