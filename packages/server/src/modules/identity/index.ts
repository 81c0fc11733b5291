/** Viewer identity (openids, signed share links, merchant viewer tokens): owns `meta` (the installation key). */
import type { Db } from '../../db/index.js';
import { randomHex } from '../../lib/crypto.js';
import type { PluginViewer } from '../../http/plugin-api.js';
import type { AppService } from '../apps/service.js';
import type { Module } from '../module.js';
import { pluginRoutes } from './routes.js';
import { IdentityService } from './service.js';
import { MetaSql } from './sql.js';

export { IdentityService } from './service.js';

export interface IdentityDeps {
  db: Db;
  apps: AppService;
}

export async function create(d: IdentityDeps): Promise<Module<IdentityService>> {
  const service = new IdentityService(await new MetaSql(d.db).value('install_key', () => randomHex(32)), d.apps);
  return { service, routes: { plugin: (r) => pluginRoutes(r, service) }, components: [] };
}

/** The plugin API's viewer resolver: the identity from the headers, and its openid for the room's app. */
export async function resolveViewer(
  identity: IdentityService,
  appid: string,
  deviceId: string | undefined,
  token: string | undefined,
): Promise<PluginViewer | undefined> {
  const who = await identity.viewer(appid, deviceId, token);
  return who ? { ...who, openid: identity.openid(appid, who) } : undefined;
}
