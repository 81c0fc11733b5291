/** Replays: owns `replays`. Recordings arrive from the live module; the expiry job deletes files after a year. */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { Log } from '../../lib/log.js';
import type { Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { ReplayExpiryJob } from './job.js';
import { pluginRoutes, webRoutes } from './routes.js';
import { ReplayService } from './service.js';
import { ReplaysSql } from './sql.js';

export { ReplayService, isoSeconds } from './service.js';
export type { ReplayRow } from './sql.js';

export interface ReplaysDeps {
  db: Db;
  clock: Clock;
  log: Log;
  ttlDays: number;
  rooms: RoomService;
  base(req: FastifyRequest): string;
}

export function create(d: ReplaysDeps): Module<ReplayService> & { expiry: ReplayExpiryJob } {
  const service = new ReplayService(new ReplaysSql(d.db), d.clock, d.log, d.ttlDays);
  const expiry = new ReplayExpiryJob(service, d.log);
  const replayClosed = async (roomId: number) => (await d.rooms.getAny(roomId))?.close_replay === 1;
  return {
    service,
    expiry,
    routes: { web: (a) => webRoutes(a, service, replayClosed), plugin: (r) => pluginRoutes(r, { replays: service, replayClosed, base: (req) => d.base(req) }) },
    components: [expiry],
  };
}
