/**
 * The OpenAPI 3.1 description of every HTTP route zhibo serves, built from what the app registered (RouteCatalog:
 * method, path, transport, the route's own Fastify schema) and the modules' descriptions (schemas.ts). Served at
 * /openapi.json and rendered into docs/api-reference.md; a test fails when the two sides do not match.
 */
import { SDK_VERSION } from '@zhibo/protocol';
import type { RegisteredRoute, Transport } from '../http/route-catalog.js';
import type { RouteDoc, RouteDocs, Schema } from '../http/route-docs.js';
import { PUBLIC_API_PATHS } from '../modules/console/index.js';

export type OpenApiDoc = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters?: Array<Record<string, unknown>>;
  requestBody?: Record<string, unknown>;
  responses: Record<string, Record<string, unknown>>;
}

export const TRANSPORT_TAGS: Record<Transport, string> = {
  wx: 'WeChat-compatible API',
  plugin: 'Plugin API',
  admin: 'Admin API',
  console: 'Console API',
  web: 'Pages, media and files',
};

/** `/rooms/:id` → `/rooms/{id}`; a wildcard `*` → `{path}`. */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replace(/\*$/, '{path}');

export const docKey = (r: Pick<RegisteredRoute, 'method' | 'url'>): string => `${r.method} ${openApiPath(r.url)}`;

/** Registered routes without a description. */
export function undescribed(routes: readonly RegisteredRoute[], docs: RouteDocs): string[] {
  return routes.map(docKey).filter((k) => !Object.hasOwn(docs, k));
}

/** Descriptions of no registered route (renamed or removed). */
export function stale(routes: readonly RegisteredRoute[], docs: RouteDocs): string[] {
  const keys = new Set(routes.map(docKey));
  return Object.keys(docs).filter((k) => !keys.has(k));
}

const COMPONENTS = {
  securitySchemes: {
    accessToken: { type: 'apiKey', in: 'query', name: 'access_token', description: 'From /cgi-bin/token' },
    adminToken: { type: 'http', scheme: 'bearer', description: 'DATA/admin-token or ZHIBO_ADMIN_TOKEN' },
    consoleSession: {
      type: 'apiKey',
      in: 'cookie',
      name: 'zhibo_console',
      description: 'From POST /console/api/login (`__Host-zhibo_console` over https); changes also need x-csrf-token',
    },
  },
  schemas: {
    WxOk: { type: 'object', properties: { errcode: { const: 0 }, errmsg: { const: 'ok' } }, required: ['errcode', 'errmsg'] },
    WxError: {
      type: 'object',
      description: 'Every WeChat answer is HTTP 200; errcode ≠ 0 is an error (docs/errors.md)',
      properties: { errcode: { type: 'integer' }, errmsg: { type: 'string' } },
      required: ['errcode', 'errmsg'],
    },
    PluginError: {
      type: 'object',
      properties: { errcode: { type: 'string' }, errmsg: { type: 'string' } },
      required: ['errcode', 'errmsg'],
    },
    FieldError: {
      type: 'object',
      description: 'The reason (docs/errors.md), a message, and the message per form field',
      properties: {
        error: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['error', 'message', 'fields'],
    },
  },
};

function security(r: RegisteredRoute): Array<Record<string, string[]>> {
  switch (r.transport) {
    case 'wx':
      return r.config.wx?.auth === false ? [] : [{ accessToken: [] }];
    case 'admin':
      return [{ adminToken: [] }];
    case 'console':
      return r.url === '/console/api/operator/reset-password'
        ? [{ adminToken: [] }]
        : PUBLIC_API_PATHS.has(r.url)
          ? []
          : [{ consoleSession: [] }];
    default:
      return r.url === '/metrics' ? [{ adminToken: [] }] : [];
  }
}

function parameters(r: RegisteredRoute, d: RouteDoc): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const m of openApiPath(r.url).matchAll(/\{([^}]+)\}/g))
    out.push({ name: m[1], in: 'path', required: true, schema: d.params?.[m[1]!] ?? { type: 'string' } });
  const own = r.schema?.querystring as { properties?: Record<string, Schema>; required?: string[] } | undefined;
  const props = { ...own?.properties, ...d.query };
  const required = new Set([...(own?.required ?? []), ...(d.required ?? [])]);
  for (const [name, schema] of Object.entries(props)) out.push({ name, in: 'query', required: required.has(name), schema });
  return out;
}

function answer(r: RegisteredRoute, d: RouteDoc): Record<string, Record<string, unknown>> {
  const type = d.responseType ?? 'application/json';
  const ok: Record<string, unknown> = { description: d.summary };
  if (r.transport === 'wx') {
    const success = d.response ? { allOf: [{ $ref: '#/components/schemas/WxOk' }, d.response] } : { $ref: '#/components/schemas/WxOk' };
    return { 200: { ...ok, content: { 'application/json': { schema: { anyOf: [success, { $ref: '#/components/schemas/WxError' }] } } } } };
  }
  if (d.response || type === 'application/json') ok.content = { [type]: { schema: d.response ?? {} } };
  else ok.content = { [type]: {} };
  const out: Record<string, Record<string, unknown>> = { [String(d.status ?? 200)]: ok };
  const err = r.transport === 'plugin' ? 'PluginError' : r.transport === 'admin' || r.transport === 'console' ? 'FieldError' : undefined;
  if (err)
    out.default = {
      description: 'An error (docs/errors.md)',
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${err}` } } },
    };
  else out.default = { description: 'An error (JSON `{error, message}`)' };
  return out;
}

function operation(r: RegisteredRoute, d: RouteDoc): Operation {
  const op: Operation = {
    operationId: `${r.method.toLowerCase()}${openApiPath(r.url).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: d.summary,
    tags: [TRANSPORT_TAGS[r.transport]],
    security: security(r),
    responses: answer(r, d),
  };
  if (d.description) op.description = d.description;
  const params = parameters(r, d);
  if (params.length) op.parameters = params;
  const body = d.body ?? (r.schema?.body as Schema | undefined);
  if (body) op.requestBody = { required: true, content: { [d.bodyType ?? 'application/json']: { schema: body } } };
  return op;
}

/** The document; routes without a description are left out (the test names them). */
export function buildOpenApi(routes: readonly RegisteredRoute[], docs: RouteDocs, serverUrl?: string): OpenApiDoc {
  const paths: OpenApiDoc['paths'] = {};
  for (const r of routes) {
    const d = docs[docKey(r)];
    if (!d) continue;
    (paths[openApiPath(r.url)] ??= {})[r.method.toLowerCase()] = operation(r, d);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'zhibo',
      version: SDK_VERSION,
      description:
        'Self-hosted live commerce, wire-compatible with WeChat Mini Program Live. Generated from the registered routes (docs/api-reference.md).',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: Object.values(TRANSPORT_TAGS).map((name) => ({ name })),
    paths,
    components: COMPONENTS,
  };
}
