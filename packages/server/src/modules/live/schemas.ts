/** OpenAPI descriptions of the live module's routes (http/route-docs.ts). WS-FLV is the same path as a WebSocket upgrade. */
import { ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'GET /live/{file}': {
    summary: 'HTTP-FLV: the live stream as one long response (WS-FLV: the same path as a WebSocket)',
    description: 'No chunked encoding, Connection: close; 404 unknown room, 403 banned, 410 ended or expired. A viewer that connects before the anchor waits up to 10 s.',
    params: { file: str('ROOMID.flv') }, responseType: 'video/x-flv',
  },
  'GET /live/{room}/{file}': {
    summary: 'Low-Latency HLS from memory: index.m3u8 (blocking reloads with _HLS_msn/_HLS_part/_HLS_skip), init, segments, parts',
    params: { room: ROOM_ID, file: str('index.m3u8, init-*.mp4, *.m4s') },
    query: { _HLS_msn: { type: 'integer' }, _HLS_part: { type: 'integer' }, _HLS_skip: str(undefined, { enum: ['YES', 'v2'] }) },
    responseType: 'application/vnd.apple.mpegurl',
  },
};
