/**
 * How a route is described for the OpenAPI document (app/openapi.ts): each module lists its routes in its own
 * `schemas.ts`, keyed `METHOD /path` exactly as the route is registered (http/route-catalog.ts). Query and body are
 * JSON Schemas; routes registered with a Fastify schema (plugin API, admin API) need not repeat it. A test fails when
 * a registered route has no description, or a description names no registered route.
 */

export type Schema = Record<string, unknown>;

export interface RouteDoc {
  summary: string;
  description?: string;
  /** query string parameters (properties), besides what the route's own schema declares */
  query?: Record<string, Schema>;
  /** required query parameters */
  required?: string[];
  /** path parameters (default: strings) */
  params?: Record<string, Schema>;
  /** the request body (JSON unless bodyType says otherwise) */
  body?: Schema;
  bodyType?: string;
  /** the success answer (JSON unless responseType says otherwise); for the WeChat API, the fields besides errcode/errmsg */
  response?: Schema;
  responseType?: string;
  /** the success status (default 200) */
  status?: number;
}

export type RouteDocs = Record<string, RouteDoc>;

/* Small builders, so descriptions stay short. */
export const str = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
export const int = (description?: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
export const num = (description?: string): Schema => ({ type: 'number', ...(description ? { description } : {}) });
export const bool = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
export const flag = (description?: string): Schema => ({ type: 'integer', enum: [0, 1], ...(description ? { description } : {}) });
export const arr = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });
export const obj = (properties: Record<string, Schema>, required: string[] = [], description?: string): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  ...(description ? { description } : {}),
});
/** any JSON object (free-form) */
export const anyObj = (description?: string): Schema => ({ type: 'object', ...(description ? { description } : {}) });
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });

export const ROOM_ID = int('room id', { minimum: 1 });
export const APPID = str('app id (wx + hex)', { pattern: '^wx[0-9a-f]{1,32}$' });
export const LIVE_STATUS = int('101 live, 102 not started, 103 ended, 104 banned, 105 paused, 106 abnormal, 107 expired', {
  enum: [101, 102, 103, 104, 105, 106, 107],
});
/** `{ok: true}` (console) */
export const OK = obj({ ok: { type: 'boolean', const: true } }, ['ok']);
/** A product as the room shows it (LiveInfoGoods: prices in fen). */
export const LIVE_GOODS = obj({
  cover_img: str(),
  url: str(),
  price: int('fen'),
  name: str(),
  goods_id: int(),
  price2: int('fen'),
  price_type: int('1 one price, 2 range, 3 discount', { enum: [1, 2, 3] }),
});
/** A chat comment (ChatComment). */
export const COMMENT = obj({
  id: str(),
  openid: str(),
  nick: str(),
  role: str('anchor: sent by the anchor or merchant', { const: 'anchor' }),
  text: str('plain text'),
  at: int('ms epoch'),
});
