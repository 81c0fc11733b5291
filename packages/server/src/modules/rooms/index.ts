/** Rooms, their status lifecycle and timers: owns `rooms`, `room_events`, `timers`. */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { ImageService } from '../images/service.js';
import type { Module } from '../module.js';
import { adminRoutes, statusRoute, wxRoutes } from './routes.js';
import { type AnchorCheck, RoomService } from './service.js';
import { RoomsSql } from './sql.js';
import { TimerJob } from './timers.js';

export { RoomService, type AnchorCheck } from './service.js';
export { missing, roomIdOf } from './fields.js';
export { addSubAnchor, deleteSubAnchor, modifySubAnchor } from './subanchor.js';

export interface RoomsDeps {
  db: Db;
  clock: Clock;
  events: DomainBus;
  log: Log;
  images: ImageService;
  abnormalTimeoutMs: number;
  timerPollMs: number;
  /** false: tests with a fake clock drive timers themselves (timers.runDue()) */
  runTimers: boolean;
  /** the push URL for the sender of `req` (http/base-url.ts) */
  pushUrl: (roomId: number, streamKey: string, req?: FastifyRequest) => string;
  /** the app's customer-service URL ('' when none) */
  kfUrl: (appid: string) => Promise<string>;
  /** role checks of the anchor and sub-anchor (roles module) */
  anchorCheck: AnchorCheck;
  /** the room's WHIP endpoint for the sender of `req` (getpushurl's extra `whipUrl`); undefined when WHIP is off */
  whipUrl?: (roomId: number, req?: FastifyRequest) => string | undefined;
}

export interface RoomsModule extends Module<RoomService> {
  timers: TimerJob;
}

/** Builds the module and loads the status cache (hot reads need it before anything is served). */
export async function create(d: RoomsDeps): Promise<RoomsModule> {
  const service = new RoomService(
    new RoomsSql(d.db),
    d.clock,
    d.images,
    d.events,
    d.log,
    { abnormalTimeoutMs: d.abnormalTimeoutMs },
    d.anchorCheck,
  );
  const timers = new TimerJob(service, d.log, d.timerPollMs, d.runTimers);
  await service.loadStatusCache();
  return {
    service,
    timers,
    routes: {
      wx: (r) => wxRoutes(r, service, { pushUrl: d.pushUrl, kfUrl: d.kfUrl, whipUrl: d.whipUrl }),
      web: (a) => statusRoute(a, service),
      admin: (a) => adminRoutes(a, service),
    },
    // S-STATUS-8: due timers are settled when the server starts serving, then polled.
    components: [timers],
  };
}
