/** OpenAPI descriptions of the reminders module's routes (http/route-docs.ts). */
import { anyObj, arr, bool, int, LIVE_STATUS, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const following = obj({ following: bool() }, ['following']);
const VIEWER = 'the viewer is the x-zhibo-device or merchant-signed viewer token header (401 without one)';
const subscribed = obj({ subscribed: bool() }, ['subscribed']);
const delivery = obj({
  id: int(),
  kind: str(),
  appid: str(),
  room_id: ROOM_ID,
  openid: str(),
  channel: str(),
  event: str(),
  state: str(undefined, { enum: ['pending', 'sent', 'dead', 'gone', 'skipped'] }),
  attempts: int(),
  available_at: int('ms epoch'),
  last_status: { type: ['integer', 'null'] },
  last_error: { type: ['string', 'null'] },
  done_at: { type: ['integer', 'null'] },
});

export const ROUTE_DOCS: RouteDocs = {
  'POST /api/plugin/v1/subscribe': {
    summary: "Subscribe the viewer to the room's go-live reminder (with a Web Push subscription when the app uses it)",
    response: subscribed,
  },
  'POST /api/plugin/v1/unsubscribe': { summary: 'Unsubscribe (POST form, for sendBeacon)', response: subscribed },
  'DELETE /api/plugin/v1/subscribe': { summary: 'Unsubscribe', response: subscribed },
  'GET /api/plugin/v1/subscription': {
    summary: "The viewer's subscription state",
    response: obj({ subscribed: bool(), available: bool('the room has not started'), liveStatus: LIVE_STATUS, webpush: bool() }),
  },
  'GET /api/plugin/v1/vapid-public-key': {
    summary: "The app's VAPID public key (Web Push)",
    response: obj({ publicKey: str('base64url') }, ['publicKey']),
  },
  'GET /zhibo-sw.js': { summary: 'The reminder service worker (served from the root: its scope)', responseType: 'text/javascript' },
  'GET /admin/api/rooms/{id}/reminders': {
    summary: "A room's subscriptions and deliveries by channel and state",
    params: { id: ROOM_ID },
    response: obj({ roomId: ROOM_ID, subscriptions: int(), deliveries: anyObj('{channel: {state: count}}') }),
  },
  'GET /admin/api/reminders': {
    summary: 'Deliveries (or fan-out jobs) matching a filter, oldest first',
    query: {
      room_id: ROOM_ID,
      state: str(),
      channel: str(),
      kind: str(undefined, { enum: ['delivery', 'fanout'] }),
      after: int('id to continue after'),
      limit: int(undefined, { maximum: 1000 }),
    },
    response: obj({ deliveries: arr(delivery) }),
  },
  'GET /admin/api/reminders/{id}': { summary: 'One delivery with its attempt log', params: { id: int() }, response: delivery },
  'POST /admin/api/reminders/{id}/replay': { summary: 'Re-send a dead letter', params: { id: int() }, response: obj({ replayed: int() }) },
  'POST /admin/api/rooms/{id}/reminders/replay': {
    summary: 'Re-send every dead letter of a room',
    params: { id: ROOM_ID },
    response: obj({ replayed: int() }),
  },
  'GET /api/plugin/v1/follow': {
    summary: "Whether the viewer follows the room's merchant (WeChat's long-term subscription)",
    description: VIEWER,
    response: following,
  },
  'POST /api/plugin/v1/follow': {
    summary:
      "Follow the room's merchant (with a Web Push subscription when the app uses it); the app hears wxalive_follow_notify add_follow",
    description: VIEWER,
    response: following,
  },
  'DELETE /api/plugin/v1/follow': { summary: 'Unfollow (wxalive_follow_notify del_follow)', description: VIEWER, response: following },
  'POST /wxa/business/get_wxa_followers': {
    summary: "A page of the app's followers, oldest first",
    body: obj({
      limit: int('default 200', { minimum: 1, maximum: 2000 }),
      page_break: int('the page_break of the previous page (0 or absent: the first page)', { minimum: 0 }),
    }),
    response: obj(
      {
        followers: arr(
          obj({
            openid: str(),
            subscribe_time: int('unix seconds'),
            room_status: int('the live status of the room followed from (0: none)'),
            room_id: int('the room followed from (0: none)'),
          }),
        ),
        page_break: int('pass it back for the next page'),
      },
      ['followers', 'page_break'],
    ),
  },
  'POST /wxa/business/push_message': {
    summary:
      "Send a live room's go-live message to chosen followers (one room a day per app; the room must be live); the outcome arrives later as wxalive_push_message_notify",
    body: obj({ room_id: ROOM_ID, user_openid: arr(str('a follower openid'), '1–2000 openids') }, ['room_id', 'user_openid']),
    response: obj({ message_id: str() }, ['message_id']),
  },
};
