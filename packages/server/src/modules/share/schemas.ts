/** OpenAPI descriptions of the share module's routes (http/route-docs.ts). */
import { int, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

const params = { params: str('custom_params: URL-encoded JSON (≤ 600 characters)') };

export const ROUTE_DOCS: RouteDocs = {
  'GET /wxaapi/broadcast/room/getsharedcode': {
    summary: "The room's code image, page path and poster",
    query: { roomId: ROOM_ID, ...params },
    required: ['roomId'],
    response: obj({ cdnUrl: str('the code image (PNG)'), pagePath: str(), posterUrl: str() }, ['cdnUrl', 'pagePath', 'posterUrl']),
  },
  'GET /qr/{file}': {
    summary: 'The room code (PNG; opens the room page with type=9)',
    params: { file: str('ROOMID.png') },
    query: params,
    responseType: 'image/png',
  },
  'GET /poster/{file}': {
    summary: 'The share poster (PNG or JPEG)',
    params: { file: str('ROOMID.png or ROOMID.jpg') },
    query: params,
    responseType: 'image/*',
  },
  'GET /card/{file}': {
    summary: 'The picture of the article card (type=10)',
    params: { file: str('ROOMID.jpg') },
    responseType: 'image/jpeg',
  },
  'GET /api/plugin/v1/share-link': {
    summary: "A viewer's signed share link (S-ENTRY)",
    response: obj({ url: str(), share_openid: str(), share_sig: str(), scene: int(undefined, { enum: [1007, 1008, 1044] }) }),
  },
};
