/**
 * Liveness and state: `/healthz` answers while the process serves HTTP (the CLI uses it to find a running server).
 * It says what is degraded: `disk_low` (below the free-space watermark), `db_stalled` (the embedded database has been
 * running one statement for over 10 s — e.g. a full disk); the answer stays 200 because video and the API still work.
 */
import type { FastifyInstance } from 'fastify';
import type { DbHealth } from '../db/index.js';
import type { DiskState } from '../lib/disk-watch.js';

export interface HealthSources {
  dbKind: string;
  db?: () => DbHealth;
  disk?: () => DiskState;
}

const MB = 1024 * 1024;

export function healthRoutes(app: FastifyInstance, h: HealthSources): void {
  app.get('/healthz', async () => {
    const disk = h.disk?.();
    const db = h.db?.();
    const degraded = [...(disk?.low ? ['disk_low'] : []), ...(db && db.busyMs > 10_000 ? ['db_stalled'] : [])];
    return {
      ok: true,
      db: h.dbKind,
      degraded,
      ...(disk ? { disk: { freeMb: Number.isFinite(disk.freeBytes) ? Math.floor(disk.freeBytes / MB) : null, minFreeMb: Math.floor(disk.minFreeBytes / MB), low: disk.low } } : {}),
      ...(db ? { dbBusyMs: db.busyMs } : {}),
    };
  });
}
