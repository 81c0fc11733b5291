/**
 * The viewer's web side (S-PLAYER, S-PARAMS): the room page shell at /room/, the bundled browser code under /build/
 * and /sdk/zhibo-sdk.js, and the room page's snapshot read (room, shelf, the merchant's page URLs, media URLs).
 * Docs: docs/room-page.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { compareVersions, type PluginRoomResponse, PluginRoutes, WebRoutes } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { positiveId } from '../../lib/ids.js';
import { absoluteUrl } from '../../http/base-url.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import { StaticFiles } from '../../http/static.js';
import type { AppService } from '../apps/service.js';
import type { GoodsService } from '../goods/service.js';
import type { RoomService } from '../rooms/service.js';
import { appLocale } from '../apps/settings.js';
import { ROOM_PAGE_CSP, roomPageHtml, shellLanguage } from './html.js';
import type { RoomReadCache } from './room-cache.js';

/** The room read without what changes per request (status from memory, links from the request's host, time). */
export type CachedRoomRead = Omit<PluginRoomResponse, 'liveStatus' | 'media' | 'serverTime'>;

export interface WebDeps {
  clock: Clock;
  rooms: RoomService;
  goods: GoodsService;
  apps: AppService;
  files: StaticFiles;
  minSdkVersion: string;
  base(req: FastifyRequest): string;
  /** per-room cache of the room read (dropped on room, shelf and app changes) */
  roomCache?: RoomReadCache<CachedRoomRead>;
}

export function webRoutes(app: FastifyInstance, d: WebDeps): void {
  // player libraries are imported by the SDK's mini-player on merchants' pages too: CORS for them
  app.get(`${WebRoutes.build}*`, (req, reply) => {
    const file = (req.params as { '*': string })['*'];
    return d.files.send(req, reply, file, file.startsWith('vendor/'));
  });
  app.get(WebRoutes.sdk, (req, reply) => d.files.send(req, reply, 'zhibo-sdk.js', true));
  app.get('/room', (req, reply) => {
    const i = req.url.indexOf('?');
    return reply.redirect(`${WebRoutes.roomPage}${i < 0 ? '' : req.url.slice(i)}`, 301);
  });

  // The page shell: the bundles do the rest. Title and share-preview tags come from the room.
  app.get(WebRoutes.roomPage, async (req, reply) => {
    const id = positiveId((req.query as { room_id?: string }).room_id);
    const room = id === undefined ? undefined : await d.rooms.getAny(id);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-language')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', ROOM_PAGE_CSP)
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .send(
        roomPageHtml({
          title: room?.name,
          description: room ? `${room.anchor_name} 的直播间` : undefined,
          image: room ? absoluteUrl(room.share_img || room.cover_img, d.base(req)) : undefined,
          v: d.files.version('room.js'),
          lang: shellLanguage(req.headers['accept-language']),
        }),
      );
  });
}

/** S-PLAYER-2/-4: what the page shows before the real-time channel opens, and where goods/home links go. */
export function pluginRoutes(r: PluginRouter, d: WebDeps): void {
  r.route({
    method: 'GET',
    path: PluginRoutes.room,
    roomFrom: 'query',
    cache: 'no-cache',
    async handler({ req, room: c }) {
      const id = c.id;
      const read = d.roomCache ? await d.roomCache.get(id, () => readRoom(d, id)) : await readRoom(d, id);
      const base = d.base(req);
      const body: PluginRoomResponse = {
        ...read,
        liveStatus: c.status,
        // images are stored as paths (/img/ID): the reader gets them on the address it came in by
        anchorImg: absoluteUrl(read.anchorImg, base),
        coverImg: absoluteUrl(read.coverImg, base),
        shareImg: absoluteUrl(read.shareImg, base),
        goods: read.goods.map((g) => ({ ...g, cover_img: absoluteUrl(g.cover_img, base) })),
        media: {
          flv: `${base}/live/${id}.flv`,
          wsFlv: `${base.replace(/^http/, 'ws')}/live/${id}.flv`,
          hls: `${base}/live/${id}/index.m3u8`,
        },
        serverTime: d.clock.now(),
      };
      return body;
    },
  });
}

/** What the room read shows from storage (the part that is cached). */
async function readRoom(d: WebDeps, id: number): Promise<CachedRoomRead> {
  const room = await d.rooms.getAny(id);
  if (!room) throw new Error(`room ${id} vanished`);
  const settings = (await d.apps.get(room.appid))?.settings ?? {};
  const shelf = room.close_goods ? [] : await d.goods.onSale(id);
  let min = d.minSdkVersion;
  const appMin = settings.minSdkVersion;
  if (typeof appMin === 'string' && /^\d+(\.\d+){0,3}$/.test(appMin) && compareVersions(appMin, min) > 0) min = appMin;
  const str = (v: unknown) => (typeof v === 'string' && /^https?:\/\//.test(v) ? v : '');
  return {
    roomId: id,
    name: room.name,
    anchorName: room.anchor_name,
    anchorImg: room.anchor_img,
    coverImg: room.cover_img,
    shareImg: room.share_img,
    startTime: room.start_time,
    endTime: room.end_time,
    screenType: room.screen_type,
    closeLike: room.close_like === 1,
    closeComment: room.close_comment === 1,
    closeGoods: room.close_goods === 1,
    closeShare: room.close_share === 1,
    closeReplay: room.close_replay === 1,
    kfUrl: room.close_kf === 1 ? '' : str(settings.kfUrl),
    goods: shelf,
    goodsBaseUrl: str(settings.goodsBaseUrl),
    homeUrl: str(settings.homeUrl),
    minSdkVersion: min,
    timeZone: appLocale(settings).timeZone,
  };
}
