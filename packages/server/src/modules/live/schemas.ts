/** OpenAPI descriptions of the live module's routes (http/route-docs.ts). WS-FLV is the same path as a WebSocket upgrade. */
import { ROOM_ID, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'GET /live/{file}': {
    summary: 'HTTP-FLV: the live stream as one long response (WS-FLV: the same path as a WebSocket)',
    description:
      'No chunked encoding, Connection: close; 404 unknown room, 403 banned, 410 ended or expired. A viewer that connects before the anchor waits up to 10 s.',
    params: { file: str('ROOMID.flv') },
    responseType: 'video/x-flv',
  },
  'GET /live/{room}/{file}': {
    summary: 'Low-Latency HLS from memory: index.m3u8 (blocking reloads with _HLS_msn/_HLS_part/_HLS_skip), init, segments, parts',
    params: { room: ROOM_ID, file: str('index.m3u8, init-*.mp4, *.m4s') },
    query: { _HLS_msn: { type: 'integer' }, _HLS_part: { type: 'integer' }, _HLS_skip: str(undefined, { enum: ['YES', 'v2'] }) },
    responseType: 'application/vnd.apple.mpegurl',
  },
  'POST /whip/{room}': {
    summary:
      'WHIP (RFC 9725): publish to the room from a browser or OBS; the SDP offer in, 201 with the SDP answer and Location: /whip/ROOMID/SESSION',
    description:
      "Authorization: Bearer STREAMKEY (the key of getpushurl, or the sub-anchor's). 401 no or wrong key, 415 not application/sdp, 413 offer > 64 KiB, " +
      '404 unknown room, 403 the room may not be published now, 400 unusable SDP, 409 the room is being published. Other methods than POST and OPTIONS answer 405 with Allow.',
    params: { room: ROOM_ID },
    body: str('SDP offer'),
    bodyType: 'application/sdp',
    response: str('SDP answer'),
    responseType: 'application/sdp',
    status: 201,
  },
  'OPTIONS /whip/{room}': { summary: 'WHIP CORS preflight (204, Accept-Post: application/sdp)', params: { room: ROOM_ID }, status: 204 },
  'PATCH /whip/{room}/{session}': {
    summary: 'WHIP trickle ICE: more candidates for the session (application/trickle-ice-sdpfrag)',
    params: { room: ROOM_ID, session: str('from the Location of POST') },
    body: str('SDP fragment'),
    bodyType: 'application/trickle-ice-sdpfrag',
    status: 204,
  },
  'DELETE /whip/{room}/{session}': {
    summary: 'End a WHIP session (the push stops; 404 when it has ended)',
    description: 'Other methods than PATCH, DELETE and OPTIONS answer 405 with Allow.',
    params: { room: ROOM_ID, session: str('from the Location of POST') },
  },
  'OPTIONS /whip/{room}/{session}': {
    summary: 'WHIP CORS preflight of a session (204)',
    params: { room: ROOM_ID, session: str() },
    status: 204,
  },
};
