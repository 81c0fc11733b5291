/** Apps and access tokens: owns `apps`, `access_tokens`. */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Module } from '../module.js';
import { adminRoutes, wxRoutes } from './routes.js';
import { AppService, type TokenPolicy } from './service.js';
import { AppsSql } from './sql.js';

export { AppService } from './service.js';
export type { CompatProfile } from './settings.js';

export interface AppsDeps {
  db: Db;
  clock: Clock;
  events: DomainBus;
  tokens: TokenPolicy;
}

export function create(d: AppsDeps): Module<AppService> {
  const service = new AppService(new AppsSql(d.db), d.clock, d.tokens, d.events);
  return { service, routes: { wx: (r) => wxRoutes(r, service), admin: (a) => adminRoutes(a, service) }, components: [] };
}
