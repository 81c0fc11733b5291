/**
 * StreamHub: one live stream's fan-out. Holds metadata, codec sequence headers and a GOP cache
 * (tags since the last video keyframe) so a new viewer starts on a keyframe at once.
 *
 * Tags pushed during one event-loop turn are collected into a batch and flushed on setImmediate:
 * the batch is concatenated once and the same Buffer is written to every in-sync consumer, so the
 * per-viewer cost of a tick is one write call and no allocation.
 *
 * close() cascades: publisher session → viewers → HLS packager → recorder. It is idempotent.
 */
import type { Logger } from '../log.js';
import type { ViewerSink } from '../flv/sinks.js';
import { FLV_HEADER, TagKind } from '../flv/tag.js';
import { Consumer, type Batch, type ConsumerPolicy } from './consumer.js';
import type { DeliveryCounters } from '../stats.js';
import { IngestStats, type StreamStats } from './stream-stats.js';

export interface Closable {
  close(reason: string): void;
}
export interface AsyncStoppable {
  stop(): Promise<void>;
}

export interface HubOptions {
  streamId: string;
  logger: Logger;
  viewerPolicy: ConsumerPolicy;
  /** The GOP cache is dropped (viewers wait for the next keyframe) when it would exceed this. */
  gopCacheMaxBytes: number;
  onViewerCountChange?: (count: number) => void;
  /** 0 (default): flush each event-loop turn (setImmediate). > 0: coalesce tags for up to this many ms (fewer writes, more latency). */
  batchMs?: number;
  now?: () => number;
  /** skipped frames and dropped viewers are counted here (metrics) */
  stats?: DeliveryCounters;
}

export const DEFAULT_VIEWER_POLICY: ConsumerPolicy = {
  pausable: true,
  softBytes: 2 << 20,
  resumeBytes: 512 << 10,
  hardBytes: 8 << 20,
  maxBehindMs: 10_000,
};

export class StreamHub {
  readonly streamId: string;
  publisher: Closable | null = null;
  hls: AsyncStoppable | null = null;
  recorder: AsyncStoppable | null = null;
  private readonly consumers = new Set<Consumer>();
  private viewers = 0;
  private paused = false;
  private metadata: Buffer | null = null;
  private videoHeader: Buffer | null = null;
  private audioHeader: Buffer | null = null;
  private hasVideo = false;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private gopOpen = false;
  private pending: Buffer[] = [];
  private pendingKey = -1;
  private pendingHeaders: number[] = [];
  private flushScheduled = false;
  private closing: Promise<void> | null = null;
  private readonly now: () => number;
  /** incoming bitrate, fps, keyframes, codecs (stream-stats.ts) */
  private readonly ingest: IngestStats;

  constructor(private readonly opts: HubOptions) {
    this.streamId = opts.streamId;
    this.now = opts.now ?? Date.now;
    this.ingest = new IngestStats(this.now());
  }

  /** Stream health for the anchor: bitrate, fps, keyframe interval, codecs, late data, drops. */
  health(): StreamStats {
    return this.ingest.snapshot(this.now());
  }

  get isClosed(): boolean {
    return this.closing !== null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get viewerCount(): number {
    return this.viewers;
  }

  stats(): { viewers: number; consumers: number; gopTags: number; gopBytes: number; hasVideo: boolean } {
    return {
      viewers: this.viewers,
      consumers: this.consumers.size,
      gopTags: this.gop.length,
      gopBytes: this.gopBytes,
      hasVideo: this.hasVideo,
    };
  }

  /** Ingest one complete FLV tag (header + data + PreviousTagSize). The buffer must not be mutated afterwards. */
  push(tag: Buffer, kind: TagKind): void {
    if (this.closing) return;
    this.ingest.onTag(tag, kind, this.now());
    switch (kind) {
      case TagKind.Script:
        this.metadata = tag;
        break;
      case TagKind.AudioHeader:
        this.audioHeader = tag;
        break;
      case TagKind.VideoHeader:
        this.videoHeader = tag;
        this.hasVideo = true;
        this.resetGop(false); // frames before a codec change must not be replayed after its header
        break;
      case TagKind.VideoKey:
        this.hasVideo = true;
        this.resetGop(true);
        this.addToGop(tag);
        break;
      case TagKind.Video:
        this.hasVideo = true;
        if (this.gopOpen) this.addToGop(tag);
        break;
      case TagKind.Audio:
        if (this.gopOpen) this.addToGop(tag);
        break;
    }
    const i = this.pending.length;
    this.pending.push(tag);
    if (kind === TagKind.Script || kind === TagKind.AudioHeader || kind === TagKind.VideoHeader) this.pendingHeaders.push(i);
    else if (this.pendingKey < 0 && (kind === TagKind.VideoKey || (!this.hasVideo && kind === TagKind.Audio))) this.pendingKey = i;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      const ms = this.opts.batchMs ?? 0;
      if (ms > 0) setTimeout(() => this.flush(), ms);
      else setImmediate(() => this.flush());
    }
  }

