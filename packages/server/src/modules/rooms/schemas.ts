/** OpenAPI descriptions of the rooms module's routes (http/route-docs.ts). */
import { arr, flag, int, LIVE_STATUS, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const roomFields = {
  name: str('3–17 characters (a CJK character counts 2)'),
  coverImg: str('media_id'),
  startTime: int('unix seconds'),
  endTime: int('unix seconds'),
  anchorName: str(),
  anchorWechat: str(),
  subAnchorWechat: str(),
  createrWechat: str(),
  shareImg: str('media_id'),
  feedsImg: str('media_id'),
  isFeedsPublic: flag(),
  type: int('0 phone, 1 push stream', { enum: [0, 1] }),
  screenType: int('0 portrait, 1 landscape', { enum: [0, 1] }),
  closeLike: flag(),
  closeGoods: flag(),
  closeComment: flag(),
  closeReplay: flag(),
  closeShare: flag(),
  closeKf: flag(),
  anchorImg: str('media_id'),
};
const required = ['name', 'coverImg', 'startTime', 'endTime', 'anchorName', 'shareImg'];
const SUB = str("the sub-anchor's WeChat id (not the anchorWechat)");
const action = { live_status: LIVE_STATUS, changed: { type: 'boolean' } };

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/room/create': {
    summary: 'Create a room (status 102)',
    body: obj(roomFields, required),
    response: obj({ roomId: ROOM_ID }, ['roomId']),
  },
  'POST /wxaapi/broadcast/room/editroom': {
    summary: 'Edit a room that has not started',
    body: obj({ id: ROOM_ID, ...roomFields }, ['id', ...required]),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/deleteroom': { summary: 'Delete a room', body: obj({ id: ROOM_ID }, ['id']), response: obj({}) },
  'GET /wxaapi/broadcast/room/getpushurl': {
    summary: "The room's RTMP push URL (with its stream key)",
    query: { roomId: ROOM_ID },
    required: ['roomId'],
    response: obj(
      {
        pushAddr: str('rtmp://…/live/ROOMID?key=…'),
        whipUrl: str('zhibo extension: the WHIP endpoint (RFC 9725; Bearer token = the key), when WHIP is on'),
      },
      ['pushAddr'],
    ),
  },
  'GET /api/plugin/v1/status': {
    summary: "A room's live status (S-API-PLUGIN-1; memory only, cacheable 60 s)",
    query: { room_id: ROOM_ID },
    required: ['room_id'],
    response: obj({ liveStatus: LIVE_STATUS, maxAge: int('seconds until asking again') }, ['liveStatus', 'maxAge']),
  },
  'POST /admin/api/rooms/{id}/{action}': {
    summary: 'Operator action: pause (101→105), resume (105→101), end (→103), ban (→104)',
    params: { id: ROOM_ID, action: str(undefined, { enum: ['pause', 'resume', 'end', 'ban'] }) },
    response: obj({ roomId: ROOM_ID, ...action }),
  },
  'GET /admin/api/rooms/{id}/events': {
    summary: "A room's status history (audit log)",
    params: { id: ROOM_ID },
    response: obj({
      roomId: ROOM_ID,
      live_status: LIVE_STATUS,
      events: arr(
        obj({ from_status: { type: ['integer', 'null'] }, to_status: LIVE_STATUS, cause: str(), actor: str(), at: int('ms epoch') }),
      ),
    }),
  },
  'POST /wxaapi/broadcast/room/updatefeedpublic': {
    summary: 'List the room in the public feed or not (the app setting feedsPublic must be on too)',
    body: obj({ roomId: ROOM_ID, isFeedsPublic: flag() }, ['roomId', 'isFeedsPublic']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/updatereplay': {
    summary: 'Close or open the replay (closed: hidden from the room page, get_replay and the files)',
    body: obj({ roomId: ROOM_ID, closeReplay: flag() }, ['roomId', 'closeReplay']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/updatekf': {
    summary: "Close or open customer service (opening needs the app's kfUrl setting)",
    body: obj({ roomId: ROOM_ID, closeKf: flag() }, ['roomId', 'closeKf']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/addsubanchor': {
    summary:
      'Set the sub-anchor: a second anchor who may push the room with its own key (500003 one is set, 500004 the same one, 500005 it is the anchor)',
    body: obj({ roomId: ROOM_ID, username: SUB }, ['roomId', 'username']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/modifysubanchor': {
    summary: 'Replace the sub-anchor (another one gets a new key; the same one changes nothing)',
    body: obj({ roomId: ROOM_ID, username: SUB }, ['roomId', 'username']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/deletesubanchor': {
    summary: 'Remove the sub-anchor (its key stops working; a publisher using it is kicked)',
    body: obj({ roomId: ROOM_ID }, ['roomId']),
    response: obj({}),
  },
  'GET /wxaapi/broadcast/room/getsubanchor': {
    summary: "The room's sub-anchor ('' when none)",
    query: { roomId: ROOM_ID },
    required: ['roomId'],
    response: obj({ username: str(), pushAddr: str("zhibo extension: the sub-anchor's own push URL (only when one is set)") }, [
      'username',
    ]),
  },
};
