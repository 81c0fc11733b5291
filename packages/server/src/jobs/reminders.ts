/**
 * The reminder worker (issue 6): claims due outbox rows in batches (FOR UPDATE SKIP LOCKED, with a
 * lease), sends them at a configured rate (token bucket) with bounded concurrency, and records the
 * results in one transaction per batch. Transport is at-least-once; every delivery carries an
 * idempotency key so that receivers drop the repeat a crash between send and record can cause.
 * The go-live transition never waits for any of this: it only inserts rows.
 */
import { performance } from 'node:perf_hooks';
import { LiveStatus, ReminderChannel, ReminderEvent, type ReminderPushPayload } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { Db } from '../db/index.js';
import type { AppService } from '../services/apps.js';
import type { DomainEvents, TypedEmitter } from '../services/events.js';
import type { Log } from '../services/log.js';
import { type AttemptResult, DeliveryState, type OutboxJob, type ReminderOutbox } from '../services/reminder-outbox.js';
import { Poster, type SendOutcome, sendWebhook, sendWebPush } from '../services/reminder-channels.js';
import { reminderSettingsOf } from '../services/reminder-settings.js';
import { FANOUT_CHANNEL, type ReminderService } from '../services/reminders.js';

export interface ReminderPolicy {
  ratePerSec: number;
  concurrency: number;
  backoffMs: number;
  timeoutMs: number;
  leaseMs: number;
  pollMs: number;
}

const MAX_BACKOFF_MS = 30 * 60_000;
const MAX_BATCH = 256;

type PushTargets = Map<number, { endpoint: string; keys: { p256dh: string; auth: string } }>;

/** Tokens refill continuously at `rate` per second up to `capacity` (monotonic time: pacing, not domain time). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly rate: number, private readonly capacity: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = capacity;
    this.last = now();
  }
  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.rate) / 1000);
    this.last = t;
  }
  /** Take up to max whole tokens; returns how many were taken. */
  take(max: number): number {
    this.refill();
    const n = Math.max(0, Math.min(max, Math.floor(this.tokens)));
    this.tokens -= n;
    return n;
  }
  give(n: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }
  msUntil(n = 1): number {
    this.refill();
    return this.tokens >= n ? 0 : Math.ceil(((n - this.tokens) * 1000) / this.rate);
  }
}

export interface ReminderWorkerDeps {
  db: Db;
  clock: Clock;
  outbox: ReminderOutbox;
  reminders: ReminderService;
  apps: AppService;
  events: TypedEmitter<DomainEvents>;
  log: Log;
  policy: ReminderPolicy;
  /** public base URL of the server (the room page, the default VAPID subject) */
  baseUrl: () => string;
}

export class ReminderWorker {
  private readonly bucket: TokenBucket;
  private readonly poster: Poster;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private readonly inflight = new Set<Promise<void>>();
  /** claimed rows waiting for a token or a free slot */
  private ready: Array<{ job: OutboxJob; push: PushTargets; leaseEnd: number }> = [];
  /** a go-live or a replay: claim now rather than at the next poll */
  private moreWork = false;
  private results: AttemptResult[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly rooms = new Map<number, { name: string; startTime: number }>();
  private readonly off: Array<() => void> = [];
  private readonly stats = { sent: 0, retried: 0, dead: 0, gone: 0, lastWarnAt: 0, lastError: '' };

  constructor(private readonly d: ReminderWorkerDeps) {
    const p = d.policy;
    this.poster = new Poster(p.concurrency);
    this.bucket = new TokenBucket(p.ratePerSec, Math.max(1, Math.min(p.concurrency, Math.ceil(p.ratePerSec / 10))));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.off.push(
      this.d.events.on('status', (c) => {
        if (c.from !== LiveStatus.NotStarted || c.to !== LiveStatus.Live) return;
        const n = this.d.reminders.takeQueued(c.roomId);
        if (n !== undefined) this.d.log.info(`reminders: room ${c.roomId} went live, ${n} deliveries queued`);
        this.kick();
      }),
      this.d.events.on('roomChanged', ({ roomId, appid }) => {
        this.rooms.delete(roomId);
        const p: Promise<void> = this.d.reminders.roomEdited(roomId, appid)
          .then(() => this.kick(), (e: unknown) => this.d.log.error(`reminders: rescheduling room ${roomId}: ${(e as Error).message}`))
          .finally(() => this.inflight.delete(p));
        this.inflight.add(p); // so that stop() waits for it
      }),
    );
    this.loop = this.pump();
  }

  /** Look for due work now (after a go-live or a replay). */
  kick(): void {
    this.moreWork = true;
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const f of this.off.splice(0)) f();
    this.kick();
    await this.loop;
    // Claimed but not sent: hand them back at once (not after the lease) without using up an attempt.
    const unsent = this.ready.splice(0).map((r) => r.job);
    await this.d.outbox.release(unsent).catch((e: unknown) => this.warn(`releasing ${unsent.length} claimed deliveries failed: ${(e as Error).message}`));
    await Promise.allSettled([...this.inflight]);
    this.poster.close();
    clearTimeout(this.flushTimer);
    await this.flush();
  }

