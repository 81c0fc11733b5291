/** OpenAPI descriptions of the assistants module's routes (WeChat's room assistants; http/route-docs.ts). */
import { arr, int, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const USERNAME = str('WeChat id of the assistant');
const NICKNAME = str('1–32 characters');

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/room/addassistant': {
    summary: 'Add assistants to a room (all or none; at most 10 per room)',
    body: obj({ roomId: ROOM_ID, users: arr(obj({ username: USERNAME, nickname: NICKNAME }, ['username', 'nickname'])) }, [
      'roomId',
      'users',
    ]),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/modifyassistant': {
    summary: "Change an assistant's nickname",
    body: obj({ roomId: ROOM_ID, username: USERNAME, nickname: NICKNAME }, ['roomId', 'username', 'nickname']),
    response: obj({}),
  },
  'POST /wxaapi/broadcast/room/removeassistant': {
    summary: 'Remove an assistant (its sign-in sessions end)',
    body: obj({ roomId: ROOM_ID, username: USERNAME }, ['roomId', 'username']),
    response: obj({}),
  },
  'GET /wxaapi/broadcast/room/getassistantlist': {
    summary: "A room's assistants",
    query: { roomId: ROOM_ID },
    required: ['roomId'],
    response: obj(
      {
        list: arr(
          obj({
            timestamp: int('unix seconds of the last change'),
            headimg: str('always empty'),
            nickname: str(),
            alias: str('the WeChat id'),
            openid: str(),
          }),
        ),
        count: int(),
        maxCount: int('10'),
      },
      ['list', 'count', 'maxCount'],
    ),
  },
};
