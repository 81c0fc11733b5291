/** What the console needs from the rest of the server: module services only (it runs no SQL of theirs). */
import type { RedisLink } from '../../lib/redis.js';
import type { Clock } from '@zhibo/core';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { AppService } from '../apps/service.js';
import type { GoodsService } from '../goods/service.js';
import type { ImageService } from '../images/service.js';
import type { QuotaService } from '../liveinfo/quota.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { ReminderService } from '../reminders/service.js';
import type { ReplayService } from '../replays/service.js';
import type { RoomService } from '../rooms/service.js';
import type { ShareService } from '../share/service.js';

export interface ConsoleDeps {
  clock: Clock;
  log: Log;
  events: DomainBus;
  apps: AppService;
  rooms: RoomService;
  goods: GoodsService;
  images: ImageService;
  interaction: InteractionService;
  reminders: ReminderService;
  replays: ReplayService;
  share: ShareService;
  quota: QuotaService;
  adminToken: string;
  /** server defaults the app settings page shows */
  defaults: { dailyQuota: number; minSdkVersion: string };
  urls(): { http: string; rtmp: string };
  /** cluster mode: the sign-in throttle is shared through Redis */
  redis?: RedisLink;
}
