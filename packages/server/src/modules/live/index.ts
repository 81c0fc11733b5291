/**
 * Live: the media plane (RTMP ingest, stream hub, FLV/HLS delivery, recording) wired to the domain. Owns no table;
 * publish sessions become status causes (rooms) and replay segments (replays).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { findLeftoverRecordings, MediaServer, type MediaServerOptions, type WhipOptions } from '@zhibo/media';
import type { DomainBus } from '../../lib/domain-events.js';
import type { ClientIps } from '../../lib/client-ip.js';
import type { Log } from '../../lib/log.js';
import type { Component, Module } from '../module.js';
import type { ReplayService } from '../replays/service.js';
import type { RoomService } from '../rooms/service.js';
import { webRoutes, WsFlv } from './routes.js';
import { WHIP_PATH, whipRoutes } from './whip-routes.js';
import { purgeHls } from './hls-gc.js';
import { LiveService } from './service.js';
import { ViewerGate, type ViewerLimits } from './viewer-gate.js';
import type { RedisLink } from '../../lib/redis.js';
import { PublishLease } from './lease.js';
import { EdgeRelays } from './edge.js';

export { LiveService } from './service.js';
export { whipUrlOf } from './whip-routes.js';

/** Where media writes recordings (DATA/recordings/ROOMID/SESSION.flv → .mp4). */
export const recordDirOf = (dataDir: string): string => join(dataDir, 'recordings');

export interface LiveDeps {
  events: DomainBus;
  log: Log;
  rooms: RoomService;
  replays: ReplayService;
  dataDir: string;
  rtmp: { host: string; port: number };
  hls: boolean;
  stallTimeoutMs: number;
  mediaBatchMs: number;
  /** WHIP ingest at /whip/ROOMID (null: off) — UDP port range, bind/announced address, ICE-lite, media timeout */
  whip: Omit<WhipOptions, 'path'> | null;
  /** RTMP deadlines and connection limits (settings `ZHIBO_RTMP_*`; media defaults when absent) */
  guards?: RtmpGuards;
  /** video connections per device id and per address (settings `ZHIBO_VIEWER_CONNECTIONS_PER_*`) */
  viewers: ViewerLimits;
  ips: ClientIps;
  /** the disk watermark: recording stops below it and resumes above */
  disk?: { readonly low: boolean; events: { on(e: 'change', fn: (s: { low: boolean }) => void): () => void } };
  /** cluster mode: the publish lease and edge relays on Redis */
  cluster?: { redis: RedisLink; nodeUrl: () => string; relayFanout: number };
}

/** The media plane's RTMP guards as the settings give them (packages/media/README.md "Connection limits and deadlines"). */
export interface RtmpGuards {
  handshakeTimeoutMs: number;
  connectTimeoutMs: number;
  publishTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  /** 0: off (behind a TCP proxy) */
  maxConnectionsPerIp: number;
  /** 0: off (behind a TCP proxy) */
  maxUnauthenticatedPerIp: number;
  /** message and unfinished bytes before publishing is authorised */
  preAuthMaxBytes: number;
  /** message bytes once authorised (unfinished: twice) */
  maxMessageBytes: number;
}

function guardOptions(g: RtmpGuards | undefined): Partial<MediaServerOptions> {
  if (!g) return {};
  return {
    handshakeTimeoutMs: g.handshakeTimeoutMs,
    connectTimeoutMs: g.connectTimeoutMs,
    publishTimeoutMs: g.publishTimeoutMs,
    idleTimeoutMs: g.idleTimeoutMs,
    maxConnections: g.maxConnections,
    maxConnectionsPerIp: g.maxConnectionsPerIp,
    maxUnauthenticatedPerIp: g.maxUnauthenticatedPerIp,
    rtmpPreAuthLimits: { maxMessageSize: g.preAuthMaxBytes, maxPendingBytes: g.preAuthMaxBytes },
    rtmpLimits: { maxMessageSize: g.maxMessageBytes, maxPendingBytes: 2 * g.maxMessageBytes },
  };
}

export interface LiveModule extends Module<LiveService> {
  media: MediaServer;
  /** per-device / per-address video connection caps */
  viewerGate: ViewerGate;
  /** `hls/ROOMID` directories an earlier version left on disk (HLS is in memory now): those of streams not live and last written before `before` (ms epoch) are removed */
  hls: { purge(before: number): Promise<string[]> };
  /** before serving: rooms a crash left 101 become 106 */
  reconcile: Component;
  /** after serving: recordings a crash left as FLV become replay segments */
  leftovers: Component;
  /** the RTMP listener and everything media holds (publishers, viewers, HLS, recordings) */
  ingest: Component & { port(): number };
  /** cluster mode: edge relays (undefined in the embedded default) */
  edges: EdgeRelays | undefined;
}

