/** OpenAPI descriptions of the replays module's routes (http/route-docs.ts). */
import { arr, obj, ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'GET /replay/{room}/{file}': {
    summary: 'A replay segment (MP4, faststart; range requests)', params: { room: ROOM_ID, file: str('SESSION.mp4') }, responseType: 'video/mp4',
  },
  'GET /api/plugin/v1/replays': {
    summary: "A room's replay segments for the room page (S-PLAYER-5)",
    response: obj({ roomId: ROOM_ID, replays: arr(obj({ media_url: str(), create_time: str('ISO-8601'), expire_time: str('ISO-8601'), duration_sec: { type: ['number', 'null'] } })) }),
  },
};
