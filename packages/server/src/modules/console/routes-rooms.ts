/** /console/api: rooms (S-ROOM), going live (push URL, key, status actions S-STATUS-6), images, replays. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type CreateRoomRequest, LiveStatus, Reason, STATUS_NAMES } from '@zhibo/protocol';
import { roomFormProblems } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import { readFileField } from '../../http/multipart.js';
import { operatorAction } from '../rooms/actions.js';
import type { RoomRow } from '../rooms/sql.js';
import { type ConsoleCtx, appFor, fieldError, jsonOf, params, query, roomFor, route, sessionOf } from './http.js';

/** WeChat's limits per image field (docs/wechat-reference.md); the service checks the same when the room is saved. */
export const IMAGE_KINDS = {
  coverImg: { label: 'Cover image', maxBytes: 2 * 1024 * 1024 },
  shareImg: { label: 'Share image', maxBytes: 1024 * 1024 },
  feedsImg: { label: 'Feeds image', maxBytes: 100 * 1024 },
  anchorImg: { label: 'Anchor avatar', maxBytes: 1024 * 1024 },
  goodsImg: { label: 'Goods image', maxBytes: 2 * 1024 * 1024 },
} as const;
type ImageKind = keyof typeof IMAGE_KINDS;

const ROOM_FIELDS = [
  'name',
  'coverImg',
  'shareImg',
  'feedsImg',
  'anchorName',
  'anchorImg',
  'anchorWechat',
  'startTime',
  'endTime',
  'type',
  'screenType',
  'closeLike',
  'closeGoods',
  'closeComment',
  'closeReplay',
  'closeShare',
  'closeKf',
  'isFeedsPublic',
] as const;

/** What a merchant may do to a room's status from the console (banning is the operator's, through the admin API). */
const CONSOLE_ACTIONS = ['pause', 'resume', 'end'] as const;

/**
 * Only WeChat's create fields reach the service (which validates them again). Every problem of the form is answered
 * at once, in the words the browser shows before sending (core/room-form.ts).
 */
function roomInput(b: Record<string, unknown>, nowSec: number): Partial<CreateRoomRequest> {
  const out: Record<string, unknown> = {};
  for (const k of ROOM_FIELDS) if (b[k] !== undefined && b[k] !== '') out[k] = b[k];
  const problems = roomFormProblems(out, nowSec);
  const fields = Object.keys(problems);
  if (fields.length)
    throw new DomainError(
      Reason.BadParameter,
      fields.length === 1 ? problems[fields[0]!]! : `${fields.length} fields need a change`,
      fields[0],
      { fields: problems },
    );
  return out;
}

export function roomSummary(ctx: ConsoleCtx, r: RoomRow) {
  const status = ctx.d.rooms.cachedStatus(r.id)?.status ?? r.live_status;
  return {
    id: r.id,
    appid: r.appid,
    name: r.name,
    coverImg: r.cover_img,
    anchorName: r.anchor_name,
    anchorImg: r.anchor_img,
    startTime: r.start_time,
    endTime: r.end_time,
    status,
    statusName: STATUS_NAMES[status],
  };
}

export function pushInfo(ctx: ConsoleCtx, r: RoomRow, req: FastifyRequest) {
  const { http, rtmp } = ctx.d.urls(req);
  const wsBase = http.replace(/^http/, 'ws');
  return {
    pushUrl: `${rtmp}/${r.id}?key=${r.stream_key}`,
    server: rtmp,
    streamKey: `${r.id}?key=${r.stream_key}`,
    // WHIP (OBS 30+, browsers, the anchor page): the endpoint and its Bearer token, the room's stream key
    whipUrl: ctx.d.whip ? `${http}/whip/${r.id}` : null,
    bearerToken: r.stream_key,
    media: { flv: `${http}/live/${r.id}.flv`, wsFlv: `${wsBase}/live/${r.id}.flv`, hls: `${http}/live/${r.id}/index.m3u8` },
  };
}

