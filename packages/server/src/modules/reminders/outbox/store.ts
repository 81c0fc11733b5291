/**
 * The reminder outbox's storage side (issue 6): claiming due rows with a lease, recording results
 * in one transaction per batch (group commit), the delivery log, and inspect + replay for operators.
 *
 * States: pending (due at available_at; while claimed, available_at is the lease end) → sent |
 * dead (attempts exhausted; replay puts it back) | gone (Web Push subscription expired: 404/410) |
 * skipped (channel turned off, or a "starting soon" reminder that became moot).
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../../db/index.js';

export const DeliveryState = { Pending: 'pending', Sent: 'sent', Dead: 'dead', Gone: 'gone', Skipped: 'skipped' } as const;
export type DeliveryState = (typeof DeliveryState)[keyof typeof DeliveryState];

/** A delivery (one subscription × channel × event) or a fan-out job (expanded into deliveries in chunks). */
export const OutboxKind = { Delivery: 'delivery', Fanout: 'fanout' } as const;
export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];

export interface OutboxJob {
  id: number;
  kind: OutboxKind;
  appid: string;
  source_kind: string;
  source_id: number;
  room_id: number;
  openid: string;
  channel: string;
  event: string;
  idempotency_key: string;
  /** this claim's attempt number (claims count: a crash mid-send uses one up) */
  attempts: number;
  max_attempts: number | null;
  created_at: number;
  /** a push message's id (followers' deliveries and its result callback) */
  ref_id: number | null;
  /** the body of a callback row */
  payload: string | null;
}

export interface AttemptResult {
  id: number;
  attempt: number;
  state: DeliveryState;
  /** next due time when state is pending (a retry) */
  nextAt: number | null;
  statusCode: number | null;
  error: string | null;
  at: number;
  durationMs: number;
  /** a subscription whose Web Push endpoint the push service says is gone: the endpoint is removed from every subscription */
  goneSubscription?: number;
  /** the push message this delivery belongs to (its result is reported when the last one is final) */
  refId?: number;
}

export interface DeliveryRow extends OutboxJob {
  state: DeliveryState;
  available_at: number;
  last_status: number | null;
  last_error: string | null;
  done_at: number | null;
}

export interface AttemptRow {
  attempt: number;
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

const JOB_COLS =
  'id, kind, appid, source_kind, source_id, room_id, openid, channel, event, idempotency_key, attempts, max_attempts, created_at, ref_id, payload';
const ROW_COLS = `${JOB_COLS}, state, available_at, last_status, last_error, done_at`;

export class ReminderOutbox {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly maxAttempts: number,
  ) {}

  /** Claim up to n due rows: FOR UPDATE SKIP LOCKED, lease = available_at moved to now + leaseMs. */
  async claim(n: number, leaseMs: number): Promise<OutboxJob[]> {
    const now = this.clock.now();
    return this.db.query<OutboxJob>(
      `WITH c AS (SELECT id FROM reminder_outbox WHERE state = 'pending' AND available_at <= $1 ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE reminder_outbox o SET available_at = $3, attempts = o.attempts + 1 FROM c WHERE o.id = c.id
       RETURNING ${JOB_COLS.split(', ')
         .map((c) => `o.${c}`)
         .join(', ')}`,
      [now, n, now + leaseMs],
    );
  }

  /**
   * Store a batch of results in one transaction. Fenced by the attempt number: a result of a
   * claim whose lease ran out (and was claimed again) does not overwrite the newer claim's state.
   */
  async record(results: AttemptResult[]): Promise<void> {
    if (!results.length) return;
    const col = <K extends keyof AttemptResult>(k: K) => results.map((r) => r[k] ?? null);
    const gone = [...new Set(results.map((r) => r.goneSubscription).filter((e): e is number => e !== undefined))];
    await this.db.tx(async (sql) => {
      await sql.query(
        `UPDATE reminder_outbox o SET state = v.state, available_at = COALESCE(v.next_at, o.available_at), last_status = v.code, last_error = v.err,
                done_at = CASE WHEN v.state = 'pending' THEN NULL ELSE v.at END
         FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::bigint[]) AS v(id, attempt, state, next_at, code, err, at)
         WHERE o.id = v.id AND o.attempts = v.attempt AND o.state = 'pending'`,
        [col('id'), col('attempt'), col('state'), col('nextAt'), col('statusCode'), col('error'), col('at')],
      );
      await sql.query(
        `INSERT INTO reminder_attempts (outbox_id, attempt, at, status_code, error, duration_ms)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::int[], $5::text[], $6::int[])`,
        [col('id'), col('attempt'), col('at'), col('statusCode'), col('error'), results.map((r) => Math.round(r.durationMs))],
      );
      if (gone.length)
        await sql.query(
          `UPDATE subscriptions SET push_endpoint = NULL, push_p256dh = NULL, push_auth = NULL
           WHERE push_endpoint IN (SELECT push_endpoint FROM subscriptions WHERE id = ANY($1::bigint[]) AND push_endpoint IS NOT NULL)`,
          [gone],
        );
    });
  }

