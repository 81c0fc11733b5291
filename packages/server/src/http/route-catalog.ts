/**
 * What the HTTP app serves, recorded as it is registered (Fastify's onRoute hook on the root, so every scope's routes
 * are seen): method, full path, the transport it belongs to and the schema it was registered with. The OpenAPI
 * description (app/openapi.ts) and the metrics' route labels come from here, so neither can drift from the routes.
 * A route registered with config `described: false` (an error-only catch-all) is left out.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** set by WxRouter: does the route need `?access_token=` */
    wx?: { auth: boolean };
    /** false: a route that only answers an error (WHIP's 405 for the methods WHIP does not use) is left out of the catalog */
    described?: boolean;
  }
}

/** The transports of docs/architecture.md: each has its own envelope, auth and error shape. */
export type Transport = 'wx' | 'plugin' | 'admin' | 'console' | 'web';

export interface RegisteredRoute {
  method: string;
  /** the Fastify path (`/console/api/rooms/:id`), prefix included */
  url: string;
  transport: Transport;
  schema: FastifySchema | undefined;
  /** route config (WxRouter: `{wx: {auth}}`) */
  config: { wx?: { auth: boolean } };
}

export function transportOf(url: string): Transport {
  if (/^\/(cgi-bin|wxa|wxaapi)\//.test(url)) return 'wx';
  if (url.startsWith('/api/plugin/')) return 'plugin';
  if (url.startsWith('/admin/api')) return 'admin';
  if (url.startsWith('/console/api/')) return 'console';
  return 'web';
}

export class RouteCatalog {
  private readonly list: RegisteredRoute[] = [];

  /** Record every route registered on `app` or its scopes from now on. */
  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (r) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const method of methods) {
        // HEAD routes are Fastify's automatic twins of GET routes.
        if (method === 'HEAD' || r.config?.described === false) continue;
        this.list.push({ method, url: r.url, transport: transportOf(r.url), schema: r.schema, config: { wx: r.config?.wx } });
      }
    });
  }

  routes(): readonly RegisteredRoute[] {
    return this.list;
  }
}

/** `METHOD path`: how a route is named in descriptions (modules' schemas.ts) and logs. */