export function roomRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;
  const actor = (req: FastifyRequest) => `console:${sessionOf(ctx, req).account.login}`;

  /** Upload an image for a form field; answers a media_id (temporary material, 3 days) to save with the room or goods. */
  api.post(
    '/apps/:appid/images',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const kind = (query(req).kind ?? '') as ImageKind;
      if (!Object.hasOwn(IMAGE_KINDS, kind)) throw fieldError('kind', `kind must be one of ${Object.keys(IMAGE_KINDS).join(', ')}`);
      const { label, maxBytes } = IMAGE_KINDS[kind];
      const bytes = await readFileField(req, { field: 'file', maxBytes, errorField: kind, label });
      try {
        const up = await d.images.upload(app.appid, bytes);
        return { mediaId: up.media_id, bytes: bytes.length };
      } catch (e) {
        // The image service names its own field ("media"); the form's field is the image kind.
        if (e instanceof DomainError) throw new DomainError(e.reason, `${label}: ${e.message}`, kind);
        throw e;
      }
    }),
  );

  api.get(
    '/apps/:appid/rooms',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const { rooms, total } = await d.rooms.page(app.appid, 0, 1000);
      return { rooms: rooms.map((r) => roomSummary(ctx, r)), total };
    }),
  );

  api.post(
    '/apps/:appid/rooms',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const id = await d.rooms.create(app.appid, roomInput(jsonOf(req), Math.floor(ctx.clock.now() / 1000)));
      return { id };
    }),
  );

  api.get(
    '/rooms/:id',
    route(ctx, async (req) => {
      const { room: r, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return {
        ...roomSummary(ctx, r),
        appName: app.name,
        shareImg: r.share_img,
        feedsImg: r.feeds_img,
        anchorWechat: r.anchor_wechat,
        type: r.type,
        screenType: r.screen_type,
        closeLike: r.close_like,
        closeGoods: r.close_goods,
        closeComment: r.close_comment,
        closeReplay: r.close_replay,
        closeShare: r.close_share,
        closeKf: r.close_kf,
        isFeedsPublic: r.is_feeds_public,
        createdAt: r.created_at,
        editable: (d.rooms.cachedStatus(r.id)?.status ?? r.live_status) === LiveStatus.NotStarted,
        ...pushInfo(ctx, r, req),
        roomPage: `${d.urls(req).http}/room/?room_id=${r.id}`,
        address: d.address(req),
      };
    }),
  );

  api.put(
    '/rooms/:id',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.rooms.edit(app.appid, room.id, roomInput(jsonOf(req), Math.floor(ctx.clock.now() / 1000)));
      return { ok: true };
    }),
  );

  api.delete(
    '/rooms/:id',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      await d.rooms.delete(app.appid, room.id);
      return { ok: true };
    }),
  );

  /** S-STATUS-6 / -4: pause, resume, end — the one operatorAction(), so the media plane follows from the status event. */
  api.post(
    '/rooms/:id/status',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const action = jsonOf(req).action;
      if (!CONSOLE_ACTIONS.includes(action as (typeof CONSOLE_ACTIONS)[number]))
        throw fieldError('action', 'action must be pause, resume or end');
      const r = await operatorAction(d.rooms, room.id, action as (typeof CONSOLE_ACTIONS)[number], actor(req));
      return { status: r.live_status, statusName: STATUS_NAMES[r.live_status], changed: r.changed };
    }),
  );

  api.post(
    '/rooms/:id/stream-key',
    route(ctx, async (req) => {
      const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const fresh = await d.rooms.regenerateStreamKey(app.appid, room.id);
      d.log.info(`console: room ${room.id}: stream key regenerated by ${actor(req)}`);
      return pushInfo(ctx, fresh, req);
    }),
  );

  /** S-STATUS-8: every transition with its cause, actor and time (the audit log). */
  api.get(
    '/rooms/:id/timeline',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      return (await d.rooms.auditLog(room.id)).map((e) => ({ ...e, toName: STATUS_NAMES[e.to_status as LiveStatus] }));
    }),
  );

  /** S-REPLAY: segments with duration and expiry; played and downloaded from /replay/ROOMID/SESSION.mp4. */
  api.get(
    '/rooms/:id/replays',
    route(ctx, async (req) => {
      const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
      const rows = await d.replays.notExpired(room.id);
      return rows.map((r) => ({
        session_id: r.session_id,
        status: r.status,
        started_at: r.started_at,
        ended_at: r.ended_at,
        duration_sec: r.duration_sec,
        create_time: r.create_time,
        expire_time: r.expire_time,
        url: r.status === 'ready' ? d.replays.mediaUrl(d.urls(req).http, room.id, r.session_id) : null,
      }));
    }),
  );
}
