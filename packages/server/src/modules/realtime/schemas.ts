/** OpenAPI descriptions of the realtime module's routes (http/route-docs.ts). The WebSockets (/ws/room, /ws/site) are in docs/realtime.md. */
import { flag, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/goods/push': {
    summary: 'Show a product card to every viewer (goodsId 0 takes it down)',
    body: obj({ roomId: ROOM_ID, goodsId: { type: 'integer' } }, ['roomId', 'goodsId']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/updatecomment': {
    summary: 'Close or open comments',
    body: obj({ roomId: ROOM_ID, banComment: flag('1 closes') }, ['roomId', 'banComment']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/mute': {
    summary: 'Mute or unmute a viewer (zhibo extension)',
    body: obj({ roomId: ROOM_ID, openid: str(), mute: flag() }, ['roomId', 'openid', 'mute']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/deletecomment': {
    summary: 'Delete a comment for everyone (zhibo extension)',
    body: obj({ roomId: ROOM_ID, commentId: str() }, ['roomId', 'commentId']),
    response: obj({}),
  },
};
