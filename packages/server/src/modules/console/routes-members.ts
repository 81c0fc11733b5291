/**
 * /console/api: what WeChat's member and switch calls manage, for the merchant — a room's assistants (and their
 * phone sign-in links), its sub-anchor (and push key), its three switches; an app's member roles.
 */
import type { FastifyInstance } from 'fastify';
import { addSubAnchor, deleteSubAnchor, modifySubAnchor } from '../rooms/index.js';
import { type ConsoleCtx, appFor, fieldError, jsonOf, params, query, roomFor, route, sessionOf } from './http.js';

const SWITCHES = { isFeedsPublic: 'is_feeds_public', closeReplay: 'close_replay', closeKf: 'close_kf' } as const;

export function memberRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;

  api.get(
    '/rooms/:id/members',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const rtmp = d.urls().rtmp;
      return {
        assistants: (await d.assistants.rows(room.id)).map((a) => ({ ...d.assistants.info(a), username: a.username })),
        subAnchor: room.sub_anchor_wechat
          ? { username: room.sub_anchor_wechat, pushUrl: `${rtmp}/${room.id}?key=${room.sub_stream_key}` }
          : null,
        switches: { isFeedsPublic: room.is_feeds_public, closeReplay: room.close_replay, closeKf: room.close_kf },
      };
    }),
  );

  api.post(
    '/rooms/:id/assistants',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const b = jsonOf(req);
      await d.assistants.add(app.appid, { roomId: room.id, users: [{ username: b.username, nickname: b.nickname }] });
      return { ok: true };
    }),
  );

  api.post(
    '/rooms/:id/assistants/:username/delete',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.assistants.remove(app.appid, { roomId: room.id, username: params(req).username });
      return { ok: true };
    }),
  );

  /** A signed sign-in link for the assistant's phone, valid `hours` (default 24, at most 168). */
  api.post(
    '/rooms/:id/assistants/:username/link',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const hours = jsonOf(req).hours ?? 24;
      if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > 168)
        throw fieldError('hours', 'Choose from 1 to 168 hours');
      const { token, expiresAt } = await d.assistants.linkToken(room, params(req).username ?? '', Math.round(hours * 3600_000));
      return { url: `${d.urls().http}/console/assistant/#t=${token}`, expiresAt };
    }),
  );

  api.post(
    '/rooms/:id/assistants/:username/revoke',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.assistants.revokeLinks(room.id, params(req).username ?? '');
      return { ok: true };
    }),
  );

  /** The sub-anchor: a username sets (or replaces) it with a new push key; '' removes it (its key stops working). */
  api.put(
    '/rooms/:id/subanchor',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const username = jsonOf(req).username;
      if (username === '' || username === null) await deleteSubAnchor(d.rooms, app.appid, { roomId: room.id });
      else if (room.sub_anchor_wechat) await modifySubAnchor(d.rooms, app.appid, { roomId: room.id, username });
      else await addSubAnchor(d.rooms, app.appid, { roomId: room.id, username });
      return { ok: true };
    }),
  );

  /** The three switches of WeChat's updatefeedpublic / updatereplay / updatekf. */
  api.post(
    '/rooms/:id/switches',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const b = jsonOf(req);
      for (const [k, column] of Object.entries(SWITCHES)) {
        if (b[k] === undefined) continue;
        if (b[k] !== 0 && b[k] !== 1) throw fieldError(k, `${k} must be 0 or 1`);
        if (k === 'closeKf' && b[k] === 0 && !app.settings.kfUrl)
          throw fieldError(k, 'Set a customer-service URL in the app settings first');
        await d.rooms.setSwitch(app.appid, room.id, column, b[k]);
      }
      return { ok: true };
    }),
  );

  api.get(
    '/apps/:appid/roles',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const q = query(req);
      return d.roles.list(app.appid, { role: q.role ?? -1, offset: q.offset ?? 0, limit: q.limit ?? 30, keyword: q.keyword ?? '' });
    }),
  );

  api.post(
    '/apps/:appid/roles',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const b = jsonOf(req);
      await d.roles.add(app.appid, { username: b.username, role: b.role });
      return { ok: true };
    }),
  );

  api.post(
    '/apps/:appid/roles/delete',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const b = jsonOf(req);
      await d.roles.remove(app.appid, { username: b.username, role: b.role });
      return { ok: true };
    }),
  );
}
