/**
 * The storage collector (issue 10, storage growth): on a schedule it deletes what nobody needs any more — temporary
 * material past its 3 days and the images nothing shows, goods taps and entries past the retention, finished
 * reminder rows and subscriptions of rooms that ended, HLS files of streams that stopped long ago — each module
 * through its own service, in bounded batches, then VACUUMs what lost rows (PGlite). One log line per pass.
 */
import type { Clock } from '@zhibo/core';
import type { Log } from '../../lib/log.js';
import type { GoodsService } from '../goods/service.js';
import type { ImageService } from '../images/service.js';
import type { Component } from '../module.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { ReminderOutbox } from '../reminders/outbox/store.js';
import type { ReminderService } from '../reminders/service.js';
import type { HousekeepingSql } from './sql.js';

const DAY_MS = 86_400_000;
/** Batches per kind and pass: a pass stays short; what is left goes next time. */
const MAX_BATCHES = 20;
const BATCH = 5000;

export interface CollectorDeps {
  clock: Clock;
  log: Log;
  sql: HousekeepingSql;
  images: ImageService;
  goods: GoodsService;
  interaction: InteractionService;
  reminders: ReminderService;
  outbox: ReminderOutbox;
  /** HLS directories of streams that stopped more than `hlsKeepMs` ago (by file time) are removed */
  hls: { purge(before: number): Promise<string[]> };
  /** goods taps and entries are kept this many days */
  retentionDays: number;
  /** finished reminder rows, and subscriptions of ended rooms, are kept this many days */
  reminderRetentionDays: number;
  everyMs: number;
  hlsKeepMs: number;
  /** run on the schedule (tests with a fake clock call runOnce() themselves) */
  schedule: boolean;
}

export interface CollectReport {
  media: number;
  images: number;
  imageBytes: number;
  goodsTaps: number;
  entries: number;
  reminderRows: number;
  subscriptions: number;
  hlsDirs: number;
}

export class StorageCollector implements Component {
  readonly name = 'storage collector';
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private running: Promise<CollectReport> | undefined;
  private stopped = false;

  constructor(private readonly d: CollectorDeps) {}

  /** One pass (tests call it; the schedule calls it every `everyMs`). Concurrent calls share the running pass. */
  runOnce(): Promise<CollectReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<CollectReport> {
    const d = this.d;
    const now = d.clock.now();
    const keep = now - d.retentionDays * DAY_MS;
    const keepReminders = now - d.reminderRetentionDays * DAY_MS;
    const img = await this.batches((n) => d.images.purgeExpired(n).then((r) => ({ n: r.images, extra: r })), BATCH / 5);
    const r: CollectReport = {
      media: img.extras.reduce((s, e) => s + e.media, 0),
      images: img.total,
      imageBytes: img.extras.reduce((s, e) => s + e.bytes, 0),
      goodsTaps: (await this.batches((n) => d.goods.purgeTaps(keep, n).then((x) => ({ n: x, extra: 0 })))).total,
      entries: (await this.batches((n) => d.interaction.purgeEntries(keep, n).then((x) => ({ n: x, extra: 0 })))).total,
      reminderRows: (await this.batches((n) => d.outbox.deleteFinished(keepReminders, n).then((x) => ({ n: x, extra: 0 })))).total,
      subscriptions: (await this.batches((n) => d.reminders.purgeEndedSubscriptions(keepReminders, n).then((x) => ({ n: x, extra: 0 }))))
        .total,
      hlsDirs: (await d.hls.purge(Date.now() - d.hlsKeepMs)).length,
    };
    const touched = [
      ...(r.media || r.images ? ['media', 'images'] : []),
      ...(r.goodsTaps ? ['goods_taps'] : []),
      ...(r.entries ? ['room_entries'] : []),
      ...(r.reminderRows ? ['reminder_outbox', 'reminder_attempts'] : []),
      ...(r.subscriptions ? ['subscriptions'] : []),
    ];
    if (touched.length) await d.sql.vacuum(touched);
    if (touched.length || r.hlsDirs)
      d.log.info(
        `storage: collected ${r.media} expired media, ${r.images} unused images (${(r.imageBytes / 1048576).toFixed(1)} MB), ${r.goodsTaps} goods taps and ` +
          `${r.entries} entries older than ${d.retentionDays} days, ${r.reminderRows} finished reminder rows, ${r.subscriptions} subscriptions of ended rooms, ${r.hlsDirs} HLS directories`,
      );
    return r;
  }

  /** Run `fn(limit)` until it deletes less than a batch (or MAX_BATCHES ran), yielding between batches. */
  private async batches<E>(fn: (limit: number) => Promise<{ n: number; extra: E }>, size = BATCH): Promise<{ total: number; extras: E[] }> {
    let total = 0;
    const extras: E[] = [];
    for (let i = 0; i < MAX_BATCHES && !this.stopped; i++) {
      const { n, extra } = await fn(size);
      total += n;
      extras.push(extra);
      if (n < size) break;
      await new Promise((r) => setImmediate(r));
    }
    return { total, extras };
  }

  start(): void {
    if (this.timer || this.stopped || !this.d.schedule) return;
    const tick = () => {
      this.runOnce().catch((e: unknown) => this.d.log.error(`storage collector: ${(e as Error).message}`));
    };
    // The first pass soon after start (catching up after downtime), then on schedule.
    this.first = setTimeout(tick, Math.min(this.d.everyMs, 60_000));
    this.first.unref();
    this.timer = setInterval(tick, this.d.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.first);
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
