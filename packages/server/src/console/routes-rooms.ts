/** /console/api: rooms (S-ROOM), going live (push URL, key, status actions S-STATUS-6), images, replays. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type CreateRoomRequest, LiveStatus, STATUS_NAMES, TransitionCause } from '@zhibo/protocol';
import { WxFail } from '../services/errors.js';
import type { RoomRow } from '../services/rooms.js';
import { ConsoleError, FieldError } from './errors.js';
import { type ConsoleCtx, appFor, jsonOf, params, query, roomFor, route, sessionOf } from './http.js';

/** WeChat's limits per image field (WECHAT-API.md); the service checks the same when the room is saved. */
export const IMAGE_KINDS = {
  coverImg: { label: 'Cover image', maxBytes: 2 * 1024 * 1024 },
  shareImg: { label: 'Share image', maxBytes: 1024 * 1024 },
  feedsImg: { label: 'Feeds image', maxBytes: 100 * 1024 },
  anchorImg: { label: 'Anchor avatar', maxBytes: 1024 * 1024 },
  goodsImg: { label: 'Goods image', maxBytes: 2 * 1024 * 1024 },
} as const;
type ImageKind = keyof typeof IMAGE_KINDS;

const ROOM_FIELDS = ['name', 'coverImg', 'shareImg', 'feedsImg', 'anchorName', 'anchorImg', 'anchorWechat', 'startTime', 'endTime', 'type', 'screenType',
  'closeLike', 'closeGoods', 'closeComment', 'closeReplay', 'closeShare', 'closeKf', 'isFeedsPublic'] as const;

const ACTIONS = {
  pause: TransitionCause.Paused,
  resume: TransitionCause.Resumed,
  end: TransitionCause.AnchorEnded,
} as const;

const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/** Only WeChat's create fields reach the service (which validates them). */
function roomInput(b: Record<string, unknown>): Partial<CreateRoomRequest> {
  const out: Record<string, unknown> = {};
  for (const k of ROOM_FIELDS) if (b[k] !== undefined && b[k] !== '') out[k] = b[k];
  for (const k of ['startTime', 'endTime'] as const) {
    if (out[k] === undefined || out[k] === null) throw new FieldError(k, k === 'startTime' ? 'Choose the planned start' : 'Choose the planned end');
    if (typeof out[k] !== 'number' || !Number.isInteger(out[k])) throw new FieldError(k, 'Not a valid date and time');
  }
  if (typeof out.name !== 'string' || !out.name.trim()) throw new FieldError('name', 'Enter the room name');
  if (typeof out.anchorName !== 'string' || !out.anchorName.trim()) throw new FieldError('anchorName', 'Enter the anchor’s name');
  if (!out.coverImg) throw new FieldError('coverImg', 'Upload a cover image');
  if (!out.shareImg) throw new FieldError('shareImg', 'Upload a share image');
  return out as Partial<CreateRoomRequest>;
}

export function roomSummary(ctx: ConsoleCtx, r: RoomRow) {
  const status = ctx.s.rooms.cachedStatus(r.id)?.status ?? r.live_status;
  return {
    id: r.id, appid: r.appid, name: r.name, coverImg: r.cover_img, anchorName: r.anchor_name, anchorImg: r.anchor_img,
    startTime: r.start_time, endTime: r.end_time, status, statusName: STATUS_NAMES[status],
  };
}

export function pushInfo(ctx: ConsoleCtx, r: RoomRow) {
  const rtmp = ctx.s.urls().rtmp;
  const http = ctx.s.urls().http;
  const wsBase = http.replace(/^http/, 'ws');
  return {
    pushUrl: `${rtmp}/${r.id}?key=${r.stream_key}`,
    server: rtmp,
    streamKey: `${r.id}?key=${r.stream_key}`,
    media: { flv: `${http}/live/${r.id}.flv`, wsFlv: `${wsBase}/live/${r.id}.flv`, hls: `${http}/live/${r.id}/index.m3u8` },
  };
}

async function readImage(req: FastifyRequest, kind: ImageKind): Promise<Buffer> {
  const { label, maxBytes } = IMAGE_KINDS[kind];
  if (!req.isMultipart()) throw new FieldError(kind, 'Send the image as a multipart form field named "file"');
  let bytes: Buffer | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 4 } })) {
      if (part.type !== 'file') continue;
      const buf = await part.toBuffer();
      if (part.file.truncated) throw new FieldError(kind, `${label} is larger than ${fmtBytes(maxBytes)}; choose a smaller file`);
      if (part.fieldname === 'file') bytes = buf;
    }
  } catch (e) {
    if (e instanceof ConsoleError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT') throw new FieldError(kind, `${label} is larger than ${fmtBytes(maxBytes)}; choose a smaller file`);
    throw new FieldError(kind, `Upload failed: ${(e as Error).message}`);
  }
  if (!bytes || bytes.length === 0) throw new FieldError(kind, `Choose an image file for the ${label.toLowerCase()}`);
  return bytes;
}

