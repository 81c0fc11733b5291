/**
 * OpenAPI descriptions of the console's API (http/route-docs.ts). Every route but login, session and the operator's
 * password reset needs the session cookie; every state-changing one the `x-csrf-token` header (docs/console.md).
 */
import {
  anyObj,
  APPID,
  arr,
  bool,
  COMMENT,
  int,
  LIVE_STATUS,
  nullable,
  num,
  obj,
  OK,
  ROOM_ID,
  type RouteDocs,
  str,
} from '../../http/route-docs.js';

const account = obj({ id: int(), login: str(), name: str(), role: str(undefined, { enum: ['operator', 'merchant'] }) });
const session = obj({ account, csrf: str('send as x-csrf-token'), expiresAt: int('ms epoch') });
const appParam = { appid: APPID };
const roomParam = { id: ROOM_ID };
const goodsParam = { id: ROOM_ID, gid: int('goods id') };
const summary = obj({
  id: ROOM_ID,
  appid: APPID,
  name: str(),
  coverImg: str(),
  anchorName: str(),
  anchorImg: str(),
  startTime: int(),
  endTime: int(),
  status: LIVE_STATUS,
  statusName: str(),
});
const push = obj({ pushUrl: str(), server: str(), streamKey: str(), media: obj({ flv: str(), wsFlv: str(), hls: str() }) });
const roomForm = anyObj("WeChat's room fields (name, coverImg, shareImg, startTime, endTime, anchorName, …; images as media_id)");
const goodsView = obj({
  id: int(),
  name: str(),
  coverImg: str(),
  priceType: int(),
  price: int('fen'),
  price2: int('fen'),
  url: str(),
  auditStatus: int('0 unreviewed, 1 in review, 2 approved, 3 rejected'),
  auditId: int(),
  auditReason: str('why the operator rejected it'),
  thirdPartyTag: int('0 made in the console, 2 by the WeChat API'),
});
const gidParam = { appid: APPID, gid: int('goods id') };
const USERNAME = str('WeChat id');
const SWITCH = int(undefined, { enum: [0, 1] });
const health = obj(
  {
    stream: nullable(
      anyObj(
        'null when nobody publishes; else uptimeSec, bitrateKbps, videoKbps, audioKbps, fps, keyframeIntervalSec, video, audio, encoder, lateMs, stalls, …',
      ),
    ),
    warnings: arr(
      obj({
        code: str(undefined, { enum: ['keyframe_interval', 'late', 'low_fps', 'no_audio', 'codec', 'no_data'] }),
        message: str("in the anchor's words"),
      }),
    ),
    refused: arr(obj({ at: int('ms epoch'), reason: str(), from: str("the encoder's address") }), 'the last refused pushes'),
  },
  ['stream', 'warnings', 'refused'],
);
const marker = obj({
  id: int(),
  goods_id: int(),
  name: str(),
  start: num('seconds of the replay'),
  end: num('seconds of the replay'),
  origin: str('live: presented during the live; merchant: added after', { enum: ['live', 'merchant'] }),
  edited: bool(),
  clip: obj({
    status: str(undefined, { enum: ['pending', 'ready', 'failed'] }),
    url: nullable(str()),
    duration: nullable(num()),
    error: nullable(str()),
  }),
});
const markerBody = obj({
  goods_id: int("one of the app's goods"),
  start: num('seconds, within the replay'),
  end: num('seconds, ≥ start + 1, within the replay'),
});
const assistantWho = obj({
  assistant: obj({ username: str(), nickname: str() }),
  room: obj({ id: ROOM_ID, name: str(), anchorName: str(), coverImg: str() }),
  csrf: str('send as x-csrf-token'),
});
const ASSISTANT =
  "The room assistant's phone desk: the assistant's own cookie (zhibo_assistant, one room) from sign-in; changes need x-csrf-token and a same-origin Origin";

