/** Share links, code images and posters (S-ENTRY, S-PARAMS). Owns no table. */
import type { FastifyRequest } from 'fastify';
import type { AppService } from '../apps/service.js';
import { appLocale } from '../apps/settings.js';
import type { IdentityService } from '../identity/service.js';
import type { ImageService } from '../images/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { pluginRoutes, webRoutes, wxRoutes } from './routes.js';
import { ShareService } from './service.js';

export { ShareService } from './service.js';

export interface ShareDeps {
  identity: IdentityService;
  images: ImageService;
  rooms: RoomService;
  publicUrl: () => string;
  base(req: FastifyRequest): string;
  apps: AppService;
}

export function create(d: ShareDeps): Module<ShareService> {
  const service = new ShareService(d.identity, d.images, d.publicUrl);
  const locale = async (appid: string) => appLocale((await d.apps.get(appid))?.settings);
  const rd = { share: service, rooms: d.rooms, base: (req: FastifyRequest) => d.base(req), locale };
  return {
    service,
    routes: { wx: (r) => wxRoutes(r, rd), web: (a) => webRoutes(a, rd), plugin: (r) => pluginRoutes(r, rd) },
    components: [{ name: 'QR renderer', stop: () => service.close() }],
  };
}
