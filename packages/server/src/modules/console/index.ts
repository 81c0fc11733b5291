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
import { accountRoutes, adminRoutes } from './routes-account.js';
import { goodsRoutes } from './routes-goods.js';
import { highlightRoutes } from './routes-highlights.js';
import { liveRoutes } from './routes-live.js';
import { reviewRoutes } from './routes-review.js';
import { roomRoutes } from './routes-rooms.js';
import { assistantRoutes } from './routes-assistant.js';
import { memberRoutes } from './routes-members.js';
import { statsRoutes } from './routes-stats.js';
import { RoomSampler } from './sampler.js';
import { LoginThrottle, THROTTLE_DEFAULTS, type ThrottlePolicy } from './login-throttle.js';
import { SharedLoginThrottle } from './shared-throttle.js';
import { KnownDevices, SESSION_DEFAULTS, type SessionPolicy, SessionService } from './sessions.js';
import { ConsoleSql } from './sql.js';

export { AccountService, Role } from './accounts.js';
export type { ConsoleDeps } from './deps.js';

export interface ConsoleOptions {
  session?: Partial<SessionPolicy>;
  /** sign-in backoff (tests lower it) */
  throttle?: Partial<ThrottlePolicy>;
  /** how often live rooms' viewers/likes are sampled for the chart (ms; 0 = never) */
  sampleMs?: number;
  /** where the console bundle is (scripts/build-web.mjs output) */
  buildDir: string;
}

export const PUBLIC_API_PATHS = new Set(['/console/api/login', '/console/api/session', '/console/api/operator/reset-password']);

export interface ConsoleModule {
  accounts: AccountService;
  sampler: RoomSampler;
  routes: { web(app: FastifyInstance): void; admin(scope: FastifyInstance): void };
  components: Component[];
}

export function create(d: ConsoleDeps & { db: Db }, opts: ConsoleOptions): ConsoleModule {
  const sql = new ConsoleSql(d.db);
  const accounts = new AccountService(sql, d.clock);
  const throttlePolicy = { ...THROTTLE_DEFAULTS, ...opts.throttle };
  const ctx: ConsoleCtx = {
    d,
    clock: d.clock,
    accounts,
    sessions: new SessionService(sql, d.clock, { ...SESSION_DEFAULTS, ...opts.session }),
    // Cluster mode: attempts, failures and locks counted by every node together (Redis).
    throttle: d.redis
      ? new SharedLoginThrottle(d.redis, d.clock, throttlePolicy, warnOnce(d.log))
      : new LoginThrottle(d.clock, throttlePolicy),
    devices: new KnownDevices(sql, d.clock),
    bySession: new WeakMap(),
  };
  const sampler = new RoomSampler(d, sql, opts.sampleMs ?? 15_000);
  return {
    accounts,
    sampler,
    routes: {
      web(app) {
        // not awaited: Fastify queues plugins and loads them at ready()/listen(), where a failing one is reported
        void app.register(
          async (api) => {
            installGate(api, ctx, PUBLIC_API_PATHS);
            accountRoutes(api, ctx);
            roomRoutes(api, ctx);
            goodsRoutes(api, ctx);
            reviewRoutes(api, ctx);
            liveRoutes(api, ctx);
            statsRoutes(api, ctx, sql);
            memberRoutes(api, ctx);
            highlightRoutes(api, ctx);
          },
          { prefix: '/console/api' },
        );
        // The assistant's phone desk: its own session (one room), not the console's.
        void app.register(async (api) => assistantRoutes(api, ctx), { prefix: '/console/assistant-api' });
        pageRoutes(app, opts.buildDir, d.sourceMaps);
      },
      admin(scope) {
        adminRoutes(scope, ctx);
      },
    },
    components: [sampler],
  };
}

/** A warning at most every 10 s (a Redis outage would otherwise log every sign-in). */
function warnOnce(log: ConsoleDeps['log']): (m: string) => void {
  let last = 0;
  return (m) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    log.warn(m);
  };
}
