/**
 * Merchant / anchor commands that reach every viewer of a room (docs/realtime.md), WeChat-style:
 * `?access_token=`, JSON bodies, `{errcode, errmsg}` answers. goods/push and room/updatecomment are
 * WeChat's; room/mute and room/deletecomment are zhibo extensions.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services/index.js';
import { jsonBody, ok, wx } from '../http/wx.js';

type Q = Record<string, string | undefined>;

export function liveCommandRoutes(app: FastifyInstance, s: Services): void {
  const log = s.log;
  const auth = async (req: FastifyRequest) => s.apps.authenticate((req.query as Q).access_token);

  app.post('/wxaapi/broadcast/goods/push', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.interaction.present(appid, b.roomId, b.goodsId);
    return ok({});
  }));

  app.post('/wxaapi/broadcast/room/updatecomment', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.interaction.setCommentBan(appid, b.roomId, b.banComment);
    return ok({});
  }));

  app.post('/wxaapi/broadcast/room/mute', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.interaction.mute(appid, b.roomId, b.openid, b.mute);
    return ok({});
  }));

  app.post('/wxaapi/broadcast/room/deletecomment', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.interaction.deleteComment(appid, b.roomId, b.commentId);
    return ok({});
  }));
}
