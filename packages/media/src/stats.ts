/**
 * What the media plane reports for metrics (the server turns it into Prometheus series): viewers by delivery
 * protocol and stream, bytes handed to viewers, frames viewers skipped and viewers dropped for being too slow,
 * publishers and their GOP caches. Plain numbers and a snapshot; no per-viewer labels leave this file.
 *
 * HLS has no connection: a client (the address the server passes in) counts as an HLS viewer of a stream while it
 * fetched something from it within the last `hlsWindowMs`.
 */
import type { ViewerSink } from './flv/sinks.js';
import type { PublishProtocol } from './events.js';

export type ViewerProtocol = 'flv' | 'ws-flv' | 'hls';
export const VIEWER_PROTOCOLS: readonly ViewerProtocol[] = ['flv', 'ws-flv', 'hls'];

/** Counted by every viewer consumer of every hub (shared object, incremented in place). */
export interface DeliveryCounters {
  /** media tags a viewer did not get because it fell behind (skipping to a later keyframe) */
  skippedTags: number;
  /** viewers closed because their send buffer or lag went over the hard limits */
  droppedViewers: number;
}

export interface MediaStatsSnapshot {
  publishers: Array<{ streamId: string; protocol: PublishProtocol; gopBytes: number }>;
  /** live streams only */
  viewers: Array<{ streamId: string; protocol: ViewerProtocol; count: number }>;
  bytesOut: Record<ViewerProtocol, number>;
  skippedTags: number;
  droppedViewers: number;
}

export class MediaStats {
  readonly delivery: DeliveryCounters = { skippedTags: 0, droppedViewers: 0 };
  private readonly bytes: Record<ViewerProtocol, number> = { flv: 0, 'ws-flv': 0, hls: 0 };
  /** streamId → protocol → open connections */
  private readonly open = new Map<string, Map<ViewerProtocol, number>>();
  /** streamId → client → last request (ms) */
  private readonly hlsSeen = new Map<string, Map<string, number>>();
  private hlsNotes = 0;

  constructor(
    private readonly hlsWindowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Count a viewer connection and the bytes written to it (the returned sink goes to the hub). */
  wrap(streamId: string, protocol: 'flv' | 'ws-flv', sink: ViewerSink): ViewerSink {
    let byProto = this.open.get(streamId);
    if (!byProto) this.open.set(streamId, (byProto = new Map<ViewerProtocol, number>()));
    const counts = byProto;
    counts.set(protocol, (counts.get(protocol) ?? 0) + 1);
    sink.onClose(() => {
      const n = (counts.get(protocol) ?? 1) - 1;
      if (n > 0) counts.set(protocol, n);
      else counts.delete(protocol);
      if (counts.size === 0 && this.open.get(streamId) === counts) this.open.delete(streamId);
    });
    const bytes = this.bytes;
    return {
      label: sink.label,
      write(buf) {
        bytes[protocol] += buf.length;
        sink.write(buf);
      },
      writev(bufs) {
        for (const b of bufs) bytes[protocol] += b.length;
        sink.writev(bufs);
      },
      bufferedBytes: () => sink.bufferedBytes(),
      close: (graceful) => sink.close(graceful),
      onClose: (cb) => sink.onClose(cb),
    };
  }

  /** An HLS answer of `bytes` went to `client` (undefined: bytes only). */
  hlsServed(streamId: string, client: string | undefined, bytes: number): void {
    this.bytes.hls += bytes;
    if (client === undefined) return;
    let seen = this.hlsSeen.get(streamId);
    if (!seen) this.hlsSeen.set(streamId, (seen = new Map<string, number>()));
    seen.set(client, this.now());
    if (++this.hlsNotes % 1000 === 0) this.pruneHls(new Set(this.hlsSeen.keys()));
  }

  private pruneHls(live: ReadonlySet<string>): void {
    const oldest = this.now() - this.hlsWindowMs;
    for (const [streamId, seen] of this.hlsSeen) {
      if (!live.has(streamId)) {
        this.hlsSeen.delete(streamId);
        continue;
      }
      for (const [client, at] of seen) if (at < oldest) seen.delete(client);
      if (seen.size === 0) this.hlsSeen.delete(streamId);
    }
  }

  /** The numbers now; `live` are the streams that have a publisher (with their GOP cache size). */
  snapshot(live: MediaStatsSnapshot['publishers']): MediaStatsSnapshot {
    const liveIds = new Set(live.map((p) => p.streamId));
    this.pruneHls(liveIds);
    const viewers: MediaStatsSnapshot['viewers'] = [];
    for (const streamId of liveIds) {
      for (const [protocol, count] of this.open.get(streamId) ?? []) viewers.push({ streamId, protocol, count });
      const hls = this.hlsSeen.get(streamId)?.size ?? 0;
      if (hls > 0) viewers.push({ streamId, protocol: 'hls', count: hls });
    }
    return { publishers: live, viewers, bytesOut: { ...this.bytes }, ...this.delivery };
  }
}
