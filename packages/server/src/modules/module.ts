/**
 * The shape of a feature module (docs/architecture.md): `create(deps)` takes a typed subset of what the composition
 * root has, and returns the module's service (what other modules may call), its routes (registered by the root on
 * the right transport) and its components (started and stopped by the root, in one ordered list).
 * A module's tables are touched only by its `sql.ts` / `store.ts` (a lint rule); other modules use its service.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { WxRouter } from '../http/wx.js';
import type { PluginRouter } from '../http/plugin-api.js';

/** Something with a lifetime: started in list order, stopped in reverse (app/components.ts). */
export interface Component {
  readonly name: string;
  start?(): Promise<void> | void;
  /** idempotent; must not throw for a component that never started */
  stop?(): Promise<void> | void;
  /** how long stop() may take before the cascade goes on without it (default 10 s; 1 s while the database is stuck) */
  readonly stopTimeoutMs?: number;
}

/** Where a module's routes go: each transport has its envelope, auth and error shape. */
export interface ModuleRoutes {
  /** WeChat-compatible API (`/cgi-bin`, `/wxa`, `/wxaapi`): access_token, `{errcode, errmsg}` */
  wx?(r: WxRouter): void;
  /** plugin API (`/api/plugin/v1`): CORS, room + viewer resolved, `{errcode, errmsg}` */
  plugin?(r: PluginRouter): void;
  /** the operator's admin API (`/admin/api`): bearer token, `{error, message}` */
  admin?(app: FastifyInstance): void;
  /** anything else at the root (pages, media delivery, files) — each route owns its answer */
  web?(app: FastifyInstance): void;
  /** WebSocket upgrades: true when the path is this module's (it then owns the socket) */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export interface Module<S> {
  service: S;
  routes: ModuleRoutes;
  components: Component[];
}
