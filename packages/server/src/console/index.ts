/**
 * The merchant console's server side (issue 5, docs/console.md): `consoleRoutes(app, services, clock)` is the
 * one line zhibo.ts calls. Everything goes through the existing services; this folder adds accounts,
 * sessions, ownership checks and the numbers the console shows.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Services } from '../services/index.js';
import { AccountService } from './accounts.js';
import type { ConsoleCtx } from './http.js';
import { installGate } from './http.js';
import { pageRoutes } from './page.js';
import { accountRoutes } from './routes-account.js';
import { goodsRoutes } from './routes-goods.js';
import { liveRoutes } from './routes-live.js';
import { roomRoutes } from './routes-rooms.js';
import { statsRoutes, tapRoutes } from './routes-stats.js';
import { RoomSampler } from './sampler.js';
import { LoginThrottle, SESSION_DEFAULTS, type SessionPolicy, SessionService } from './sessions.js';

export { ensureOperator, resetOperatorPassword, AccountService, Role } from './accounts.js';

export interface ConsoleOptions {
  session?: Partial<SessionPolicy>;
  /** how often live rooms' viewers/likes are sampled for the chart (ms; 0 = never) */
  sampleMs?: number;
}

export interface ConsoleHandle {
  ctx: ConsoleCtx;
  sampler: RoomSampler;
}

export const PUBLIC_API_PATHS = new Set(['/console/api/login', '/console/api/session', '/console/api/operator/reset-password']);

export function consoleRoutes(app: FastifyInstance, s: Services, clock: Clock, opts: ConsoleOptions = {}): ConsoleHandle {
  const ctx: ConsoleCtx = {
    s, clock,
    accounts: new AccountService(s.db, clock),
    sessions: new SessionService(s.db, clock, { ...SESSION_DEFAULTS, ...opts.session }),
    throttle: new LoginThrottle(clock),
    bySession: new WeakMap(),
  };
  const sampler = new RoomSampler(s, clock, opts.sampleMs ?? 15_000);
  app.register(async (api) => {
    installGate(api, ctx, PUBLIC_API_PATHS);
    accountRoutes(api, ctx);
    roomRoutes(api, ctx);
    goodsRoutes(api, ctx);
    liveRoutes(api, ctx);
    statsRoutes(api, ctx);
  }, { prefix: '/console/api' });
  tapRoutes(app, ctx);
  pageRoutes(app);
  app.addHook('onReady', async () => sampler.start());
  app.addHook('onClose', async () => sampler.close());
  return { ctx, sampler };
}
