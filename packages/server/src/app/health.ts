/**
 * Liveness and readiness. `/healthz`: the process serves HTTP (the CLI uses it to find a running server).
 * `/readyz`: every readiness probe passes — the database answers, the disk watermark is not crossed (read through
 * DiskWatermark; ok when none is configured), and whatever else registers a probe (Redis, when it comes) — with each
 * probe's reason in the body; 503 when one fails, so a load balancer stops sending traffic.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.js';

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
    await Promise.all(this.probes.map(async (p) => {
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
    }));
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

export function healthRoutes(app: FastifyInstance, dbKind: string, readiness: Readiness): void {
  app.get('/healthz', async () => ({ ok: true, db: dbKind }));
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness.check();
    return reply.code(r.ready ? 200 : 503).header('cache-control', 'no-store').send(r);
  });
}
