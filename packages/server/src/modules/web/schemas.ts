/** OpenAPI descriptions of the web module's routes (http/route-docs.ts). */
import { anyObj, arr, bool, int, LIVE_STATUS, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'GET /build/{path}': {
    summary: 'The browser bundles (room page, SDK, players)',
    params: { path: str('file under the build directory') },
    responseType: 'text/javascript',
  },
  'GET /sdk/zhibo-sdk.js': { summary: 'The browser SDK (CORS open)', responseType: 'text/javascript' },
  'GET /room': { summary: 'Redirects to /room/ (301), keeping the query', status: 301 },
  'GET /room/': { summary: 'The live room page', query: { room_id: ROOM_ID }, responseType: 'text/html' },
  'GET /api/plugin/v1/room': {
    summary: "The room page's snapshot: room, shelf, the merchant's page URLs, media URLs (S-PLAYER-2/-4)",
    response: obj({
      roomId: ROOM_ID,
      liveStatus: LIVE_STATUS,
      name: str(),
      anchorName: str(),
      anchorImg: str(),
      coverImg: str(),
      shareImg: str(),
      startTime: int(),
      endTime: int(),
      screenType: int(),
      closeLike: bool(),
      closeComment: bool(),
      closeGoods: bool(),
      closeShare: bool(),
      closeReplay: bool(),
      goods: arr(anyObj()),
      goodsBaseUrl: str(),
      homeUrl: str(),
      minSdkVersion: str(),
      media: obj({ flv: str(), wsFlv: str(), hls: str() }),
      serverTime: int('ms epoch'),
    }),
  },
  'GET /feeds': { summary: 'Redirects to /feeds/ (302)', status: 302 },
  'GET /feeds/': {
    summary:
      'The public feed page: live rooms of the apps that opted in (app setting feedsPublic) whose isFeedsPublic is 1 (cacheable 15 s)',
    responseType: 'text/html',
  },
  'GET /api/plugin/v1/feeds': {
    summary: 'The public feed as JSON (CORS open; cacheable 15 s)',
    response: obj(
      {
        rooms: arr(
          obj(
            {
              roomId: ROOM_ID,
              name: str(),
              anchorName: str(),
              anchorImg: str('absolute URL'),
              coverImg: str('absolute URL (the feeds image, else the cover)'),
              startTime: int('unix seconds'),
              link: str('the room page'),
            },
            ['roomId', 'name', 'anchorName', 'anchorImg', 'coverImg', 'startTime', 'link'],
          ),
        ),
      },
      ['rooms'],
    ),
  },
};