export function create(d: LiveDeps): LiveModule {
  const service = new LiveService(d.rooms, d.replays, d.log);
  const recordDir = recordDirOf(d.dataDir);
  const media = new MediaServer({
    rtmpHost: d.rtmp.host,
    rtmpPort: d.rtmp.port,
    recordDir,
    hls: d.hls,
    authorizePublish: (req) => service.authorizePublish(req),
    logger: d.log,
    stallTimeoutMs: d.stallTimeoutMs,
    batchMs: d.mediaBatchMs,
    ...(d.whip ? { whip: { ...d.whip, path: WHIP_PATH } } : {}),
    ...guardOptions(d.guards),
  });
  const offs = service.attachMedia(media, d.events);
  const c = d.cluster;
  const lease = c ? new PublishLease(c.redis, c.nodeUrl, (id) => media.hasPublisher(id), d.log) : undefined;
  const edges =
    c && lease
      ? new EdgeRelays(media, lease, c.redis, c.nodeUrl, d.log, { fanout: c.relayFanout, lingerMs: 5000, followMs: 15_000 })
      : undefined;
  service.lease = lease;
  // The lease goes at once when the stream stops here (the anchor may republish on any node).
  if (lease) media.on('publishStop', (e) => void lease.release(e.streamId));
  const order = (streamId: string, what: string, fn: () => Promise<void>) => {
    // not awaited: media events are synchronous; inOrder() queues per stream and logs a failed step (it never rejects)
    void service.inOrder(streamId, what, fn);
  };
  media.on('publishStart', (e) => order(e.streamId, 'publish start', () => service.onPublishStart(e.streamId, e.sessionId)));
  media.on('publishStop', (e) => order(e.streamId, 'publish stop', () => service.onPublishStop(e.streamId, e.reason)));
  media.on('recordingReady', (e) =>
    order(e.streamId, 'recording ready', async () => {
      const roomId = Number(e.streamId);
      await d.replays.recordingReady({ ...e, roomId });
      d.events.emit('replayReady', { roomId, ready: (await d.replays.playable(roomId)).length });
    }),
  );
  media.on('recordingFailed', (e) =>
    order(e.streamId, 'recording failed', () => d.replays.recordingFailed({ ...e, roomId: Number(e.streamId) })),
  );
  media.on('viewerCount', (e) => d.events.emit('mediaViewers', { roomId: Number(e.streamId), count: e.count, peak: e.peak }));
  media.on('publishRefused', (e) => service.refused.add(e));
  const viewerGate = new ViewerGate(d.viewers);
  const door = { gate: viewerGate, ips: d.ips, edges };
  const wsFlv = new WsFlv(d.rooms, media, door);
  let port = 0;
  const ingest = {
    name: 'media (RTMP ingest, viewers, HLS, recordings)',
    // recordings are remuxed before media closes: long sessions take a while
    stopTimeoutMs: 240_000,
    port: () => port,
    async start() {
      if (d.disk) {
        if (d.disk.low) media.setRecording(false, 'disk low');
        offs.push(d.disk.events.on('change', (s) => media.setRecording(!s.low, s.low ? 'disk low' : 'disk space back')));
      }
      port = (await media.listen()).port;
    },
    async stop() {
      for (const off of offs) off();
      await edges?.stop();
      await media.close();
      await lease?.stop();
      wsFlv.close();
      await service.settled();
    },
  };
  return {
    service,
    media,
    viewerGate,
    hls: { purge: (before) => purgeHls(join(d.dataDir, 'hls'), (id) => media.hasPublisher(id), before) },
    reconcile: { name: 'reconcile rooms left live', start: async () => void (await service.reconcileAfterRestart()) },
    leftovers: {
      name: 'finalize leftover recordings',
      async start() {
        // Cluster mode: nodes may share the data directory; a file another node is still writing is never idle for a minute.
        for (const f of await findLeftoverRecordings(recordDir))
          if (!c || Date.now() - statSync(f).mtimeMs > 60_000) await media.finalizeRecording(f);
        await service.settled();
      },
    },
    ingest,
    edges,
    routes: {
      web(a) {
        webRoutes(a, d.rooms, media, door);
        if (media.whip) whipRoutes(a, media.whip);
      },
      upgrade: (req, socket, head) => wsFlv.handleUpgrade(req, socket, head),
    },
    components: [],
  };
}