export function roomRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { s } = ctx;
  const actor = (req: FastifyRequest) => `console:${sessionOf(ctx, req).account.login}`;

  /** Upload an image for a form field; answers a media_id (temporary material, 3 days) to save with the room or goods. */
  api.post('/apps/:appid/images', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const kind = (query(req).kind ?? '') as ImageKind;
    if (!(kind in IMAGE_KINDS)) throw new ConsoleError(400, 'invalid', `kind must be one of ${Object.keys(IMAGE_KINDS).join(', ')}`);
    const bytes = await readImage(req, kind);
    try {
      const up = await s.images.upload(app.appid, bytes);
      return { mediaId: up.media_id, bytes: bytes.length };
    } catch (e) {
      if (e instanceof WxFail) throw new FieldError(kind, /not a PNG/.test(e.detail) ? `${IMAGE_KINDS[kind].label}: this file is not a PNG, JPEG, GIF or WebP image` : e.detail);
      throw e;
    }
  }));

  api.get('/apps/:appid/rooms', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const { rooms, total } = await s.rooms.page(app.appid, 0, 1000);
    return { rooms: rooms.map((r) => roomSummary(ctx, r)), total };
  }));

  api.post('/apps/:appid/rooms', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const id = await s.rooms.create(app.appid, roomInput(jsonOf(req)));
    return { id };
  }));

  api.get('/rooms/:id', route(ctx, async (req) => {
    const { room: r, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    return {
      ...roomSummary(ctx, r),
      appName: app.name,
      shareImg: r.share_img, feedsImg: r.feeds_img, anchorWechat: r.anchor_wechat, type: r.type, screenType: r.screen_type,
      closeLike: r.close_like, closeGoods: r.close_goods, closeComment: r.close_comment, closeReplay: r.close_replay, closeShare: r.close_share,
      closeKf: r.close_kf, isFeedsPublic: r.is_feeds_public, createdAt: r.created_at,
      editable: (s.rooms.cachedStatus(r.id)?.status ?? r.live_status) === LiveStatus.NotStarted,
      ...pushInfo(ctx, r),
      roomPage: `${s.urls().http}/room/?room_id=${r.id}`,
    };
  }));

  api.put('/rooms/:id', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    await s.rooms.edit(app.appid, room.id, roomInput(jsonOf(req)));
    return { ok: true };
  }));

  api.delete('/rooms/:id', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    await s.rooms.delete(app.appid, room.id);
    return { ok: true };
  }));

  /** S-STATUS-6 / -4: pause, resume, end — through LiveControl, so the media plane follows. */
  api.post('/rooms/:id/status', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const action = jsonOf(req).action;
    if (typeof action !== 'string' || !(action in ACTIONS)) throw new ConsoleError(400, 'invalid', 'action must be pause, resume or end');
    const r = await s.control.apply(room.id, ACTIONS[action as keyof typeof ACTIONS], actor(req));
    if (r.kind === 'refused') throw new ConsoleError(409, 'refused', r.message);
    const status = r.kind === 'changed' ? r.to : r.status;
    return { status, statusName: STATUS_NAMES[status], changed: r.kind === 'changed' };
  }));

  api.post('/rooms/:id/stream-key', route(ctx, async (req) => {
    const { room, app } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    await s.rooms.regenerateStreamKey(app.appid, room.id);
    s.log.info(`console: room ${room.id}: stream key regenerated by ${actor(req)}`);
    return pushInfo(ctx, await s.rooms.get(app.appid, room.id));
  }));

  /** S-STATUS-8: every transition with its cause, actor and time (the audit log). */
  api.get('/rooms/:id/timeline', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    return (await s.rooms.auditLog(room.id)).map((e) => ({ ...e, toName: STATUS_NAMES[e.to_status as LiveStatus] }));
  }));

  /** S-REPLAY: segments with duration and expiry; played and downloaded from /replay/ROOMID/SESSION.mp4. */
  api.get('/rooms/:id/replays', route(ctx, async (req) => {
    const { room } = await roomFor(ctx, sessionOf(ctx, req), params(req).id);
    const rows = await s.db.query<{ session_id: string; status: string; started_at: number; ended_at: number | null; duration_sec: number | null; create_time: number | null; expire_time: number | null }>(
      `SELECT session_id, status, started_at, ended_at, duration_sec, create_time, expire_time FROM replays WHERE room_id = $1 AND status <> 'expired' ORDER BY started_at, id`, [room.id]);
    return rows.map((r) => ({ ...r, url: r.status === 'ready' ? `${s.urls().http}/replay/${room.id}/${r.session_id}.mp4` : null }));
  }));
}
