/**
 * /console/api: the live desk — current numbers and the comment stream (polled: it keeps working when a WebSocket or
 * the stream drops), moderation through the interaction service, and share links (S-ENTRY).
 */
import type { FastifyInstance } from 'fastify';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';

const FINAL: readonly number[] = [103, 104, 107];
import { type ConsoleCtx, fieldError, jsonOf, params, query, roomFor, route, sessionOf } from './http.js';

export function liveRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;

  api.get(
    '/rooms/:id/live',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const desk = await d.interaction.liveDesk(room.id, room.close_comment === 1);
      const status = d.rooms.cachedStatus(room.id)?.status ?? room.live_status;
      // a live that is over has nobody watching it, whoever still has the page open (issue 12 §6)
      return { status, ...desk, viewers: FINAL.includes(status) ? 0 : desk.viewers, serverTime: ctx.clock.now() };
    }),
  );

  /** Stream health for the go-live page (polled): bitrate, fps, keyframe interval, codecs, warnings, refused pushes. */
  api.get(
    '/rooms/:id/health',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return d.health(room.id);
    }),
  );

  /** The merchant talks to the room as the anchor (badged), and pins a notice above the chat. */
  api.post(
    '/rooms/:id/comments',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return d.interaction.anchorComment(app.appid, room.id, jsonOf(req).text);
    }),
  );

  api.post(
    '/rooms/:id/notice',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return { notice: await d.interaction.pinNotice(app.appid, room.id, jsonOf(req).text) };
    }),
  );

  api.post(
    '/rooms/:id/comments/:cid/delete',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.interaction.deleteComment(app.appid, room.id, params(req).cid);
      return { ok: true };
    }),
  );

  api.post(
    '/rooms/:id/mute',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const b = jsonOf(req);
      if (typeof b.mute !== 'boolean') throw fieldError('mute', 'mute must be true or false');
      await d.interaction.mute(app.appid, room.id, b.openid, b.mute ? 1 : 0);
      return { ok: true };
    }),
  );

  api.post(
    '/rooms/:id/comments-switch',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const closed = jsonOf(req).closed;
      if (typeof closed !== 'boolean') throw fieldError('closed', 'closed must be true or false');
      await d.interaction.setCommentBan(app.appid, room.id, closed ? 1 : 0);
      return { ok: true };
    }),
  );

  /**
   * S-ENTRY-1/-2: the code image (type=9) and its poster, the article-card link (type=10), a plain link and the plugin
   * page path — each with the merchant's custom_params (JSON, ≤ 600 characters). Built by the share module.
   */
  api.get(
    '/rooms/:id/share',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const custom = (query(req).customParams ?? '').trim();
      if (custom) {
        if (custom.length > CUSTOM_PARAMS_MAX) throw fieldError('customParams', `Use at most ${CUSTOM_PARAMS_MAX} characters`);
        try {
          JSON.parse(custom);
        } catch {
          throw fieldError('customParams', 'Custom params must be JSON, e.g. {"pid": 1, "path": "pages/index/index"}');
        }
      }
      return { ...d.share.links(room.id, custom, d.urls(req).http), address: d.address(req) };
    }),
  );

  /** The anchor page's one-time sign-in link for this room (QR code to scan, or "go live from this device"). */
  api.post(
    '/rooms/:id/anchor-link',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const link = await d.anchor.issueLink(room.id, d.urls().http);
      d.log.info(`console: room ${room.id}: anchor sign-in link issued by console:${sessionOf(ctx, req).account.login}`);
      return link;
    }),
  );
}
