/** OpenAPI descriptions of the liveinfo module's routes (http/route-docs.ts). */
import { arr, int, obj, LIVE_STATUS, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const goods = obj({ cover_img: str(), url: str(), price: int('fen'), name: str(), goods_id: int(), price2: int('fen'), price_type: int() });
const room = obj({
  name: str(),
  roomid: ROOM_ID,
  cover_img: str(),
  live_status: LIVE_STATUS,
  start_time: int('unix seconds'),
  end_time: int('unix seconds'),
  anchor_name: str(),
  anchor_img: str(),
  goods: arr(goods),
  share_img: str(),
  live_type: int(),
  screen_type: int(),
  close_like: int(),
  close_goods: int(),
  close_comment: int(),
  close_kf: int(),
  close_replay: int(),
  is_feeds_public: int(),
  creater_openid: str(),
  feeds_img: str(),
});
const replay = obj({ expire_time: str('ISO-8601 UTC'), create_time: str('ISO-8601 UTC'), media_url: str() });

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxa/business/getliveinfo': {
    summary: "The room list, or with action=get_replay a room's replay segments (S-API-1..4; one daily quota)",
    description: "errcode 1: the app has no room; 45009: the daily quota (ZHIBO_DAILY_QUOTA or the app's) is used up.",
    body: obj(
      {
        start: int(undefined, { minimum: 0 }),
        limit: int(undefined, { minimum: 1, maximum: 100 }),
        action: str(undefined, { const: 'get_replay' }),
        room_id: ROOM_ID,
      },
      ['start', 'limit'],
    ),
    response: {
      anyOf: [
        obj({ room_info: arr(room), total: int() }, ['room_info', 'total']),
        obj({ live_replay: arr(replay), total: int() }, ['live_replay', 'total']),
      ],
    },
  },
  'POST /wxa/business/applyliveinfo': {
    summary:
      'A third-party platform applies for the live capability of an app (granted at once: every zhibo app has live); another action is 40097',
    body: obj({ action: str(undefined, { const: 'apply' }) }, ['action']),
    response: obj({ action: str(undefined, { const: 'apply' }) }, ['action']),
  },
};
