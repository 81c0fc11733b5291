/** OpenAPI descriptions of the replays module's routes (http/route-docs.ts). */
import { arr, bool, int, LIVE_GOODS, nullable, num, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const GOODS_ID = int('goods id', { minimum: 1 });
const SECONDS = num('seconds of the one replay');
const FILE_KEY = str('KEY.mp4 (8–64 letters, digits, _ or -; one build of the file, cacheable)');
const marker = obj({
  id: int(),
  goods_id: GOODS_ID,
  start: SECONDS,
  end: SECONDS,
  goods: nullable(LIVE_GOODS),
  clip_url: nullable(str('the explanation clip (MP4) once cut')),
});
const chatItem = {
  anyOf: [
    obj({ t: SECONDS, kind: str(undefined, { const: 'comment' }), id: str(), nick: str(), text: str() }, [
      't',
      'kind',
      'id',
      'nick',
      'text',
    ]),
    obj(
      {
        t: SECONDS,
        kind: str('the anchor presented a product (goods_id null: stopped)', { const: 'present' }),
        goods_id: nullable(GOODS_ID),
        name: str(),
      },
      ['t', 'kind', 'goods_id', 'name'],
    ),
    obj({ t: SECONDS, kind: str('the merchant closed or opened the comments', { const: 'comments' }), closed: bool() }, [
      't',
      'kind',
      'closed',
    ]),
    obj({ t: SECONDS, kind: str("a notice the merchant pinned ('' = unpinned)", { const: 'notice' }), text: str() }, ['t', 'kind', 'text']),
  ],
};

export const ROUTE_DOCS: RouteDocs = {
  'GET /replay/{room}/{file}': {
    summary: 'A replay segment (MP4, faststart; range requests)',
    params: { room: ROOM_ID, file: str('SESSION.mp4') },
    responseType: 'video/mp4',
  },
  'GET /replay/{room}/live/{file}': {
    summary: "The live's one replay: its segments joined (MP4, faststart; range requests; 404 when the room is gone or shows no replay)",
    params: { room: ROOM_ID, file: FILE_KEY },
    responseType: 'video/mp4',
  },
  'GET /replay/{room}/clips/{file}': {
    summary: "A product's explanation clip cut from the one replay (MP4; range requests)",
    params: { room: ROOM_ID, file: FILE_KEY },
    responseType: 'video/mp4',
  },
  'GET /api/plugin/v1/replays': {
    summary: "A room's replay segments for the room page (S-PLAYER-5)",
    response: obj({
      roomId: ROOM_ID,
      replays: arr(
        obj({ media_url: str(), create_time: str('ISO-8601'), expire_time: str('ISO-8601'), duration_sec: { type: ['number', 'null'] } }),
      ),
      pending: int('segments still being recorded (the room page keeps looking while > 0)'),
    }),
  },
  'GET /api/plugin/v1/replay': {
    summary: 'The one replay of the live and its markers (看点); media_url null unless state is ready',
    response: obj(
      {
        roomId: ROOM_ID,
        state: str(
          'none: not ended; preparing: being joined; ready; closed: closeReplay or expired; failed: not joinable (the segments still play)',
          {
            enum: ['none', 'preparing', 'ready', 'closed', 'failed'],
          },
        ),
        media_url: nullable(str('MP4 (faststart, range requests)')),
        duration_sec: nullable(num()),
        markers: arr(marker),
      },
      ['roomId', 'state', 'media_url', 'duration_sec', 'markers'],
    ),
  },
  'GET /api/plugin/v1/replay-chat': {
    summary:
      "The chat replay: comments and the merchant's events of [from, to) seconds of the one replay (at most 600 s a call), oldest first",
    response: obj(
      {
        roomId: ROOM_ID,
        from: SECONDS,
        to: SECONDS,
        items: arr(chatItem),
        truncated: bool('the window held more comments than one answer carries'),
      },
      ['roomId', 'from', 'to', 'items', 'truncated'],
    ),
  },
  'GET /api/plugin/v1/explanation': {
    summary:
      "A product's explanation clip (404 no_explanation, 409 explanation_pending while the live runs or the clip is cut, 410 explanation_gone)",
    response: obj(
      {
        roomId: ROOM_ID,
        goods_id: GOODS_ID,
        url: str('MP4'),
        duration_sec: nullable(num()),
        start: num('where the explanation starts in the one replay (seconds)'),
      },
      ['roomId', 'goods_id', 'url', 'duration_sec', 'start'],
    ),
  },
  'POST /wxaapi/broadcast/goods/getVideo': {
    summary:
      "A presented product's explanation video (300044 not presented, 300045 not made yet, 300046 expired, replay closed or could not be made)",
    body: obj({ roomId: ROOM_ID, goodsId: GOODS_ID }, ['roomId', 'goodsId']),
    response: obj({ url: str('MP4 (range requests)') }, ['url']),
  },
};
