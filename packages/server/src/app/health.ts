/**
 * Liveness and readiness. `/healthz`: the process serves HTTP (the CLI uses it to find a running server); it says what
 * is degraded — `disk_low` (below the free-space watermark), `db_stalled` (the embedded database has been running one
 * statement for over 10 s, e.g. a full disk) — and stays 200 because video and the API still work.
 * `/readyz`: every readiness probe passes — the database answers, the disk watermark is not crossed (read through
 * DiskWatermark; ok when none is configured, ZHIBO_DISK_MIN_FREE_MB=0), and whatever else registers a probe (Redis,
 * when it comes) — with each probe's reason in the body; 503 when one fails, so a load balancer stops sending traffic.
 */
import type { FastifyInstance } from 'fastify';
import type { Db, DbHealth } from '../db/index.js';
import type { DiskState } from '../lib/disk-watch.js';

export interface ProbeResult {
  ok: boolean;
  reason: string;
}

export interface ReadinessProbe {
  readonly name: string;
  check(): ProbeResult | Promise<ProbeResult>;
}

/** The disk watermark (another component measures free space): ok while writing recordings is safe. */
export interface DiskWatermark {
  state(): ProbeResult;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ProbeResult>;
}

export class Readiness {
  private readonly probes: ReadinessProbe[] = [];

  constructor(private readonly timeoutMs = 2000) {}

  add(p: ReadinessProbe): void {
    this.probes.push(p);
  }

  async check(): Promise<ReadinessReport> {
    const checks: Record<string, ProbeResult> = {};
    await Promise.all(
      this.probes.map(async (p) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<ProbeResult>((resolve) => {
          timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
        });
        try {
          checks[p.name] = await Promise.race([Promise.resolve().then(() => p.check()), late]);
        } catch (e) {
          checks[p.name] = { ok: false, reason: (e as Error).message };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}

export function databaseProbe(db: Db): ReadinessProbe {
  return {
    name: 'database',
    async check() {
      await db.query('SELECT 1');
      return { ok: true, reason: `${db.kind} answers` };
    },
  };
}

export function diskProbe(w: DiskWatermark | undefined): ReadinessProbe {
  return { name: 'disk', check: () => w?.state() ?? { ok: true, reason: 'no disk watermark configured' } };
}

export interface HealthSources {
  dbKind: string;
  db?: () => DbHealth;
  disk?: () => DiskState;
}

const MB = 1024 * 1024;

/** The disk watch as a readiness watermark: not ready while free space is below it (a watermark of 0 is none). */
export function diskWatermark(disk: () => DiskState): DiskWatermark {
  return {
    state() {
      const d = disk();
      const free = Number.isFinite(d.freeBytes) ? `${Math.floor(d.freeBytes / MB)} MB free` : 'free space unknown';
      // ZHIBO_DISK_MIN_FREE_MB=0 switches the watermark off: nothing to cross
      if (d.minFreeBytes <= 0) return { ok: true, reason: 'no disk watermark configured' };
      return d.low ? { ok: false, reason: `disk low: ${free}, below ${Math.floor(d.minFreeBytes / MB)} MB` } : { ok: true, reason: free };
    },
  };
}

export function healthRoutes(app: FastifyInstance, h: HealthSources, readiness: Readiness): void {
  app.get('/healthz', async () => {
    const disk = h.disk?.();
    const db = h.db?.();
    const degraded = [...(disk?.low ? ['disk_low'] : []), ...(db && db.busyMs > 10_000 ? ['db_stalled'] : [])];
    return {
      ok: true,
      db: h.dbKind,
      degraded,
      ...(disk
        ? {
            disk: {
              freeMb: Number.isFinite(disk.freeBytes) ? Math.floor(disk.freeBytes / MB) : null,
              minFreeMb: Math.floor(disk.minFreeBytes / MB),
              low: disk.low,
            },
          }
        : {}),
      ...(db ? { dbBusyMs: db.busyMs } : {}),
    };
  });
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness.check();
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(r);
  });
}
