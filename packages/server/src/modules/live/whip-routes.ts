/**
 * WHIP (RFC 9725) on the server's HTTP port: `POST /whip/ROOMID` (SDP offer, `Authorization: Bearer STREAMKEY`) → 201 +
 * answer + `Location: /whip/ROOMID/SESSION`; `PATCH` (trickle ICE) / `DELETE` on the session; `OPTIONS` for CORS;
 * any other method 405 + Allow.
 * The media plane's WhipServer owns the semantics and the status codes (packages/media/README.md, WHIP); the publish
 * gate is LiveService.authorizePublish, the same as RTMP's. Bodies arrive as Buffers (the root's '*' parser).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WhipServer } from '@zhibo/media';

export const WHIP_PATH = '/whip';

/** The WHIP endpoint URL of a room under a public base URL. */
export const whipUrlOf = (base: string, roomId: number): string => `${base}${WHIP_PATH}/${roomId}`;

export function whipRoutes(app: FastifyInstance, whip: WhipServer): void {
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : '';
    const r = await whip.handle({
      method: req.method,
      path: req.url,
      headers: req.headers,
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
    });
    return reply.code(r.status).headers(r.headers).send(r.body);
  };
  // WHIP uses POST + OPTIONS on the endpoint and PATCH + DELETE + OPTIONS on a session; those routes are described
  // (schemas.ts). Every other method still reaches WhipServer, which answers 405 + Allow (RFC 9725 clients rely on
  // it): those catch-alls are left out of the description (`described: false`). An offer is ≤ 64 KiB (WhipServer
  // answers 413 above that); the route's limit only stops absurd bodies before they are buffered.
  const opts = { bodyLimit: 1024 * 1024 };
  const mount = (url: string, used: string[]) => {
    app.route({ method: used, url, ...opts, handler: handle });
    const rest = app.supportedMethods.filter((m) => !used.includes(m));
    app.route({ method: rest, url, ...opts, config: { described: false }, handler: handle });
  };
  mount(`${WHIP_PATH}/:room`, ['POST', 'OPTIONS']);
  mount(`${WHIP_PATH}/:room/:session`, ['PATCH', 'DELETE', 'OPTIONS']);
}
