/** What the console needs from the rest of the server: module services only (it runs no SQL of theirs). */
import type { FastifyRequest } from 'fastify';
import type { RedisLink } from '../../lib/redis.js';
import type { Clock } from '@zhibo/core';
import type { PublicAddressInfo } from '../../http/base-url.js';
import type { StreamHealth } from '../live/health.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { AnchorService } from '../anchor/service.js';
import type { AppService } from '../apps/service.js';
import type { AssistantService } from '../assistants/service.js';
import type { GoodsService } from '../goods/service.js';
import type { ImageService } from '../images/service.js';
import type { QuotaService } from '../liveinfo/quota.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { FollowerService } from '../reminders/followers/service.js';
import type { ReminderService } from '../reminders/service.js';
import type { OrderService } from '../orders/service.js';
import type { HighlightService } from '../replays/highlights/service.js';
import type { ReplayService } from '../replays/service.js';
import type { RoleService } from '../roles/service.js';
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
  followers: FollowerService;
  replays: ReplayService;
  /** the one replay, its markers and clips (the console edits markers after the live) */
  highlights: HighlightService;
  orders: OrderService;
  share: ShareService;
  quota: QuotaService;
  assistants: AssistantService;
  roles: RoleService;
  /** the anchor page's one-time sign-in links */
  anchor: AnchorService;
  /** WHIP ingest is on: the go-live tab shows the WHIP URL and the anchor page */
  whip: boolean;
  adminToken: string;
  /** server defaults the app settings page shows */
  defaults: { dailyQuota: number; minSdkVersion: string };
  /** the public bases for links shown to the sender of `req` (http/base-url.ts) */
  urls(req?: FastifyRequest): { http: string; rtmp: string };
  /** which public address links use and why (the share and go-live pages say it) */
  address(req?: FastifyRequest): PublicAddressInfo;
  /** stream health of a room (live module) */
  health(roomId: number): StreamHealth;
  /** ZHIBO_CONSOLE_URL: the console's own origin ('' = the main one) */
  consoleUrl: string;
  /** ZHIBO_SOURCE_MAPS: serve console.js.map */
  sourceMaps: boolean;
  /** cluster mode: the sign-in throttle is shared through Redis */
  redis?: RedisLink | undefined;
}
