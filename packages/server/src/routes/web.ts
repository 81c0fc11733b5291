/**
 * The viewer's web side (S-PLAYER, S-PARAMS, S-ENTRY): the room page shell at /room/, the bundled
 * browser code under /build/ and /sdk/zhibo-sdk.js, and the room page's plugin reads
 * (room snapshot with the merchant's page URLs, replays, signed share links). Docs: docs/room-page.md.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  PluginErrorCode, PluginRoutes, ViewerHeaders, WebRoutes, compareVersions,
  type PluginError, type PluginReplaysResponse, type PluginRoomResponse, type ShareLinkResponse,
} from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX, type Clock, systemClock } from '@zhibo/core';
import { liveInfoGoods } from '../services/goods.js';
import type { Services } from '../services/index.js';
import { StaticFiles } from './web-static.js';
import { roomPageHtml } from './web-html.js';

type Q = Record<string, string | undefined>;

export interface WebOptions {
  /** where the bundles are (default: packages/server/public/build, next to src/ and dist/) */
  buildDir?: string;
  /** time for replay expiry and the page's countdown (tests pass their FakeClock) */
  clock?: Clock;
}

export const DEFAULT_BUILD_DIR = fileURLToPath(new URL('../../public/build/', import.meta.url));

const fail = (reply: FastifyReply, http: number, errcode: PluginError['errcode'], errmsg: string) => reply.code(http).send({ errcode, errmsg } satisfies PluginError);

function roomIdOf(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,10}$/.test(v) && Number(v) > 0 && Number(v) <= 2_147_483_647 ? Number(v) : undefined;
}

const SHARE_SCENES = [1007, 1008, 1044] as const;

/** The base URL the viewer reached us by: the configured public URL, else this request's host. */
function baseUrl(req: FastifyRequest, s: Services): string {
  if (s.config.publicUrl && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(s.config.publicUrl)) return s.config.publicUrl;
  const host = req.headers.host;
  return host ? `${req.protocol}://${host}` : s.urls().http;
}

export function webRoutes(app: FastifyInstance, s: Services, opts: WebOptions = {}): void {
  const files = new StaticFiles(opts.buildDir ?? DEFAULT_BUILD_DIR);
  const clock = opts.clock ?? systemClock;

  app.get(`${WebRoutes.build}*`, (req, reply) => files.send(req, reply, (req.params as { '*': string })['*'], false));
  app.get(WebRoutes.sdk, (req, reply) => files.send(req, reply, 'zhibo-sdk.js', true));
  app.get('/room', (req, reply) => {
    const i = req.url.indexOf('?');
    return reply.redirect(`${WebRoutes.roomPage}${i < 0 ? '' : req.url.slice(i)}`, 301);
  });

  // The page shell: the bundles do the rest. Title and share-preview tags come from the room.
  app.get(WebRoutes.roomPage, async (req, reply) => {
    const id = roomIdOf((req.query as Q).room_id);
    const room = id === undefined ? undefined : await s.rooms.getAny(id);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .send(roomPageHtml({ title: room?.name, description: room ? `${room.anchor_name} 的直播间` : undefined, image: room?.share_img || room?.cover_img, v: files.version('room.js') }));
  });

  // The room page's plugin reads: merchant pages may call them too (CORS; preflights are answered by
  // plugin.ts's OPTIONS /api/plugin/*). An encapsulated hook, so no other route pays for it.
  app.register(async (scoped) => {
    scoped.addHook('onRequest', async (_req, reply) => {
      reply.headers(CORS);
    });
    pageReads(scoped, s, clock);
  });
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': `${ViewerHeaders.deviceId}, ${ViewerHeaders.viewerToken}, ${ViewerHeaders.sdkVersion}, content-type`,
  'access-control-max-age': '600',
};

