/** MediaServer options and the publish gate's types. Every option is optional except authorizePublish. */
import type { Logger } from './log.js';
import type { ChunkReaderLimits } from './rtmp/chunk-reader.js';
import type { ConsumerPolicy } from './hub/consumer.js';
import type { HlsConfig } from './hls/packager.js';

import type { AuthorizeRequest, AuthorizeResult } from './publish-host.js';
import type { WhipOptions } from './whip/whip-server.js';

export type { AuthorizeRequest, AuthorizeResult } from './publish-host.js';

export interface MediaServerOptions {
  rtmpHost?: string;
  /** 0 picks a free port (see listen()). Default 1935. */
  rtmpPort?: number;
  /** Recordings go to RECORDDIR/STREAMID/SESSIONID.flv → .mp4. No recording when unset. */
  recordDir?: string;
  /** Package LL-HLS in memory, served through hlsRequest(). Default false. */
  hls?: boolean;
  /** Part/segment/window settings (defaults: 200 ms parts, keyframe segments ≥ 1 s, 10 segments listed). */
  hlsOptions?: HlsConfig;
  /** How long an ended stream's playlist (with EXT-X-ENDLIST) and segments stay served. Default 60000. */
  hlsEndedKeepMs?: number;
  /** The single gate for publishing. */
  authorizePublish: (req: AuthorizeRequest) => Promise<AuthorizeResult>;
  logger?: Logger;
  /** A publisher without audio/video this long is closed and reported (reason 'timeout'). Default 5000. */
  stallTimeoutMs?: number;
  /** A connection that has not started publishing and sends nothing this long is closed. Default 10000. */
  idleTimeoutMs?: number;
  /** How long attachViewer() waits for a publisher when there is none. 0 = refuse at once. Default 10000. */
  viewerWaitMs?: number;
  viewerPolicy?: Partial<ConsumerPolicy>;
  gopCacheMaxBytes?: number;
  /** Parser limits once publishing is authorised. Defaults: message 8 MiB, 64 chunk streams, 16 MiB unfinished. */
  rtmpLimits?: Partial<ChunkReaderLimits>;
  /** Parser limits before publishing is authorised (never looser than rtmpLimits). Defaults: message 64 KiB, 64 KiB unfinished. */
  rtmpPreAuthLimits?: Partial<ChunkReaderLimits>;
  /** Most RTMP connections. Over it, a new connection evicts the least advanced, oldest unauthenticated one (or is refused). Default 1000. */
  maxConnections?: number;
  /** Most RTMP connections per address (IPv4, IPv6 /64); 0 = no limit. Default 64. */
  maxConnectionsPerIp?: number;
  /** Most unauthenticated (not publishing) RTMP connections per address; 0 = no limit. Over it, that address's least advanced, oldest one is evicted. Default 16. */
  maxUnauthenticatedPerIp?: number;
  /** The RTMP handshake must complete this long after TCP accept (0 = no deadline). Default 5000. */
  handshakeTimeoutMs?: number;
  /** The connect command must arrive this long after TCP accept (0 = no deadline). Default 10000. */
  connectTimeoutMs?: number;
  /** Publishing must be authorised this long after connect, or after the connection's last publish ended (0 = no deadline). Default 10000. */
  publishTimeoutMs?: number;
  /** Most concurrent viewer connections per viewerKey and stream (0 = no cap, the default); a new one beyond it closes the key's oldest. */
  maxViewerConnectionsPerKey?: number;
  /** Coalesce viewer writes for up to this many ms (0 = once per event-loop turn, the default). */
  batchMs?: number;
  /** Minimum time between viewerCount events of one stream. Default 250. */
  viewerCountIntervalMs?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** WebRTC ingest (WHIP, RFC 9725); `media.whip` is null without it. See README (WHIP). */
  whip?: WhipOptions;
}
