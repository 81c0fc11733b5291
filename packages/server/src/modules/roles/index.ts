/** Members with WeChat's live roles (admin, anchor, operator): owns `app_roles`. */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { AppService } from '../apps/service.js';
import type { IdentityService } from '../identity/service.js';
import type { Module } from '../module.js';
import { wxRoutes } from './routes.js';
import { RoleService } from './service.js';
import { RolesSql } from './sql.js';

export { RoleService } from './service.js';

export interface RolesDeps {
  db: Db;
  clock: Clock;
  apps: AppService;
  identity: IdentityService;
  /** where the merchant grants a role (the console's Members page), for 300036's qrcode_url */
  consoleUrl: (appid: string, username: string) => string;
}

export function create(d: RolesDeps): Module<RoleService> {
  const service = new RoleService(new RolesSql(d.db), d.clock, d.apps, d.identity, d.consoleUrl);
  return { service, routes: { wx: (r) => wxRoutes(r, service) }, components: [] };
}