function pageReads(app: FastifyInstance, s: Services, clock: Clock): void {
  // S-PLAYER-2/-4: what the page shows before the real-time channel opens, and where goods/home links go.
  app.get(PluginRoutes.room, async (req, reply) => {
    const id = roomIdOf((req.query as Q).room_id);
    if (id === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
    const r = await s.rooms.getAny(id);
    if (!r) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${id} does not exist`);
    const appRow = await s.apps.get(r.appid);
    const settings = appRow?.settings ?? {};
    const shelf = r.close_goods ? [] : ((await s.goods.shelves([id])).get(id) ?? []).filter((g) => g.on_sale).map(liveInfoGoods);
    let min = s.config.minSdkVersion;
    const appMin = settings.minSdkVersion;
    if (typeof appMin === 'string' && /^\d+(\.\d+){0,3}$/.test(appMin) && compareVersions(appMin, min) > 0) min = appMin;
    const base = baseUrl(req, s);
    const str = (v: unknown) => (typeof v === 'string' && /^https?:\/\//.test(v) ? v : '');
    const body: PluginRoomResponse = {
      roomId: id,
      liveStatus: s.rooms.cachedStatus(id)?.status ?? r.live_status,
      name: r.name,
      anchorName: r.anchor_name,
      anchorImg: r.anchor_img,
      coverImg: r.cover_img,
      shareImg: r.share_img,
      startTime: r.start_time,
      endTime: r.end_time,
      screenType: r.screen_type,
      closeLike: r.close_like === 1,
      closeComment: r.close_comment === 1,
      closeGoods: r.close_goods === 1,
      closeShare: r.close_share === 1,
      closeReplay: r.close_replay === 1,
      goods: shelf,
      goodsBaseUrl: str(settings.goodsBaseUrl),
      homeUrl: str(settings.homeUrl),
      minSdkVersion: min,
      media: {
        flv: `${base}/live/${id}.flv`,
        wsFlv: `${base.replace(/^http/, 'ws')}/live/${id}.flv`,
        hls: `${base}/live/${id}/index.m3u8`,
      },
      serverTime: clock.now(),
    };
    return reply.header('cache-control', 'no-cache').send(body);
  });

  // S-PLAYER-5: the official replays of an ended live (ready, not expired), oldest first. The viewer's
  // page, not the merchant's API: no quota.
  app.get(WebRoutes.replays, async (req, reply) => {
    const id = roomIdOf((req.query as Q).room_id);
    if (id === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
    const c = s.rooms.cachedStatus(id);
    if (!c) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${id} does not exist`);
    const r = await s.rooms.getAny(id);
    const now = clock.now();
    const rows = r?.close_replay
      ? []
      : await s.db.query<{ session_id: string; create_time: number | null; expire_time: number | null; duration_sec: number | null }>(
          `SELECT session_id, create_time, expire_time, duration_sec FROM replays
           WHERE room_id = $1 AND status = 'ready' AND (expire_time IS NULL OR expire_time > $2) ORDER BY started_at, id LIMIT 100`,
          [id, now],
        );
    const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const base = baseUrl(req, s);
    const body: PluginReplaysResponse = {
      roomId: id,
      replays: rows.map((x) => ({ media_url: `${base}/replay/${id}/${x.session_id}.mp4`, create_time: iso(x.create_time), expire_time: iso(x.expire_time), duration_sec: x.duration_sec })),
    };
    return reply.header('cache-control', 'public, max-age=30').send(body);
  });

  // S-PARAMS-1/-3: a room link carrying the asking viewer's signed share_openid, to share.
  app.get(WebRoutes.shareLink, async (req, reply) => {
    const q = req.query as Q;
    const id = roomIdOf(q.room_id);
    if (id === undefined) return fail(reply, 400, PluginErrorCode.BadRequest, 'room_id must be a positive integer');
    const c = s.rooms.cachedStatus(id);
    if (!c) return fail(reply, 404, PluginErrorCode.RoomNotFound, `room ${id} does not exist`);
    const who = await s.identity.viewer(c.appid, req.headers[ViewerHeaders.deviceId] as string | undefined, req.headers[ViewerHeaders.viewerToken] as string | undefined);
    if (!who) return fail(reply, 401, PluginErrorCode.Unauthorized, `send a device id (${ViewerHeaders.deviceId}) or a valid viewer token (${ViewerHeaders.viewerToken})`);
    const sceneN = q.scene === undefined || q.scene === '' ? 1007 : Number(q.scene);
    const scene = SHARE_SCENES.find((x) => x === sceneN);
    if (!scene) return fail(reply, 400, PluginErrorCode.BadRequest, 'scene must be 1007, 1008 or 1044');
    const custom = q.custom_params ?? '';
    if (custom.length > CUSTOM_PARAMS_MAX) return fail(reply, 400, PluginErrorCode.BadRequest, `custom_params longer than ${CUSTOM_PARAMS_MAX} characters`);
    const shareOpenid = s.identity.openid(c.appid, who);
    const sig = s.identity.signShare(id, shareOpenid);
    const u = new URL(WebRoutes.roomPage, `${baseUrl(req, s)}/`);
    u.searchParams.set('room_id', String(id));
    if (custom) u.searchParams.set('custom_params', custom);
    u.searchParams.set('scene', String(scene));
    u.searchParams.set('share_openid', shareOpenid);
    u.searchParams.set('share_sig', sig);
    if (q.close_share_ticket === '1') u.searchParams.set('close_share_ticket', '1');
    const body: ShareLinkResponse = { url: u.toString(), share_openid: shareOpenid, share_sig: sig, scene };
    return reply.header('cache-control', 'private, no-store').send(body);
  });
}