  /** Give claimed rows back unsent (graceful stop): due now, and the claim does not count as an attempt. */
  async release(jobs: Array<Pick<OutboxJob, 'id' | 'attempts'>>): Promise<void> {
    if (!jobs.length) return;
    await this.db.query(
      `UPDATE reminder_outbox o SET available_at = $3, attempts = o.attempts - 1
       FROM unnest($1::bigint[], $2::int[]) AS v(id, attempt) WHERE o.id = v.id AND o.attempts = v.attempt AND o.state = 'pending'`,
      [jobs.map((j) => j.id), jobs.map((j) => j.attempts), this.clock.now()],
    );
  }

  /** Web Push targets of these subscriptions (absent: cancelled, or the endpoint was removed). */
  async pushTargets(subIds: number[]): Promise<Map<number, { endpoint: string; keys: { p256dh: string; auth: string } }>> {
    const out = new Map<number, { endpoint: string; keys: { p256dh: string; auth: string } }>();
    if (!subIds.length) return out;
    const rows = await this.db.query<{ id: number; push_endpoint: string; push_p256dh: string; push_auth: string }>(
      'SELECT id, push_endpoint, push_p256dh, push_auth FROM subscriptions WHERE id = ANY($1::bigint[]) AND push_endpoint IS NOT NULL',
      [subIds],
    );
    for (const r of rows) out.set(r.id, { endpoint: r.push_endpoint, keys: { p256dh: r.push_p256dh, auth: r.push_auth } });
    return out;
  }

  /** Attempt budget of a row: its own (after a replay) or the configured one. */
  limitOf(job: Pick<OutboxJob, 'max_attempts'>): number {
    return job.max_attempts ?? this.maxAttempts;
  }

  // ---- inspect and replay (admin API; the console shows them) ----

  /** Deliveries (or, with kind 'fanout', the fan-out jobs) matching the filter, oldest first. */
  async list(f: {
    roomId?: number;
    state?: string;
    channel?: string;
    kind?: OutboxKind;
    afterId?: number;
    limit?: number;
  }): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `SELECT ${ROW_COLS} FROM reminder_outbox
       WHERE kind = $6 AND ($1::int IS NULL OR room_id = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR channel = $3) AND id > $4
       ORDER BY id LIMIT $5`,
      [
        f.roomId ?? null,
        f.state ?? null,
        f.channel ?? null,
        f.afterId ?? 0,
        Math.min(Math.max(f.limit ?? 100, 1), 1000),
        f.kind ?? OutboxKind.Delivery,
      ],
    );
  }

  async get(id: number): Promise<(DeliveryRow & { log: AttemptRow[] }) | undefined> {
    const [row] = await this.db.query<DeliveryRow>(`SELECT ${ROW_COLS} FROM reminder_outbox WHERE id = $1`, [id]);
    if (!row) return undefined;
    const log = await this.db.query<AttemptRow>(
      'SELECT attempt, at, status_code, error, duration_ms FROM reminder_attempts WHERE outbox_id = $1 ORDER BY id',
      [id],
    );
    return { ...row, log };
  }

  /** Re-send dead letters (one, or all of a room): back to pending with a fresh attempt budget. */
  async replay(f: { id?: number; roomId?: number }): Promise<number> {
    const rows = await this.db.query(
      `UPDATE reminder_outbox SET state = 'pending', available_at = $3, max_attempts = attempts + $4, last_error = NULL, done_at = NULL
       WHERE state = 'dead' AND ($1::bigint IS NULL OR id = $1) AND ($2::int IS NULL OR room_id = $2) RETURNING id`,
      [f.id ?? null, f.roomId ?? null, this.clock.now(), this.maxAttempts],
    );
    return rows.length;
  }

  /** Rows waiting (pending: due now or later) and dead letters, by kind (metrics; done rows are counted as they finish). */
  async depth(): Promise<Array<{ kind: string; state: string; n: number }>> {
    return this.db.query<{ kind: string; state: string; n: number }>(
      `SELECT kind, CASE WHEN state = 'pending' AND available_at > $1 THEN 'scheduled' ELSE state END AS state, count(*)::int AS n
       FROM reminder_outbox WHERE state IN ('pending', 'dead') GROUP BY 1, 2`,
      [this.clock.now()],
    );
  }

  /** Deliveries of a room by channel and state, e.g. {webhook: {sent: 3, dead: 1}} (the app's WeChat event callbacks are not the room's). */
  async summary(roomId: number): Promise<Record<string, Record<string, number>>> {
    const rows = await this.db.query<{ channel: string; state: string; n: number }>(
      `SELECT channel, state, count(*)::int AS n FROM reminder_outbox WHERE room_id = $1 AND kind = 'delivery' AND source_kind <> 'callback'
       GROUP BY channel, state ORDER BY channel, state`,
      [roomId],
    );
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) (out[r.channel] ??= {})[r.state] = r.n;
    return out;
  }

  /** Storage collector: finished rows (sent or dead deliveries, done fan-outs) older than `before`, with their attempts. */
  async deleteFinished(before: number, limit: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM reminder_outbox WHERE id IN (SELECT id FROM reminder_outbox WHERE state <> 'pending' AND done_at < $1 ORDER BY done_at LIMIT $2) RETURNING id`,
      [before, limit],
    );
    return rows.length;
  }
}