  private sleep(ms: number): Promise<void> {
    if (this.kicked) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.kicked = false;
        this.wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * Claim in batches into a local queue (one query per batch, not per delivery), then send one
   * by one under the token bucket and the concurrency limit. A batch is at most what the rate
   * sends in half a lease, and a queued row whose lease is about to run out is dropped (it is
   * claimed again), so a delivery never goes out on an expired lease.
   */
  private async pump(): Promise<void> {
    const p = this.d.policy;
    const batch = Math.max(1, Math.min(MAX_BATCH, p.concurrency * 4, Math.floor((p.ratePerSec * (p.leaseMs - p.timeoutMs)) / 2000)));
    const lowWater = Math.max(1, Math.floor(batch / 2));
    let idleUntil = 0;
    while (this.running) {
      if (this.ready.length < lowWater && (this.moreWork || performance.now() >= idleUntil)) {
        this.moreWork = false;
        const want = batch - this.ready.length;
        const got = await this.refill(want);
        if (got < want) idleUntil = performance.now() + p.pollMs;
      }
      if (!this.ready.length) {
        await this.sleep(Math.max(1, idleUntil - performance.now()));
        continue;
      }
      if (this.inflight.size >= p.concurrency) {
        await this.sleep(p.pollMs); // woken by a finished delivery
        continue;
      }
      if (this.bucket.take(1) === 0) {
        await this.sleep(Math.max(1, this.bucket.msUntil(1)));
        continue;
      }
      const next = this.ready.shift()!;
      if (this.d.clock.now() > next.leaseEnd - p.timeoutMs) {
        this.bucket.give(1);
        continue;
      }
      const run: Promise<void> = this.deliver(next.job, next.push)
        .catch((e: unknown) => this.warn(`delivery ${next.job.id} failed unexpectedly: ${(e as Error).message}`))
        .finally(() => {
          this.inflight.delete(run);
          this.wake?.();
        });
      this.inflight.add(run);
    }
  }

  /** Claim up to n due rows with what sending them needs (room names, push targets); returns how many. */
  private async refill(n: number): Promise<number> {
    const leaseEnd = this.d.clock.now() + this.d.policy.leaseMs;
    let jobs: OutboxJob[];
    let push: PushTargets;
    try {
      jobs = await this.d.outbox.claim(n, this.d.policy.leaseMs);
      if (!jobs.length) return 0;
      const missing = [...new Set(jobs.map((j) => j.room_id))].filter((id) => !this.rooms.has(id));
      if (missing.length) {
        if (this.rooms.size > 1000) this.rooms.clear();
        const rows = await this.d.db.query<{ id: number; name: string; start_time: number }>('SELECT id, name, start_time FROM rooms WHERE id = ANY($1::int[])', [missing]);
        for (const r of rows) this.rooms.set(r.id, { name: r.name, startTime: r.start_time });
      }
      push = await this.d.outbox.pushTargets(jobs.filter((j) => j.channel === ReminderChannel.WebPush).map((j) => j.source_id));
    } catch (e) {
      // Claimed rows are claimed again when their lease runs out: nothing is lost.
      if (this.running) this.warn(`claiming deliveries failed: ${(e as Error).message}`);
      return 0;
    }
    for (const job of jobs) this.ready.push({ job, push, leaseEnd });
    return jobs.length;
  }

  private async deliver(job: OutboxJob, pushTargets: PushTargets): Promise<void> {
    if (job.channel === FANOUT_CHANNEL) {
      await this.d.reminders.fanOutStartingSoon(job.id, job.room_id, job.attempts);
      this.kick();
      return;
    }
    const t0 = performance.now();
    const out = await this.send(job, pushTargets);
    const at = this.d.clock.now();
    const limit = this.d.outbox.limitOf(job);
    let state: DeliveryState;
    if (out === 'skipped') state = DeliveryState.Skipped;
    else if (out.ok) state = DeliveryState.Sent;
    else if (out.gone) state = DeliveryState.Gone;
    else if (out.permanent || job.attempts >= limit) state = DeliveryState.Dead;
    else state = DeliveryState.Pending;
    const r: AttemptResult = {
      id: job.id, attempt: job.attempts, state, at, durationMs: performance.now() - t0,
      nextAt: state === DeliveryState.Pending ? at + this.backoff(job.attempts) : null,
      statusCode: out === 'skipped' ? null : out.statusCode,
      error: out === 'skipped' ? `${job.channel} is turned off for this app, or the push subscription was removed` : out.error,
      goneEndpoint: out !== 'skipped' && out.gone ? pushTargets.get(job.source_id)?.endpoint : undefined,
    };
    this.count(r);
    this.results.push(r);
    if (this.results.length >= MAX_BATCH) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), 25);
  }

  private async send(job: OutboxJob, pushTargets: PushTargets): Promise<SendOutcome | 'skipped'> {
    const app = await this.d.apps.get(job.appid);
    if (!app) return 'skipped';
    const settings = reminderSettingsOf(app.settings);
    const room = this.rooms.get(job.room_id) ?? { name: '', startTime: 0 };
    const time = Math.floor(job.created_at / 1000);
    const event = job.event as ReminderEvent;
    const timeout = this.d.policy.timeoutMs;
    switch (job.channel) {
      case ReminderChannel.Webhook:
        if (!settings.webhookUrl) return 'skipped';
        return sendWebhook(this.poster, settings.webhookUrl, app.sign_key, { event, room_id: job.room_id, room_name: room.name, openid: job.openid, time, start_time: room.startTime, idempotency_key: job.idempotency_key }, timeout);
      case ReminderChannel.WebPush: {
        const target = pushTargets.get(job.source_id);
        if (!settings.webpush || !target) return 'skipped';
        const keys = await this.d.reminders.vapidKeys(job.appid);
        const base = this.d.baseUrl();
        const subject = settings.contact ?? (base.startsWith('https:') ? base : 'mailto:reminders@zhibo.invalid');
        const payload: ReminderPushPayload = {
          title: room.name || '直播提醒',
          body: event === ReminderEvent.LiveStartingSoon ? '直播即将开始' : '直播已开始，点击观看',
          url: `${base}/room/?room_id=${job.room_id}`,
          room_id: job.room_id, event, idempotency_key: job.idempotency_key, time,
        };
        return sendWebPush(this.poster, target, payload, { subject, ...keys }, timeout);
      }
      case ReminderChannel.InPage:
        if (!settings.inPage) return 'skipped';
        // Best effort by nature: recorded as sent when handed to the realtime gateway.
        this.d.events.emit('reminderInPage', { appid: job.appid, openid: job.openid, roomId: job.room_id, roomName: room.name, key: job.idempotency_key, at: this.d.clock.now() });
        return { ok: true, statusCode: null, error: null };
      default:
        return { ok: false, statusCode: null, error: `unknown channel ${job.channel}`, permanent: true };
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(MAX_BACKOFF_MS, this.d.policy.backoffMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  /** Group commit: one transaction records every finished attempt of the last few milliseconds. */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing = this.flushing.then(async () => {
      const batch = this.results.splice(0);
      if (!batch.length) return;
      try {
        await this.d.outbox.record(batch);
      } catch (e) {
        // Not recorded: the leases run out and these are sent again (same idempotency keys).
        this.warn(`recording ${batch.length} delivery results failed: ${(e as Error).message}`);
      }
    });
    return this.flushing;
  }

  private count(r: AttemptResult): void {
    const s = this.stats;
    if (r.state === DeliveryState.Sent) s.sent++;
    else if (r.state === DeliveryState.Pending) s.retried++;
    else if (r.state === DeliveryState.Dead) s.dead++;
    else if (r.state === DeliveryState.Gone) s.gone++;
    if (r.state !== DeliveryState.Sent && r.error) s.lastError = `delivery ${r.id}: ${r.error}`;
    if ((s.dead || s.retried || s.gone) && performance.now() - s.lastWarnAt > 10_000) {
      this.warn(`${s.retried} retried, ${s.dead} dead-lettered, ${s.gone} push subscriptions gone since the last report (last: ${s.lastError})`);
      s.retried = s.dead = s.gone = 0;
    }
  }

  /** At most one warning line every 10 s from the hot path. */
  private warn(msg: string): void {
    this.stats.lastWarnAt = performance.now();
    this.d.log.warn(`reminders: ${msg}`);
  }
}
