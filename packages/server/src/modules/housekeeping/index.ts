/**
 * Housekeeping: owns no table. The storage collector deletes expired and unused material through the owning modules'
 * services (images, goods, realtime, reminders) and the live module's HLS files (docs/operations.md "Storage").
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { Log } from '../../lib/log.js';
import type { GoodsService } from '../goods/service.js';
import type { ImageService } from '../images/service.js';
import type { Component } from '../module.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { ReminderOutbox } from '../reminders/outbox/store.js';
import type { ReminderService } from '../reminders/service.js';
import { StorageCollector } from './collector.js';
import { HousekeepingSql } from './sql.js';

export { StorageCollector } from './collector.js';

export interface HousekeepingDeps {
  db: Db;
  clock: Clock;
  log: Log;
  images: ImageService;
  goods: GoodsService;
  interaction: InteractionService;
  reminders: ReminderService;
  outbox: ReminderOutbox;
  hls: { purge(before: number): Promise<string[]> };
  retentionDays: number;
  reminderRetentionDays: number;
  everyMs: number;
  hlsKeepMs?: number;
  schedule: boolean;
}

export function create(d: HousekeepingDeps): { collector: StorageCollector; components: Component[] } {
  const collector = new StorageCollector({ ...d, sql: new HousekeepingSql(d.db), hlsKeepMs: d.hlsKeepMs ?? 3_600_000 });
  return { collector, components: [collector] };
}
