/**
 * The reminder worker: a pump. It claims due outbox rows in batches (FOR UPDATE SKIP LOCKED, with a lease), expands
 * fan-out rows in bounded chunks, and hands each delivery to its channel (channels/*) at a configured rate (token
 * bucket) with bounded concurrency; results are recorded in one transaction per batch. Transport is at-least-once;
 * every delivery carries an idempotency key so that receivers drop the repeat a crash between send and record can
 * cause. The go-live transition never waits for any of this: it only inserts one row.
 */
import { performance } from 'node:perf_hooks';
import { LiveStatus, ReminderEvent } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import { type Bucket, localBuckets, type BucketFactory } from '../../lib/shared-limits.js';
import type { AppService } from '../apps/service.js';
import type { Component } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import type { Channel, Delivery, SendOutcome } from './channels/channel.js';
import { type AttemptResult, DeliveryState, type OutboxJob, OutboxKind, type ReminderOutbox } from './outbox/store.js';
import type { ReminderService } from './service.js';
import { channelsOf, reminderSettingsOf } from './settings.js';
import type { RemindersSql } from './sql.js';

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

/** Some result of this push message's deliveries is final (a retry still pending cannot complete the message). */
const hasFinal = (batch: AttemptResult[], refId: number) => batch.some((r) => r.refId === refId && r.state !== DeliveryState.Pending);

export interface ReminderWorkerDeps {
  clock: Clock;
  outbox: ReminderOutbox;
  sql: RemindersSql;
  reminders: ReminderService;
  apps: AppService;
  rooms: RoomService;
  events: DomainBus;
  log: Log;
  policy: ReminderPolicy;
  channels: Channel[];
  /** push targets of the claimed batch (Web Push channel) are loaded with the batch */
  pushTargets: { load(subIds: number[]): Promise<void> };
  /** public base URL of the server (the room page, the default VAPID subject) */
  baseUrl: () => string;
  /** subscriptions expanded per fan-out chunk */
  fanoutChunk: number;
  /** results of push messages' deliveries were recorded (followers: report the messages that are complete) */
  afterRecord?(messageIds: number[]): Promise<void>;
  /** the send-rate bucket: per process (default) or cluster-wide */
  buckets?: BucketFactory;
}

