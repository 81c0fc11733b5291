/** Room assistants and their phone sessions: owns `room_assistants`, `assistant_sessions`. */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { AppService } from '../apps/service.js';
import type { IdentityService } from '../identity/service.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { wxRoutes } from './routes.js';
import { AssistantService } from './service.js';
import { AssistantsSql } from './sql.js';

export { AssistantService, type AssistantSession } from './service.js';

export interface AssistantsDeps {
  db: Db;
  clock: Clock;
  rooms: RoomService;
  apps: AppService;
  identity: IdentityService;
}

export function create(d: AssistantsDeps): Module<AssistantService> {
  const service = new AssistantService(new AssistantsSql(d.db), d.clock, d.rooms, d.apps, d.identity);
  return { service, routes: { wx: (r) => wxRoutes(r, service) }, components: [] };
}
