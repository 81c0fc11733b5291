/**
 * Merchant / anchor commands that reach every viewer of a room (docs/realtime.md), WeChat-style: goods/push and
 * room/updatecomment are WeChat's; room/mute and room/deletecomment are zhibo extensions.
 */
import { ok, type WxRouter } from '../../http/wx.js';
import type { InteractionService } from './interaction.js';

export function wxRoutes(r: WxRouter, s: InteractionService): void {
  r.post('/wxaapi/broadcast/goods/push', async ({ appid, body }) => {
    await s.present(appid, body.roomId, body.goodsId);
    return ok({});
  });
  r.post('/wxaapi/broadcast/room/updatecomment', async ({ appid, body }) => {
    await s.setCommentBan(appid, body.roomId, body.banComment);
    return ok({});
  });
  r.post('/wxaapi/broadcast/room/mute', async ({ appid, body }) => {
    await s.mute(appid, body.roomId, body.openid, body.mute);
    return ok({});
  });
  r.post('/wxaapi/broadcast/room/deletecomment', async ({ appid, body }) => {
    await s.deleteComment(appid, body.roomId, body.commentId);
    return ok({});
  });
}