export const ROUTE_DOCS: RouteDocs = {
  'POST /console/api/login': {
    summary: 'Sign in (sets the session cookie)',
    body: obj({ login: str(), password: str() }, ['login', 'password']),
    response: session,
  },
  'GET /console/api/session': {
    summary: 'The current session (401 when signed out)',
    response: obj({ account, csrf: str(), expiresAt: int(), sdkVersion: str() }),
  },
  'POST /console/api/logout': { summary: 'Sign out', response: OK },
  'POST /console/api/password': {
    summary: 'Change the own password (ends other sessions)',
    body: obj({ current: str(), next: str() }, ['current', 'next']),
    response: obj({ csrf: str() }),
  },
  'GET /console/api/accounts': {
    summary: 'Accounts (operator only)',
    response: arr(obj({ id: int(), login: str(), name: str(), role: str(), created_at: int(), apps: int() })),
  },
  'POST /console/api/accounts': {
    summary: 'Create an account (operator only); a generated password is answered once',
    body: obj({ login: str(), name: str(), role: str(), password: str() }, ['login']),
    response: obj({ account, password: str() }),
  },
  'POST /console/api/accounts/{id}/password': {
    summary: "Reset an account's password (operator only)",
    params: { id: int() },
    response: obj({ account, password: str() }),
  },
  'POST /console/api/operator/reset-password': {
    summary: "Reset the operator's password with the admin token (zhibo operator reset-password)",
    body: obj({ login: str() }),
    response: obj({ login: str(), password: str() }),
  },
  'GET /console/api/apps': {
    summary: 'Apps this account may see',
    response: arr(obj({ appid: APPID, name: str(), created_at: int(), owner: { type: ['string', 'null'] }, mine: bool() })),
  },
  'POST /console/api/apps': {
    summary: 'Create an app (the secret is shown once)',
    body: obj({ name: str() }, ['name']),
    response: obj({ appid: APPID, appsecret: str() }),
  },
  'GET /console/api/apps/{appid}': {
    summary: 'An app: settings, quota, reminder settings, versions, URLs',
    params: appParam,
    response: obj({
      appid: APPID,
      name: str(),
      created_at: int(),
      settings: anyObj(),
      quota: anyObj(),
      reminders: anyObj(),
      versions: anyObj(),
      urls: anyObj(),
    }),
  },
  'PUT /console/api/apps/{appid}/settings': {
    summary: "Save an app's settings",
    params: appParam,
    body: anyObj('goodsBaseUrl, homeUrl, minSdkVersion, dailyQuota, reminders'),
    response: OK,
  },
  'POST /console/api/apps/{appid}/secret': {
    summary: "Reset an app's secret (shown once)",
    params: appParam,
    response: obj({ appid: APPID, appsecret: str() }),
  },
  'POST /console/api/apps/{appid}/images': {
    summary: 'Upload an image for a form field; answers a media_id',
    params: appParam,
    query: { kind: str(undefined, { enum: ['coverImg', 'shareImg', 'feedsImg', 'anchorImg', 'goodsImg'] }) },
    required: ['kind'],
    body: obj({ file: str(undefined, { contentMediaType: 'application/octet-stream' }) }, ['file']),
    bodyType: 'multipart/form-data',
    response: obj({ mediaId: str(), bytes: int() }),
  },
  'GET /console/api/apps/{appid}/rooms': {
    summary: "An app's rooms",
    params: appParam,
    response: obj({ rooms: arr(summary), total: int() }),
  },
  'POST /console/api/apps/{appid}/rooms': { summary: 'Create a room', params: appParam, body: roomForm, response: obj({ id: ROOM_ID }) },
  'GET /console/api/rooms/{id}': {
    summary: 'A room with its push URL and media URLs',
    params: roomParam,
    response: { allOf: [summary, push, anyObj('and every room field')] },
  },
  'PUT /console/api/rooms/{id}': { summary: 'Edit a room that has not started', params: roomParam, body: roomForm, response: OK },
  'DELETE /console/api/rooms/{id}': { summary: 'Delete a room', params: roomParam, response: OK },
  'POST /console/api/rooms/{id}/status': {
    summary: 'Pause, resume or end the room',
    params: roomParam,
    body: obj({ action: str(undefined, { enum: ['pause', 'resume', 'end'] }) }, ['action']),
    response: obj({ status: LIVE_STATUS, statusName: str(), changed: bool() }),
  },
  'POST /console/api/rooms/{id}/stream-key': {
    summary: 'A new stream key (whoever publishes with the old one is kicked)',
    params: roomParam,
    response: push,
  },
  'GET /console/api/rooms/{id}/timeline': {
    summary: "The room's status history",
    params: roomParam,
    response: arr(anyObj('from_status, to_status, toName, cause, actor, at')),
  },
  'GET /console/api/rooms/{id}/replays': {
    summary: "The room's replay segments",
    params: roomParam,
    response: arr(anyObj('session_id, status, started_at, ended_at, duration_sec, url, …')),
  },
  'GET /console/api/apps/{appid}/goods': {
    summary: "An app's goods library",
    params: appParam,
    response: obj({ goods: arr(goodsView), total: int() }),
  },
  'POST /console/api/apps/{appid}/goods': {
    summary: 'Add goods (prices as yuan text)',
    params: appParam,
    body: obj({ name: str(), coverImg: str('media_id'), priceType: int(), price: str('yuan'), price2: str('yuan'), url: str() }, [
      'name',
      'coverImg',
      'price',
      'url',
    ]),
    response: obj({ id: int() }),
  },
  'DELETE /console/api/apps/{appid}/goods/{gid}': { summary: 'Delete goods', params: { appid: APPID, gid: int() }, response: OK },
  'GET /console/api/rooms/{id}/goods': {
    summary: "The room's shelf and the product shown now",
    params: roomParam,
    response: obj({ goods: arr(goodsView), presented: { type: ['integer', 'null'] } }),
  },
  'POST /console/api/rooms/{id}/goods': {
    summary: 'Put goods on the shelf',
    params: roomParam,
    body: obj({ ids: arr(int()) }, ['ids']),
    response: OK,
  },
  'POST /console/api/rooms/{id}/goods/{gid}/sale': {
    summary: 'On or off sale',
    params: goodsParam,
    body: obj({ onSale: bool() }, ['onSale']),
    response: OK,
  },
  'DELETE /console/api/rooms/{id}/goods/{gid}': { summary: 'Take goods off the shelf', params: goodsParam, response: OK },
  'PUT /console/api/rooms/{id}/goods/order': {
    summary: 'Order the shelf',
    params: roomParam,
    body: obj({ ids: arr(int()) }, ['ids']),
    response: OK,
  },
  'POST /console/api/rooms/{id}/present': {
    summary: 'Show a product card to every viewer (0 takes it down)',
    params: roomParam,
    body: obj({ goodsId: int() }),
    response: obj({ presented: anyObj() }),
  },
  'GET /console/api/rooms/{id}/live': {
    summary: 'The live desk: numbers and the comment stream (polled)',
    params: roomParam,
    response: obj({ status: LIVE_STATUS, serverTime: int() }),
  },
  'POST /console/api/rooms/{id}/comments/{cid}/delete': {
    summary: 'Delete a comment',
    params: { id: ROOM_ID, cid: str('comment id') },
    response: OK,
  },
  'POST /console/api/rooms/{id}/mute': {
    summary: 'Mute or unmute a viewer',
    params: roomParam,
    body: obj({ openid: str(), mute: bool() }, ['openid', 'mute']),
    response: OK,
  },
  'POST /console/api/rooms/{id}/comments-switch': {
    summary: 'Close or open comments',
    params: roomParam,
    body: obj({ closed: bool() }, ['closed']),
    response: OK,
  },
  'GET /console/api/rooms/{id}/share': {
    summary: 'Share links: code image, poster, article card, plain link, page path',
    params: roomParam,
    query: { customParams: str('JSON, ≤ 600 characters') },
    response: anyObj(),
  },
  'GET /console/api/rooms/{id}/stats': {
    summary: "The room's numbers (viewers, likes, comments, entries, goods taps, reminders)",
    params: roomParam,
    response: anyObj(),
  },
  'GET /console/api/rooms/{id}/stats.csv': {
    summary: "The room's numbers as CSV (UTF-8 with BOM)",
    params: roomParam,
    responseType: 'text/csv',
  },
  'GET /console': { summary: 'Redirects to /console/', status: 302 },
  'GET /console/': { summary: 'The merchant console (single-page app)', responseType: 'text/html' },
  'GET /console/assets/{file}': {
    summary: "The console's bundle",
    params: { file: str('console.js, console.css, and their maps') },
    responseType: 'text/javascript',
  },
  'GET /console/api/review': {
    summary: "The operator's review queue: goods in review, oldest first, every app (or ?appid=)",
    query: { appid: APPID },
    response: obj({ goods: arr({ allOf: [goodsView, obj({ appid: APPID, appName: str(), submittedAt: int('ms epoch') })] }) }),
  },
  'POST /console/api/apps/{appid}/goods/{gid}/review': {
    summary: 'Approve goods in review, or reject them with a reason the merchant sees (operator only)',
    params: gidParam,
    body: obj({ approve: bool(), reason: str('1–200 characters; required to reject') }, ['approve']),
    response: OK,
  },
  'PUT /console/api/apps/{appid}/goods/{gid}': {
    summary: "Edit goods under WeChat's review rules (in review: nothing; approved: prices only; otherwise every field)",
    params: gidParam,
    body: obj({ name: str(), coverImg: str('media_id'), priceType: int(), price: str('yuan'), price2: str('yuan'), url: str() }),
    response: OK,
  },
  'POST /console/api/apps/{appid}/goods/{gid}/withdraw': { summary: 'Withdraw the review in progress', params: gidParam, response: OK },
  'POST /console/api/apps/{appid}/goods/{gid}/submit': {
    summary: 'Submit goods for review again',
    params: gidParam,
    response: obj({ auditId: int() }, ['auditId']),
  },
  'GET /console/api/apps/{appid}/goods/{gid}/audits': {
    summary: 'The review submissions of goods, newest first (at most 50)',
    params: gidParam,
    response: obj({
      audits: arr(
        obj({
          id: int(),
          submitted_at: int('ms epoch'),
          state: str(),
          decided_at: nullable(int()),
          decided_by: nullable(str()),
          reason: str(),
        }),
      ),
    }),
  },
  'GET /console/api/apps/{appid}/followers': {
    summary: "The app's followers (100 a page, continue with ?after=page_break), their count and the last go-live messages",
    params: appParam,
    query: { after: int('page_break of the previous page', { minimum: 0 }) },
    response: obj({
      followers: arr(obj({ openid: str(), subscribe_time: int('unix seconds'), room_status: int(), room_id: int() })),
      page_break: int(),
      total: int(),
      messages: arr(
        obj({
          message_id: str(),
          room_id: ROOM_ID,
          total_count: int(),
          followers: int(),
          created_at: int('ms epoch'),
          reported_at: nullable(int('ms epoch')),
        }),
      ),
    }),
  },
  'POST /console/api/apps/{appid}/followers/push': {
    summary: "Send a live room's go-live message to the app's followers (the first 2000; WeChat's push_message)",
    params: appParam,
    body: obj({ roomId: ROOM_ID }, ['roomId']),
    response: obj({ messageId: str() }, ['messageId']),
  },
  'GET /console/api/rooms/{id}/health': {
    summary: "The pushed stream's health: numbers, warnings, refused pushes",
    params: roomParam,
    response: health,
  },
  'POST /console/api/rooms/{id}/comments': {
    summary: 'Talk to the room as the anchor (a badged comment; not after the live is over)',
    params: roomParam,
    body: obj({ text: str() }, ['text']),
    response: COMMENT,
  },
  'POST /console/api/rooms/{id}/notice': {
    summary: 'Pin a notice above the chat (empty or null unpins)',
    params: roomParam,
    body: obj({ text: nullable(str()) }),
    response: obj({ notice: nullable(str()) }, ['notice']),
  },
  'POST /console/api/rooms/{id}/anchor-link': {
    summary: 'A one-time sign-in link (and its QR code) for the anchor page on a phone (409 when WHIP is off)',
    params: roomParam,
    response: obj({ url: str(), expiresAt: int('ms epoch'), expiresInMs: int(), qr: str('data: URL of an SVG') }, [
      'url',
      'expiresAt',
      'expiresInMs',
      'qr',
    ]),
  },
  'GET /console/api/rooms/{id}/members': {
    summary: "A room's assistants, sub-anchor (with its push URL) and switches",
    params: roomParam,
    response: obj({
      assistants: arr(obj({ timestamp: int(), headimg: str(), nickname: str(), alias: str(), openid: str(), username: str() })),
      subAnchor: nullable(obj({ username: str(), pushUrl: str() })),
      switches: obj({ isFeedsPublic: SWITCH, closeReplay: SWITCH, closeKf: SWITCH }),
    }),
  },
  'POST /console/api/rooms/{id}/assistants': {
    summary: 'Add an assistant to the room (at most 10)',
    params: roomParam,
    body: obj({ username: USERNAME, nickname: str('1–32 characters') }, ['username', 'nickname']),
    response: OK,
  },
  'POST /console/api/rooms/{id}/assistants/{username}/delete': {
    summary: 'Remove an assistant (its sessions end)',
    params: { id: ROOM_ID, username: USERNAME },
    response: OK,
  },
  'POST /console/api/rooms/{id}/assistants/{username}/link': {
    summary: "A signed sign-in link for the assistant's phone",
    params: { id: ROOM_ID, username: USERNAME },
    body: obj({ hours: num('1–168, default 24') }),
    response: obj({ url: str('/console/assistant/#t=…'), expiresAt: int('ms epoch') }, ['url', 'expiresAt']),
  },
  'POST /console/api/rooms/{id}/assistants/{username}/revoke': {
    summary: 'Every link handed out to the assistant stops working; its phones are signed out',
    params: { id: ROOM_ID, username: USERNAME },
    response: OK,
  },
  'PUT /console/api/rooms/{id}/subanchor': {
    summary: "Set or replace the sub-anchor (a new push key); '' or null removes it",
    params: roomParam,
    body: obj({ username: nullable(str()) }, ['username']),
    response: OK,
  },
  'POST /console/api/rooms/{id}/switches': {
    summary: "Set any of the room's switches (opening customer service needs the app's kfUrl)",
    params: roomParam,
    body: obj({ isFeedsPublic: SWITCH, closeReplay: SWITCH, closeKf: SWITCH }),
    response: OK,
  },
  'GET /console/api/apps/{appid}/roles': {
    summary: "The app's members with their roles (role/getrolelist)",
    params: appParam,
    query: {
      role: int('-1 all (default), 1 admin, 2 anchor, 3 operator'),
      offset: int(undefined, { minimum: 0 }),
      limit: int('default 30', { minimum: 1, maximum: 30 }),
      keyword: str(),
    },
    response: obj({
      total: int(),
      list: arr(obj({ headingimg: str(), nickname: str(), openid: str(), roleList: arr(int()), updateTimestamp: str(), username: str() })),
    }),
  },
  'POST /console/api/apps/{appid}/roles': {
    summary: 'Give a WeChat id a role',
    params: appParam,
    body: obj({ username: USERNAME, role: int('1 admin, 2 anchor, 3 operator', { enum: [1, 2, 3] }) }, ['username', 'role']),
    response: OK,
  },
  'POST /console/api/apps/{appid}/roles/delete': {
    summary: 'Take a role from a WeChat id',
    params: appParam,
    body: obj({ username: USERNAME, role: int(undefined, { enum: [1, 2, 3] }) }, ['username', 'role']),
    response: OK,
  },
  'GET /console/api/rooms/{id}/highlights': {
    summary: 'The one replay with its markers (看点) and their clips, and the shelf to pick a product from',
    params: roomParam,
    response: obj({
      state: str(undefined, { enum: ['none', 'preparing', 'ready', 'closed', 'failed'] }),
      media_url: nullable(str()),
      duration_sec: nullable(num()),
      error: str(),
      markers: arr(marker),
      goods: arr(obj({ goods_id: int(), name: str() })),
    }),
  },
  'POST /console/api/rooms/{id}/highlights': {
    summary: 'Add a marker once the replay is ready (its clip is cut)',
    params: roomParam,
    body: markerBody,
    response: obj({ id: int() }, ['id']),
    status: 201,
  },
  'PUT /console/api/rooms/{id}/highlights/{mid}': {
    summary: 'Move a marker or change its product (its clip is cut again)',
    params: { id: ROOM_ID, mid: int('marker id') },
    body: markerBody,
    response: OK,
  },
  'DELETE /console/api/rooms/{id}/highlights/{mid}': {
    summary: 'Delete a marker and its clip',
    params: { id: ROOM_ID, mid: int('marker id') },
    response: OK,
  },
  'GET /console/assistant': { summary: 'Redirects to /console/assistant/', status: 302 },
  'GET /console/assistant/': {
    summary: "The room assistant's phone page (its sign-in link carries the token in the fragment, #t=…)",
    responseType: 'text/html',
  },
  'POST /console/assistant-api/sign-in': {
    summary: 'Sign in with the link token: sets the assistant cookie',
    description: ASSISTANT,
    body: obj({ token: str('from #t= of the link') }, ['token']),
    response: assistantWho,
  },
  'GET /console/assistant-api/session': {
    summary: 'The signed-in assistant, its room and CSRF token (401 when the session ended)',
    description: ASSISTANT,
    response: assistantWho,
  },
  'POST /console/assistant-api/sign-out': { summary: 'Sign out', description: ASSISTANT, response: OK },
  'GET /console/assistant-api/desk': {
    summary: "The room's numbers, comments (with who is muted), the presented product and the shelf to present from",
    description: ASSISTANT,
    response: obj({
      status: LIVE_STATUS,
      viewers: int(),
      peak: int(),
      likes: int(),
      commentsClosed: bool(),
      presented: nullable(anyObj()),
      notice: nullable(str()),
      comments: arr({ allOf: [COMMENT, obj({ muted: bool() })] }),
      shelf: arr(anyObj('a product on sale')),
      serverTime: int('ms epoch'),
    }),
  },
  'POST /console/assistant-api/mute': {
    summary: 'Mute or unmute a viewer of the room',
    description: ASSISTANT,
    body: obj({ openid: str(), mute: bool() }, ['openid', 'mute']),
    response: OK,
  },
  'POST /console/assistant-api/comments/{cid}/delete': {
    summary: 'Delete a comment',
    description: ASSISTANT,
    params: { cid: str('comment id') },
    response: OK,
  },
  'POST /console/assistant-api/present': {
    summary: 'Present an on-sale product of the room (goodsId 0 stops presenting)',
    description: ASSISTANT,
    body: obj({ goodsId: int() }, ['goodsId']),
    response: obj({ presented: nullable(anyObj('the product')) }, ['presented']),
  },
  'POST /admin/api/operator/reset-password': {
    summary: "Reset the operator's password (zhibo operator reset-password while the server runs); the new password is answered once",
    body: obj({ login: str('the operator login (default: the operator)') }),
    response: obj({ login: str(), password: str() }),
  },
};
