/**
 * /console/api: the live desk — current numbers and the comment stream (polled: it keeps working when a
 * WebSocket or the stream drops), moderation through InteractionService, and share links (S-ENTRY).
 */
import type { FastifyInstance } from 'fastify';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import { PLUGIN_PAGE_PATH } from '@zhibo/protocol';
import { roomLink } from '../routes/wechat.js';
import { ConsoleError, FieldError } from './errors.js';
import { type ConsoleCtx, jsonOf, params, query, roomFor, route, sessionOf } from './http.js';

interface CommentRow {
  id: string;
  openid: string;
  nick: string;
  text: string;
  at: number;
}

export function liveRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { s } = ctx;

  api.get('/rooms/:id/live', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const ch = s.realtime.channels.get(room.id);
    const status = s.rooms.cachedStatus(room.id)?.status ?? room.live_status;
    let comments: CommentRow[];
    if (ch) comments = ch.comments.slice(-50);
    else
      comments = (await s.db.query<CommentRow>(
        'SELECT id, openid, nick, text, at FROM room_comments WHERE room_id = $1 AND deleted_at IS NULL ORDER BY at DESC, id DESC LIMIT 50', [room.id])).reverse();
    const mutes = ch ? [...ch.mutes] : (await s.db.query<{ openid: string }>('SELECT openid FROM room_mutes WHERE room_id = $1', [room.id])).map((m) => m.openid);
    const [t] = ch ? [] : await s.db.query<{ likes: number; peak_viewers: number }>('SELECT likes, peak_viewers FROM room_interaction WHERE room_id = $1', [room.id]);
    const media = s.realtime.channels.mediaViewers.get(room.id) ?? 0;
    return {
      status,
      viewers: ch ? ch.viewers : media,
      peak: ch ? Math.max(ch.peak, ch.viewers) : Math.max(t?.peak_viewers ?? 0, media),
      likes: ch ? ch.likes + ch.likesDelta : (t?.likes ?? 0),
      commentsClosed: ch ? ch.room.closeComment : room.close_comment === 1,
      presented: ch?.presented ?? null,
      comments: comments.map((c) => ({ ...c, muted: mutes.includes(c.openid) })),
      serverTime: ctx.clock.now(),
    };
  }));

  api.post('/rooms/:id/comments/:cid/delete', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    await s.interaction.deleteComment(app.appid, room.id, params(req).cid);
    return { ok: true };
  }));

  api.post('/rooms/:id/mute', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const b = jsonOf(req);
    if (typeof b.mute !== 'boolean') throw new ConsoleError(400, 'invalid', 'mute must be true or false');
    await s.interaction.mute(app.appid, room.id, b.openid, b.mute ? 1 : 0);
    return { ok: true };
  }));

  api.post('/rooms/:id/comments-switch', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const closed = jsonOf(req).closed;
    if (typeof closed !== 'boolean') throw new ConsoleError(400, 'invalid', 'closed must be true or false');
    await s.interaction.setCommentBan(app.appid, room.id, closed ? 1 : 0);
    return { ok: true };
  }));

  /**
   * S-ENTRY-1/-2: the code image (type=9) and its poster, the article-card link (type=10), a plain link and
   * the plugin page path — each with the merchant's custom_params (JSON, ≤ 600 characters).
   */
  api.get('/rooms/:id/share', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const custom = (query(req).customParams ?? '').trim();
    if (custom) {
      if (custom.length > CUSTOM_PARAMS_MAX) throw new FieldError('customParams', `Use at most ${CUSTOM_PARAMS_MAX} characters`);
      try {
        JSON.parse(custom);
      } catch {
        throw new FieldError('customParams', 'Custom params must be JSON, e.g. {"pid": 1, "path": "pages/index/index"}');
      }
    }
    const http = s.urls().http;
    const extra: Record<string, string> = custom ? { custom_params: custom } : {};
    const q = custom ? `?params=${encodeURIComponent(custom)}` : '';
    return {
      qrUrl: `${http}/qr/${room.id}.png${q}`,
      posterUrl: `${http}/poster/${room.id}.svg${q}`,
      codeLink: roomLink(http, room.id, { ...extra, type: '9' }),
      articleLink: roomLink(http, room.id, { ...extra, type: '10' }),
      plainLink: roomLink(http, room.id, extra),
      pagePath: `${PLUGIN_PAGE_PATH}?room_id=${room.id}${custom ? `&custom_params=${encodeURIComponent(custom)}` : ''}`,
    };
  }));
}
