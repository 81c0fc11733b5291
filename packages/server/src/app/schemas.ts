/** OpenAPI descriptions of the routes the composition root itself registers: health, metrics, the description itself, CORS preflights. */
import { anyObj, arr, bool, int, obj, type RouteDocs, str } from '../http/route-docs.js';

const probe = obj({ ok: bool(), reason: str() }, ['ok', 'reason']);

export const ROUTE_DOCS: RouteDocs = {
  'GET /healthz': {
    summary: 'Liveness: the process serves HTTP (200 even when degraded: alert on a non-empty degraded)',
    response: obj(
      {
        ok: bool(),
        db: str(undefined, { enum: ['pglite', 'postgres'] }),
        degraded: arr(
          str(undefined, { enum: ['disk_low', 'db_stalled'] }),
          'disk_low: below ZHIBO_DISK_MIN_FREE_MB; db_stalled: one statement of the embedded database runs over 10 s',
        ),
        disk: obj({ freeMb: { type: ['integer', 'null'] }, minFreeMb: int(), low: bool() }),
        dbBusyMs: int('embedded database: how long the running statement has run'),
      },
      ['ok', 'db', 'degraded'],
    ),
  },
  'GET /readyz': {
    summary: "Readiness: database reachable, disk watermark ok (503 with the failing probe's reason otherwise)",
    response: obj({ ready: bool(), checks: { type: 'object', additionalProperties: probe } }, ['ready', 'checks']),
  },
  'GET /metrics': { summary: 'Prometheus metrics (admin token; docs/operations.md lists them)', responseType: 'text/plain' },
  'GET /openapi.json': { summary: 'This description (OpenAPI 3.1)', response: anyObj() },
  'GET /admin/api/backup': {
    summary: 'A backup of the running server: the embedded database and the media files, as one tar (zhibo backup)',
    responseType: 'application/x-tar',
  },
  'OPTIONS /api/plugin/{path}': {
    summary: 'CORS preflight of the plugin API (204)',
    params: { path: str('any plugin API path') },
    status: 204,
  },
};
