/** OpenAPI descriptions of the reminders module's routes (http/route-docs.ts). */
import { anyObj, arr, bool, int, LIVE_STATUS, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const subscribed = obj({ subscribed: bool() }, ['subscribed']);
const delivery = obj({
  id: int(), kind: str(), appid: str(), room_id: ROOM_ID, openid: str(), channel: str(), event: str(), state: str(undefined, { enum: ['pending', 'sent', 'dead', 'gone', 'skipped'] }),
  attempts: int(), available_at: int('ms epoch'), last_status: { type: ['integer', 'null'] }, last_error: { type: ['string', 'null'] }, done_at: { type: ['integer', 'null'] },
});

export const ROUTE_DOCS: RouteDocs = {
  'POST /api/plugin/v1/subscribe': { summary: 'Subscribe the viewer to the room\'s go-live reminder (with a Web Push subscription when the app uses it)', response: subscribed },
  'POST /api/plugin/v1/unsubscribe': { summary: 'Unsubscribe (POST form, for sendBeacon)', response: subscribed },
  'DELETE /api/plugin/v1/subscribe': { summary: 'Unsubscribe', response: subscribed },
  'GET /api/plugin/v1/subscription': {
    summary: "The viewer's subscription state", response: obj({ subscribed: bool(), available: bool('the room has not started'), liveStatus: LIVE_STATUS, webpush: bool() }),
  },
  'GET /api/plugin/v1/vapid-public-key': { summary: "The app's VAPID public key (Web Push)", response: obj({ publicKey: str('base64url') }, ['publicKey']) },
  'GET /zhibo-sw.js': { summary: 'The reminder service worker (served from the root: its scope)', responseType: 'text/javascript' },
  'GET /admin/api/rooms/{id}/reminders': {
    summary: "A room's subscriptions and deliveries by channel and state", params: { id: ROOM_ID },
    response: obj({ roomId: ROOM_ID, subscriptions: int(), deliveries: anyObj('{channel: {state: count}}') }),
  },
  'GET /admin/api/reminders': {
    summary: 'Deliveries (or fan-out jobs) matching a filter, oldest first',
    query: { room_id: ROOM_ID, state: str(), channel: str(), kind: str(undefined, { enum: ['delivery', 'fanout'] }), after: int('id to continue after'), limit: int(undefined, { maximum: 1000 }) },
    response: obj({ deliveries: arr(delivery) }),
  },
  'GET /admin/api/reminders/{id}': { summary: 'One delivery with its attempt log', params: { id: int() }, response: delivery },
  'POST /admin/api/reminders/{id}/replay': { summary: 'Re-send a dead letter', params: { id: int() }, response: obj({ replayed: int() }) },
  'POST /admin/api/rooms/{id}/reminders/replay': { summary: "Re-send every dead letter of a room", params: { id: ROOM_ID }, response: obj({ replayed: int() }) },
};
