/**
 * Anchor: the phone-first page an anchor goes live from (`/anchor/`, apps/anchor; WHIP to the live module's endpoint)
 * and its one-time sign-in. Owns `anchor_tickets` and `anchor_sessions`. docs/anchor-page.md.
 */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { Log } from '../../lib/log.js';
import type { GoodsService } from '../goods/service.js';
import type { Module } from '../module.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { RoomService } from '../rooms/service.js';
import { anchorRoutes } from './routes.js';
import { ANCHOR_DEFAULTS, AnchorService, type AnchorPolicy } from './service.js';
import { AnchorSql } from './sql.js';

export { AnchorService } from './service.js';

export interface AnchorDeps {
  db: Db;
  clock: Clock;
  log: Log;
  rooms: RoomService;
  goods: GoodsService;
  interaction: InteractionService;
  /** the 106 window the page may reconnect in */
  abnormalTimeoutMs: number;
  /** WHIP ingest is on (the page publishes over it) */
  whip: boolean;
  policy?: Partial<AnchorPolicy>;
  assetVersion: (file: string) => string;
  publicUrl: () => string;
}

export function create(d: AnchorDeps): Module<AnchorService> {
  const service = new AnchorService(new AnchorSql(d.db), d.clock, d.rooms, d.goods, d.interaction, {
    ...ANCHOR_DEFAULTS,
    ...d.policy,
    abnormalTimeoutMs: d.abnormalTimeoutMs,
    whip: d.whip,
  });
  return {
    service,
    routes: {
      web: (app) => anchorRoutes(app, { service, rooms: d.rooms, log: d.log, assetVersion: d.assetVersion, publicUrl: d.publicUrl }),
    },
    components: [],
  };
}
