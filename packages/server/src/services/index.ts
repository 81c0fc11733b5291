import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { AppService } from './apps.js';
import type { DomainEvents, TypedEmitter } from './events.js';
import type { GoodsService } from './goods.js';
import type { ImageService } from './images.js';
import type { LiveInfoService } from './liveinfo.js';
import type { Log } from './log.js';
import type { IdentityService } from './plugin.js';
import type { QuotaService } from './quota.js';
import type { RoomService } from './rooms.js';
import type { ReminderService } from './reminders.js';
import type { ReminderOutbox } from './reminder-outbox.js';
import type { ReminderWorker } from '../jobs/reminders.js';
import type { RealtimeGateway } from '../realtime/gateway.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { TransitionResult } from '@zhibo/core';
import type { TransitionCause } from '@zhibo/protocol';

/** Applies a status cause and carries its consequences to the media plane (kick on end/ban, pause). */
export interface LiveControl {
  apply(roomId: number, cause: TransitionCause, actor: string): Promise<TransitionResult>;
}

/** Everything the routes need, built once by the composition root (zhibo.ts). */
export interface Services {
  config: Config;
  db: Db;
  log: Log;
  events: TypedEmitter<DomainEvents>;
  apps: AppService;
  quota: QuotaService;
  images: ImageService;
  rooms: RoomService;
  goods: GoodsService;
  liveInfo: LiveInfoService;
  identity: IdentityService;
  control: LiveControl;
  /** The media ⇄ domain composition (issue 3). */
  live: import('./live.js').LiveService;
  media: import('@zhibo/media').MediaServer;
  /** the real-time channel (WebSocket gateway, docs/realtime.md) */
  realtime: RealtimeGateway;
  /** merchant/anchor commands on a room's interaction, and its stats */
  interaction: InteractionService;
  /** subscriptions and go-live reminders (issue 6, docs/reminders.md) */
  reminders: ReminderService;
  reminderOutbox: ReminderOutbox;
  reminderWorker: ReminderWorker;
  adminToken: string;
  /** Public base URLs (known after listen when ports are 0). */
  urls(): { http: string; rtmp: string };
}