export class ReminderWorker implements Component {
  readonly name = 'reminder worker';
  private readonly bucket: Bucket;
  private readonly channels: Map<string, Channel>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private readonly inflight = new Set<Promise<void>>();
  /** claimed rows waiting for a token or a free slot */
  private ready: Array<{ job: OutboxJob; leaseEnd: number }> = [];
  /** a go-live or a replay: claim now rather than at the next poll */
  private moreWork = false;
  private results: AttemptResult[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly rooms = new Map<number, { name: string; startTime: number }>();
  /** fan-out job → deliveries queued so far (for the one log line when it is done) */
  private readonly fanned = new Map<number, number>();
  private readonly off: Array<() => void> = [];
  private readonly stats = { sent: 0, retried: 0, dead: 0, gone: 0, lastWarnAt: 0, lastError: '' };

  constructor(private readonly d: ReminderWorkerDeps) {
    const p = d.policy;
    this.channels = new Map(d.channels.map((c) => [c.name, c]));
    // Cluster mode: one send rate for the whole cluster (a bucket shared through Redis).
    this.bucket = (d.buckets ?? localBuckets)(
      'reminders',
      p.ratePerSec,
      Math.max(1, Math.min(p.concurrency, Math.ceil(p.ratePerSec / 10))),
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.off.push(
      this.d.events.on('status', (c) => {
        if (c.from === LiveStatus.NotStarted && c.to === LiveStatus.Live) this.kick();
      }),
      this.d.events.on('roomChanged', ({ roomId, appid }) => {
        this.rooms.delete(roomId);
        this.track(this.rescheduleIfNeeded(appid));
      }),
      this.d.events.on('appChanged', ({ appid }) => this.track(this.rescheduleIfNeeded(appid))),
    );
    this.loop = this.pump();
  }

  /** A planned start or the app's settings changed: move the "starting soon" fan-outs. */
  private async rescheduleIfNeeded(appid: string): Promise<void> {
    try {
      if ((await this.d.reminders.settings(appid)).beforeStartMinutes === null) return;
      await this.d.reminders.reschedule(appid);
      this.kick();
    } catch (e) {
      this.warn(`rescheduling reminders of ${appid} failed: ${(e as Error).message}`);
    }
  }

  /** Background work stop() waits for. */
  private track(p: Promise<void>): void {
    const t: Promise<void> = p.finally(() => this.inflight.delete(t));
    this.inflight.add(t);
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
    await this.d.outbox
      .release(unsent)
      .catch((e: unknown) => this.warn(`releasing ${unsent.length} claimed deliveries failed: ${(e as Error).message}`));
    await Promise.allSettled([...this.inflight]);
    for (const c of this.channels.values()) c.close?.();
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
      const run: Promise<void> = this.deliver(next.job)
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
    try {
      jobs = await this.d.outbox.claim(n, this.d.policy.leaseMs);
      if (!jobs.length) return 0;
      const missing = [...new Set(jobs.map((j) => j.room_id))].filter((id) => !this.rooms.has(id));
      if (this.rooms.size > 1000) this.rooms.clear();
      for (const id of missing) {
        const r = await this.d.rooms.getAny(id);
        this.rooms.set(id, { name: r?.name ?? '', startTime: r?.start_time ?? 0 });
      }
      await this.d.pushTargets.load(jobs.filter((j) => j.kind === OutboxKind.Delivery && j.channel === 'webpush').map((j) => j.source_id));
    } catch (e) {
      // Claimed rows are claimed again when their lease runs out: nothing is lost.
      if (this.running) this.warn(`claiming deliveries failed: ${(e as Error).message}`);
      return 0;
    }
    for (const job of jobs) this.ready.push({ job, leaseEnd });
    return jobs.length;
  }

  /** One chunk of a fan-out row: subscriptions become deliveries on the channels the app has on. */
  private async expand(job: OutboxJob): Promise<void> {
    const settings = await this.d.reminders.settings(job.appid);
    const channels = channelsOf(settings);
    const now = this.d.clock.now();
    const out = await this.d.sql.expand(job.id, job.attempts, this.d.fanoutChunk, channels, now, (room, cursor) => {
      if (!channels.length) return 'skip';
      if (job.event !== ReminderEvent.LiveStartingSoon) return 'go';
      if (!room || room.live_status !== LiveStatus.NotStarted || !settings.beforeStartMinutes) return 'skip';
      const due = room.start_time * 1000 - settings.beforeStartMinutes * 60_000;
      return cursor === 0 && due > now + 1000 ? { moveTo: due } : 'go';
    });
    if (typeof out === 'object') {
      const total = (this.fanned.get(job.id) ?? 0) + out.expanded;
      if (out.done) {
        this.fanned.delete(job.id);
        this.d.log.info(`reminders: room ${job.room_id}: ${job.event}: ${total} deliveries queued`);
      } else this.fanned.set(job.id, total);
    }
    this.kick();
  }

  private async deliver(job: OutboxJob): Promise<void> {
    if (job.kind === OutboxKind.Fanout) return this.expand(job);
    const t0 = performance.now();
    const out = await this.send(job);
    const at = this.d.clock.now();
    const limit = this.d.outbox.limitOf(job);
    let state: DeliveryState;
    if (out === 'skipped') state = DeliveryState.Skipped;
    else if (out.ok) state = DeliveryState.Sent;
    else if (out.gone) state = DeliveryState.Gone;
    else if (out.permanent || job.attempts >= limit) state = DeliveryState.Dead;
    else state = DeliveryState.Pending;
    const r: AttemptResult = {
      id: job.id,
      attempt: job.attempts,
      state,
      at,
      durationMs: performance.now() - t0,
      nextAt: state === DeliveryState.Pending ? at + this.backoff(job.attempts) : null,
      statusCode: out === 'skipped' ? null : out.statusCode,
      error: out === 'skipped' ? `${job.channel} is turned off for this app, or the push subscription was removed` : out.error,
      goneSubscription: out !== 'skipped' && out.gone ? job.source_id : undefined,
      refId: job.ref_id ?? undefined,
    };
    this.count(r);
    this.d.events.emit('reminderDelivered', { channel: job.channel, state, latencyMs: Math.max(0, at - job.created_at) });
    this.results.push(r);
    // not awaited: a full batch is written in the background; flush() never rejects (a failed write is logged and the leases resend)
    if (this.results.length >= MAX_BATCH) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), 25);
  }

  private async send(job: OutboxJob): Promise<SendOutcome | 'skipped'> {
    const channel = this.channels.get(job.channel);
    if (!channel) return { ok: false, statusCode: null, error: `unknown channel ${job.channel}`, permanent: true };
    const app = await this.d.apps.get(job.appid);
    if (!app) return 'skipped';
    const room = this.rooms.get(job.room_id) ?? { name: '', startTime: 0 };
    const d: Delivery = {
      id: job.id,
      appid: job.appid,
      signKey: app.sign_key,
      settings: reminderSettingsOf(app.settings),
      roomId: job.room_id,
      roomName: room.name,
      startTime: room.startTime,
      openid: job.openid,
      event: job.event as ReminderEvent,
      idempotencyKey: job.idempotency_key,
      time: Math.floor(job.created_at / 1000),
      subscriptionId: job.source_id,
      baseUrl: this.d.baseUrl(),
      callbackUrl: app.settings.callbackUrl || null,
      payload: job.payload,
    };
    return channel.send(d, this.d.policy.timeoutMs);
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
        const refs = [...new Set(batch.map((r) => r.refId).filter((id): id is number => id !== undefined && hasFinal(batch, id)))];
        if (refs.length && this.d.afterRecord) await this.d.afterRecord(refs);
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
      this.warn(
        `${s.retried} retried, ${s.dead} dead-lettered, ${s.gone} push subscriptions gone since the last report (last: ${s.lastError})`,
      );
      s.retried = s.dead = s.gone = 0;
    }
  }

  /** At most one warning line every 10 s from the hot path. */
  private warn(msg: string): void {
    this.stats.lastWarnAt = performance.now();
    this.d.log.warn(`reminders: ${msg}`);
  }
}
