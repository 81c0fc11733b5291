/**
 * The merchant console's server side (docs/console.md): accounts, sessions, CSRF, ownership checks and the numbers it
 * shows, over module services only. Owns `console_accounts`, `console_sessions`, `room_samples`.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.js';
import type { Component } from '../module.js';
import { AccountService } from './accounts.js';
import type { ConsoleDeps } from './deps.js';
import { type ConsoleCtx, installGate } from './http.js';
import { pageRoutes } from './page.js';
import { accountRoutes } from './routes-account.js';
import { goodsRoutes } from './routes-goods.js';
import { liveRoutes } from './routes-live.js';
import { roomRoutes } from './routes-rooms.js';
import { statsRoutes } from './routes-stats.js';
import { RoomSampler } from './sampler.js';
import { SharedSignInThrottle } from '../../lib/shared-limits.js';
import { LoginThrottle, SESSION_DEFAULTS, type SessionPolicy, SessionService } from './sessions.js';
import { ConsoleSql } from './sql.js';

export { AccountService, Role } from './accounts.js';
export type { ConsoleDeps } from './deps.js';

export interface ConsoleOptions {
  session?: Partial<SessionPolicy>;
  /** how often live rooms' viewers/likes are sampled for the chart (ms; 0 = never) */
  sampleMs?: number;
  /** where the console bundle is (scripts/build-web.mjs output) */
  buildDir: string;
}

export const PUBLIC_API_PATHS = new Set(['/console/api/login', '/console/api/session', '/console/api/operator/reset-password']);

export interface ConsoleModule {
  accounts: AccountService;
  sampler: RoomSampler;
  routes: { web(app: FastifyInstance): void };
  components: Component[];
}

export function create(d: ConsoleDeps & { db: Db }, opts: ConsoleOptions): ConsoleModule {
  const sql = new ConsoleSql(d.db);
  const accounts = new AccountService(sql, d.clock);
  const ctx: ConsoleCtx = {
    d,
    clock: d.clock,
    accounts,
    sessions: new SessionService(sql, d.clock, { ...SESSION_DEFAULTS, ...opts.session }),
    // Cluster mode: failures and locks shared by every node (Redis).
    throttle: d.redis ? new SharedSignInThrottle(d.redis, new LoginThrottle(d.clock), d.clock) : new LoginThrottle(d.clock),
    bySession: new WeakMap(),
  };
  const sampler = new RoomSampler(d, sql, opts.sampleMs ?? 15_000);
  return {
    accounts,
    sampler,
    routes: {
      web(app) {
        void app.register(async (api) => {
          installGate(api, ctx, PUBLIC_API_PATHS);
          accountRoutes(api, ctx);
          roomRoutes(api, ctx);
          goodsRoutes(api, ctx);
          liveRoutes(api, ctx);
          statsRoutes(api, ctx, sql);
        }, { prefix: '/console/api' });
        pageRoutes(app, opts.buildDir);
      },
    },
    components: [sampler],
  };
}
