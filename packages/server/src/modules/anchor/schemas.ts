/**
 * OpenAPI descriptions of the anchor page and its API (http/route-docs.ts; docs/anchor-page.md). The API answers with
 * the room's anchor cookie (`zhibo_anchor_ID`, from sign-in); every POST carries `x-zhibo-anchor: 1` and a same-origin
 * Origin when the browser sends one. Errors are `{error, message, fields}` with the reason's status.
 */
import {
  arr,
  bool,
  COMMENT,
  int,
  LIVE_GOODS,
  LIVE_STATUS,
  nullable,
  obj,
  OK,
  ROOM_ID,
  type RouteDocs,
  str,
} from '../../http/route-docs.js';

const id = { id: ROOM_ID };
const room = obj({
  roomId: ROOM_ID,
  name: str(),
  anchorName: str(),
  anchorImg: str(),
  coverImg: str(),
  screenType: int('0 portrait, 1 landscape', { enum: [0, 1] }),
  status: LIVE_STATUS,
  whipPath: str('the WHIP endpoint, relative to the page (/whip/ID)'),
  streamKey: str('the Bearer token of the WHIP POST'),
  closeGoods: bool(),
  closeComment: bool(),
  closeLike: bool(),
  abnormalTimeoutMs: int('how long the room may stay 106 (stream lost) before it is ended: the reconnect window'),
  goods: arr(LIVE_GOODS),
  sessionExpiresAt: int('ms epoch, server clock'),
});
const COOKIE = "needs the room's anchor cookie (401 when signed out or expired)";

export const ROUTE_DOCS: RouteDocs = {
  'GET /anchor': { summary: 'Redirects to /anchor/ (301), keeping the query', status: 301 },
  'GET /anchor/': {
    summary:
      'The anchor page: a phone publishes the room over WHIP and follows it (/anchor/?room_id=ID#ticket=…; the one-time ticket stays in the fragment)',
    query: { room_id: ROOM_ID },
    responseType: 'text/html',
  },
  'POST /anchor/api/rooms/{id}/sign-in': {
    summary: "Sign in with the console's one-time ticket (spent here); sets the room's anchor cookie",
    params: id,
    body: obj({ ticket: str() }, ['ticket']),
    response: room,
  },
  'GET /anchor/api/rooms/{id}': { summary: 'The room as the anchor page shows it', description: COOKIE, params: id, response: room },
  'GET /anchor/api/rooms/{id}/live': {
    summary: 'Live numbers and the latest comments (polled every ~2 s)',
    description: COOKIE,
    params: id,
    response: obj({
      status: LIVE_STATUS,
      viewers: int(),
      likes: int(),
      comments: arr(COMMENT, 'oldest first'),
      presented: nullable(int('goods id')),
      liveSince: nullable(int('ms epoch of the first 101')),
      lostAt: nullable(int('ms epoch of the 106')),
      serverTime: int('ms epoch'),
    }),
  },
  'POST /anchor/api/rooms/{id}/present': {
    summary: 'Show a product card to every viewer (goodsId 0 stops presenting)',
    description: COOKIE,
    params: id,
    body: obj({ goodsId: int() }),
    response: obj({ presented: nullable(int('goods id')) }, ['presented']),
  },
  'POST /anchor/api/rooms/{id}/end': {
    summary: "End the live (103), as the console's End",
    description: COOKIE,
    params: id,
    response: obj({ status: LIVE_STATUS }, ['status']),
  },
  'POST /anchor/api/rooms/{id}/sign-out': { summary: 'Sign out (the cookie is dropped)', params: id, response: OK },
};
