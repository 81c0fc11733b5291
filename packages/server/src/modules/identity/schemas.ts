/** OpenAPI descriptions of the identity module's routes (http/route-docs.ts). */
import { obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'GET /api/plugin/v1/openid': {
    summary: "The asking viewer's openid for the room's app (S-API-PLUGIN-2)",
    response: obj({ openid: str() }, ['openid']),
  },
  'GET /api/plugin/v1/share-params': {
    summary: 'The share parameters of an entry through a share card, signature checked (S-API-PLUGIN-3)',
    response: obj({
      room_id: ROOM_ID,
      openid: str(),
      share_openid: str(),
      custom_params: { description: "the merchant's custom_params (JSON when it parses)" },
    }),
  },
};
