/**
 * Live: the media plane (RTMP ingest, stream hub, FLV/HLS delivery, recording) wired to the domain. Owns no table;
 * publish sessions become status causes (rooms) and replay segments (replays).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { findLeftoverRecordings, MediaServer } from '@zhibo/media';
import type { DomainBus } from '../../lib/domain-events.js';
import type { Log } from '../../lib/log.js';
import type { Component, Module } from '../module.js';
import type { ReplayService } from '../replays/service.js';
import type { RoomService } from '../rooms/service.js';
import { webRoutes, WsFlv } from './routes.js';
import { LiveService } from './service.js';
import type { RedisLink } from '../../lib/redis.js';
import { PublishLease } from './lease.js';
import { EdgeRelays } from './edge.js';

export { LiveService } from './service.js';

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
  /** cluster mode: the publish lease and edge relays on Redis */
  cluster?: { redis: RedisLink; nodeUrl: () => string; relayFanout: number };
}

export interface LiveModule extends Module<LiveService> {
  media: MediaServer;
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
  const recordDir = join(d.dataDir, 'recordings');
  const media = new MediaServer({
    rtmpHost: d.rtmp.host, rtmpPort: d.rtmp.port, recordDir, hls: d.hls,
    authorizePublish: (req) => service.authorizePublish(req), logger: d.log, stallTimeoutMs: d.stallTimeoutMs, batchMs: d.mediaBatchMs,
  });
  const offs = service.attachMedia(media, d.events);
  const c = d.cluster;
  const lease = c ? new PublishLease(c.redis, c.nodeUrl, (id) => media.hasPublisher(id), d.log) : undefined;
  const edges = c && lease ? new EdgeRelays(media, lease, c.redis, c.nodeUrl, d.log, { fanout: c.relayFanout, lingerMs: 5000, followMs: 15_000 }) : undefined;
  service.lease = lease;
  // The lease goes at once when the stream stops here (the anchor may republish on any node).
  if (lease) media.on('publishStop', (e) => void lease.release(e.streamId));
  const order = (streamId: string, what: string, fn: () => Promise<void>) => {
    void service.inOrder(streamId, what, fn);
  };
  media.on('publishStart', (e) => order(e.streamId, 'publish start', () => service.onPublishStart(e.streamId, e.sessionId)));
  media.on('publishStop', (e) => order(e.streamId, 'publish stop', () => service.onPublishStop(e.streamId, e.reason)));
  media.on('recordingReady', (e) => order(e.streamId, 'recording ready', () => d.replays.recordingReady({ ...e, roomId: Number(e.streamId) })));
  media.on('recordingFailed', (e) => order(e.streamId, 'recording failed', () => d.replays.recordingFailed({ ...e, roomId: Number(e.streamId) })));
  media.on('viewerCount', (e) => d.events.emit('mediaViewers', { roomId: Number(e.streamId), count: e.count, peak: e.peak }));
  const wsFlv = new WsFlv(d.rooms, media, edges);
  let port = 0;
  const ingest = {
    name: 'media (RTMP ingest, viewers, HLS, recordings)',
    port: () => port,
    async start() {
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
    reconcile: { name: 'reconcile rooms left live', start: async () => void (await service.reconcileAfterRestart()) },
    leftovers: {
      name: 'finalize leftover recordings',
      async start() {
        // Cluster mode: nodes may share the data directory; a file another node is still writing is never idle for a minute.
        for (const f of await findLeftoverRecordings(recordDir)) if (!c || Date.now() - statSync(f).mtimeMs > 60_000) await media.finalizeRecording(f);
        await service.settled();
      },
    },
    ingest,
    edges,
    routes: { web: (a) => webRoutes(a, d.rooms, media, edges), upgrade: (req, socket, head) => wsFlv.handleUpgrade(req, socket, head) },
    components: [],
  };
}
