import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../src/app/api-docs.js';
import { buildOpenApi, stale, undescribed } from '../src/app/openapi.js';
import { startOpsServer } from './ops-helpers.js';

type Server = Awaited<ReturnType<typeof startOpsServer>>;

describe('the OpenAPI description (/openapi.json)', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startOpsServer();
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it('every registered route has a description in a schemas.ts, and every description names a registered route', () => {
    const routes = s.z.routes.routes();
    expect(routes.length).toBeGreaterThan(100);
    expect(undescribed(routes, ROUTE_DOCS)).toEqual([]);
    expect(stale(routes, ROUTE_DOCS)).toEqual([]);
  });

  it('a route registered without a description is named by undescribed() (the check can fail)', () => {
    const extra = { method: 'GET', url: '/brand-new/:id', transport: 'web' as const, schema: undefined, config: {} };
    expect(undescribed([...s.z.routes.routes(), extra], ROUTE_DOCS)).toEqual(['GET /brand-new/{id}']);
    expect(stale([], { 'GET /gone': { summary: 'x' } })).toEqual(['GET /gone']);
  });

  it('GET /openapi.json is a valid OpenAPI 3.1 document covering the WeChat, plugin, admin and console APIs', async () => {
    const r = await fetch(`${s.url}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as {
      openapi: string;
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, { security: unknown[]; tags: string[] }>>;
    };
    const v = new Validator();
    const res = await v.validate(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(v.version).toBe('3.1');
    expect(doc.servers[0]!.url).toBe(s.url);
    expect(doc.paths['/wxa/business/getliveinfo']!.post!.security).toEqual([{ accessToken: [] }]);
    expect(doc.paths['/cgi-bin/token']!.get!.security).toEqual([]);
    expect(doc.paths['/admin/api/rooms/{id}/events']!.get!.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/console/api/rooms/{id}']!.put!.security).toEqual([{ consoleSession: [] }]);
    expect(doc.paths['/console/api/login']!.post!.security).toEqual([]);
    const tags = new Set(Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((o) => o.tags)));
    expect([...tags].sort()).toEqual(['Admin API', 'Console API', 'Pages, media and files', 'Plugin API', 'WeChat-compatible API']);
  });

  it("a plugin route's query parameters come from its registered schema (room_id required, integer)", () => {
    const doc = buildOpenApi(s.z.routes.routes(), ROUTE_DOCS);
    const params = (doc.paths['/api/plugin/v1/share-link']!.get!.parameters ?? []) as Array<{
      name: string;
      required: boolean;
      schema: { type: string };
    }>;
    expect(params.find((p) => p.name === 'room_id')).toMatchObject({ required: true, schema: { type: 'integer' } });
    expect(params.map((p) => p.name).sort()).toEqual(['close_share_ticket', 'custom_params', 'room_id', 'scene']);
  });

  it('a broken document fails validation (the validator is not a rubber stamp)', async () => {
    const doc = buildOpenApi(s.z.routes.routes(), ROUTE_DOCS);
    const op = doc.paths['/healthz']!.get!;
    op.parameters = [{ name: 'x', in: 'body' }];
    const res = await new Validator().validate(doc);
    expect(res.valid).toBe(false);
  });
});
