/** The share module's routes: WeChat's getsharedcode, the code image and poster, and a viewer's share link. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errcode, PluginRoutes, Reason, type ShareLinkResponse } from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import { ok, type WxRouter } from '../../http/wx.js';
import type { RoomService } from '../rooms/service.js';
import { customParamsOf, SHARE_SCENES, type ShareService } from './service.js';

export interface ShareRouteDeps {
  share: ShareService;
  rooms: RoomService;
  base(req: FastifyRequest): string;
  /** the app's time zone and language (app settings) for the pictures */
  locale(appid: string): Promise<{ timeZone: string; language: 'zh' | 'en' }>;
}

export function wxRoutes(r: WxRouter, d: ShareRouteDeps): void {
  r.get('/wxaapi/broadcast/room/getsharedcode', async ({ appid, query, req }) => {
    const room = await d.rooms.get(appid, query.roomId);
    // params = encodeURIComponent(JSON.stringify(custom_params)) (WeChat); a raw JSON string is accepted too.
    const links = d.share.links(room.id, customParamsOf(query.params), d.base(req));
    return ok({ cdnUrl: links.qrUrl, pagePath: links.pagePath, posterUrl: links.posterUrl });
  });
}

export function webRoutes(app: FastifyInstance, d: ShareRouteDeps): void {
  const roomOf = async (file: string | undefined, ext: string) => {
    const m = new RegExp(`^(\\d{1,10})\\.${ext}$`).exec(file ?? '');
    return m ? d.rooms.getAny(Number(m[1])) : undefined;
  };
  const missing = { errcode: Errcode.RoomNotFound, errmsg: 'room does not exist' };
  // S-ENTRY-1: the room's code image; it opens the room page with type=9.
  app.get('/qr/:file', async (req, reply) => {
    const room = await roomOf((req.params as { file?: string }).file, 'png');
    if (!room) return reply.code(404).send(missing);
    const png = await d.share.qrPng(room.id, (req.query as { params?: string }).params, d.base(req));
    return reply.type('image/png').header('cache-control', 'public, max-age=3600').send(png);
  });
  app.get('/poster/:file', async (req, reply) => {
    const file = (req.params as { file?: string }).file ?? '';
    const m = /^(\d{1,10})\.(png|jpg)$/.exec(file);
    const room = m ? await d.rooms.getAny(Number(m[1])) : undefined;
    if (!room) return reply.code(404).send(missing);
    const format = m![2] === 'jpg' ? 'jpeg' : 'png';
    const bytes = await d.share.poster(room, (req.query as { params?: string }).params, format, {
      ...(await d.locale(room.appid)),
      base: d.base(req),
    });
    return reply.type(`image/${format}`).header('cache-control', 'public, max-age=300').send(bytes);
  });
  // S-ENTRY-2: the picture of the article card (its link carries type=10).
  app.get('/card/:file', async (req, reply) => {
    const room = await roomOf((req.params as { file?: string }).file, 'jpg');
    if (!room) return reply.code(404).send(missing);
    return reply
      .type('image/jpeg')
      .header('cache-control', 'public, max-age=300')
      .send(await d.share.card(room, await d.locale(room.appid)));
  });
}

export function pluginRoutes(r: PluginRouter, d: ShareRouteDeps): void {
  r.route<{ scene?: number; custom_params?: string; close_share_ticket?: string }>({
    method: 'GET',
    path: PluginRoutes.shareLink,
    roomFrom: 'query',
    viewer: true,
    query: { scene: { type: 'integer' }, custom_params: { type: 'string' }, close_share_ticket: { type: 'string' } },
    async handler({ req, query: q, room, viewer }) {
      const scene = SHARE_SCENES.find((x) => x === (q.scene ?? 1007));
      if (!scene) throw new DomainError(Reason.BadParameter, 'scene must be 1007, 1008 or 1044', 'scene');
      const custom = q.custom_params ?? '';
      if (custom.length > CUSTOM_PARAMS_MAX)
        throw new DomainError(Reason.BadParameter, `custom_params longer than ${CUSTOM_PARAMS_MAX} characters`, 'custom_params');
      const link = d.share.viewerShareLink(d.base(req), room.id, viewer!.openid, scene, custom, q.close_share_ticket === '1');
      const body: ShareLinkResponse = { url: link.url, share_openid: viewer!.openid, share_sig: link.share_sig, scene };
      return body;
    },
  });
}
