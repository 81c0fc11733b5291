/**
 * Replays: owns `replays` (segments), `replay_lives`, `replay_events`, `replay_markers`. Recordings arrive from the
 * live module; after the live the segments become one replay with markers (看点) and explanation clips (highlights/);
 * the expiry job deletes files after a year; a deleted room's files go at once.
 */
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { GoodsService } from '../goods/service.js';
import type { Component, Module } from '../module.js';
import type { RoomService } from '../rooms/service.js';
import { ReplayBuilder } from './highlights/builder.js';
import { HighlightLifecycle } from './highlights/lifecycle.js';
import {
  pluginRoutes as highlightPluginRoutes,
  webRoutes as highlightWebRoutes,
  wxRoutes as highlightWxRoutes,
} from './highlights/routes.js';
import { type CommentSource, HighlightService } from './highlights/service.js';
import { HighlightsSql } from './highlights/sql.js';
import { ReplayExpiryJob } from './job.js';
import { pluginRoutes, webRoutes } from './routes.js';
import { ReplayService } from './service.js';
import { ReplaysSql } from './sql.js';

export { ReplayService } from './service.js';
export { HighlightService } from './highlights/service.js';
export { HighlightLifecycle } from './highlights/lifecycle.js';

export interface ReplaysDeps {
  db: Db;
  clock: Clock;
  log: Log;
  events: DomainBus;
  ttlDays: number;
  rooms: RoomService;
  goods: GoodsService;
  /** the chat replay's comments (the realtime module; called only after start) */
  comments: CommentSource;
  dataDir: string;
  /** where media records (a deleted room's leftovers there are removed) */
  recordDir: string;
  base(req: FastifyRequest): string;
}

export interface ReplaysModule extends Module<ReplayService> {
  expiry: ReplayExpiryJob;
  highlights: HighlightService;
  lifecycle: HighlightLifecycle;
  builder: ReplayBuilder;
}

export function create(d: ReplaysDeps): ReplaysModule {
  const service = new ReplayService(new ReplaysSql(d.db), d.clock, d.log, d.ttlDays);
  const hsql = new HighlightsSql(d.db);
  const builder = new ReplayBuilder({
    sql: hsql,
    segments: service,
    rooms: d.rooms,
    clock: d.clock,
    log: d.log,
    dir: join(d.dataDir, 'replays'),
  });
  const highlights = new HighlightService(hsql, d.rooms, d.goods, d.comments, builder, d.clock);
  const lifecycle = new HighlightLifecycle(hsql, service, d.rooms, builder, d.clock, d.log, d.recordDir);
  service.hooks.push({ started: (roomId) => lifecycle.recordingStarted(roomId), settled: (roomId) => lifecycle.segmentSettled(roomId) });
  const expiry = new ReplayExpiryJob(service, d.log, 3_600_000, lifecycle);
  const replayClosed = async (roomId: number) => (await d.rooms.getAny(roomId))?.close_replay === 1;
  // A replay file is public only while its room exists and shows replays (closeReplay=0); else 404 (issue 10).
  const replayVisible = async (roomId: number) => (await d.rooms.getAny(roomId))?.close_replay === 0;
  const hd = { highlights, rooms: d.rooms, base: (req: FastifyRequest) => d.base(req), visible: replayVisible };
  let offs: Array<() => void> = [];
  const highlightsComponent: Component = {
    name: 'replay builder (one replay per live, markers, clips)',
    async start() {
      offs = lifecycle.attach(d.events);
      await lifecycle.resume();
    },
    async stop() {
      for (const off of offs.splice(0)) off();
      await builder.stop();
    },
  };
  return {
    service,
    expiry,
    highlights,
    lifecycle,
    builder,
    routes: {
      wx: (r) => highlightWxRoutes(r, hd),
      web: (a) => {
        webRoutes(a, service, replayVisible);
        highlightWebRoutes(a, hd);
      },
      plugin: (r) => {
        pluginRoutes(r, { replays: service, replayClosed, base: (req) => d.base(req) });
        highlightPluginRoutes(r, hd);
      },
    },
    components: [highlightsComponent, expiry],
  };
}