  private resetGop(open: boolean): void {
    this.gop = [];
    this.gopBytes = 0;
    this.gopOpen = open;
  }

  private addToGop(tag: Buffer): void {
    if (this.gopBytes + tag.length > this.opts.gopCacheMaxBytes) {
      this.ingest.droppedGops++;
      this.resetGop(false);
      return;
    }
    this.gop.push(tag);
    this.gopBytes += tag.length;
  }

  /** Deliver the pending batch now (normally runs on setImmediate). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const tags = this.pending;
    const batch: Batch = {
      tags,
      joined: tags.length === 1 ? tags[0]! : Buffer.concat(tags),
      keyIdx: this.pendingKey,
      headerIdx: this.pendingHeaders,
    };
    this.pending = [];
    this.pendingKey = -1;
    this.pendingHeaders = [];
    const now = this.now();
    for (const c of this.consumers) c.deliver(batch, this.paused, now);
  }

  /**
   * Add a reader. It gets the FLV header, metadata, sequence headers and — unless paused — the GOP
   * cache at once, then live tags. Returns the consumer (close() it to detach).
   */
  attach(sink: ViewerSink, policy: ConsumerPolicy, kind: Consumer['kind'] = 'viewer'): Consumer {
    const c = new Consumer(sink, policy, kind, this.opts.stats);
    if (this.closing) {
      c.close(true);
      return c;
    }
    this.flush(); // pending tags belong to the old consumers; the snapshot below covers them
    const first: Buffer[] = [FLV_HEADER];
    if (this.metadata) first.push(this.metadata);
    if (this.videoHeader) first.push(this.videoHeader);
    if (this.audioHeader) first.push(this.audioHeader);
    if (!(this.paused && policy.pausable) && this.gop.length > 0) {
      for (const t of this.gop) first.push(t);
      c.state = 'live';
    }
    this.consumers.add(c);
    if (kind === 'viewer') this.setViewers(this.viewers + 1);
    c.onClose(() => this.detach(c));
    sink.writev(first);
    return c;
  }

  private detach(c: Consumer): void {
    if (!this.consumers.delete(c)) return;
    if (c.dropReason) {
      this.opts.logger.warn(`media: ${this.streamId}: dropped ${c.kind} ${c.sink.label ?? ''}: ${c.dropReason}`);
      if (c.kind === 'viewer') this.ingest.droppedViewers++;
    }
    if (c.kind === 'viewer') this.setViewers(this.viewers - 1);
  }

  private setViewers(n: number): void {
    this.viewers = n;
    this.opts.onViewerCountChange?.(n);
  }

  /** While paused, pausable consumers (viewers) get no media; after resume they restart at the next keyframe. */
  setPaused(paused: boolean): void {
    this.flush();
    this.paused = paused;
  }

  /** Idempotent close cascade: publisher → viewers → HLS → recorder. Resolves when all have stopped. */
  close(reason = 'closed'): Promise<void> {
    if (this.closing) return this.closing;
    let done!: () => void;
    this.closing = new Promise<void>((r) => (done = r));
    // not awaited: callers await `closing`; a failure of the cascade (a bug: each step catches its own) is logged, and `done` runs either way
    void this.runClose(reason)
      .catch((e: unknown) =>
        this.opts.logger.error(`media: ${this.streamId}: close cascade failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      )
      .finally(done);
    return this.closing;
  }

  private async runClose(reason: string): Promise<void> {
    const log = this.opts.logger;
    const publisher = this.publisher;
    this.publisher = null;
    try {
      publisher?.close(reason);
    } catch (e) {
      log.warn(`media: ${this.streamId}: closing publisher failed: ${String(e)}`);
    }
    this.flush(); // the last tags still reach viewers, HLS and the recording
    for (const c of [...this.consumers]) if (c.kind === 'viewer') c.close(true);
    await this.hls?.stop().catch((e: unknown) => log.warn(`media: ${this.streamId}: HLS stop failed: ${String(e)}`));
    await this.recorder?.stop().catch((e: unknown) => log.warn(`media: ${this.streamId}: recorder stop failed: ${String(e)}`));
    for (const c of [...this.consumers]) c.close(true);
    this.gop = [];
    this.metadata = this.videoHeader = this.audioHeader = null;
  }
}
