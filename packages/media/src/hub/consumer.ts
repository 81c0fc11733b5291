/**
 * One reader of a stream hub: a viewer (HTTP-FLV / WS-FLV), the HLS packager or the
 * recorder's file. It receives batches of shared FLV tag buffers and applies its backpressure policy:
 *
 *   live ──(sink buffer > softBytes)──▶ skip ──(buffer ≤ resumeBytes)──▶ waitKey ──(keyframe)──▶ live
 *
 * While skipping nothing is written, so its queue stays bounded; sequence headers and metadata are
 * always written so a decoder never misses a codec change. A consumer skipping longer than
 * maxBehindMs, or whose buffer exceeds hardBytes, is dropped — a slow viewer never slows the others.
 */
import type { ViewerSink } from '../flv/sinks.js';
import type { DeliveryCounters } from '../stats.js';

export interface ConsumerPolicy {
  /** Stops receiving media while the hub is paused. */
  pausable: boolean;
  /** Sink buffer above this: stop writing and restart at a later keyframe. */
  softBytes: number;
  /** Sink buffer at or below this ends skipping (then wait for a keyframe). */
  resumeBytes: number;
  /** Sink buffer above this: drop the consumer. */
  hardBytes: number;
  /** Skipping longer than this: drop the consumer. */
  maxBehindMs: number;
}

export interface Batch {
  /** FLV tags in order (shared buffers). */
  tags: Buffer[];
  /** All tags as one buffer (shared by every in-sync consumer; built once per batch). */
  joined: Buffer;
  /** Index of the first tag a catching-up consumer may start at (video keyframe), -1 if none. */
  keyIdx: number;
  /** Indices of metadata / sequence header tags (delivered even to consumers that are skipping). */
  headerIdx: number[];
}

export type ConsumerState = 'live' | 'waitKey' | 'skip';

export class Consumer {
  state: ConsumerState = 'waitKey';
  closed = false;
  /** Times this consumer fell behind and skipped to a keyframe. */
  dropReason: string | undefined;
  private skipSince = 0;
  private readonly closeCbs: ((c: Consumer) => void)[] = [];

  constructor(
    readonly sink: ViewerSink,
    readonly policy: ConsumerPolicy,
    readonly kind: 'viewer' | 'hls' | 'recorder',
    private readonly counters?: DeliveryCounters,
  ) {
    sink.onClose(() => this.markClosed());
  }

  onClose(cb: (c: Consumer) => void): void {
    if (this.closed) queueMicrotask(() => cb(this));
    else this.closeCbs.push(cb);
  }

  deliver(b: Batch, paused: boolean, now: number): void {
    if (this.closed) return;
    if (paused && this.policy.pausable) {
      this.state = 'waitKey';
      this.writeHeaders(b, b.tags.length);
      return;
    }
    const buffered = this.sink.bufferedBytes();
    if (buffered > this.policy.hardBytes) return this.drop(`send buffer ${buffered} B over hard limit`);
    if (this.state === 'skip') {
      if (buffered > this.policy.resumeBytes) {
        if (now - this.skipSince > this.policy.maxBehindMs) return this.drop(`behind for more than ${this.policy.maxBehindMs} ms`);
        this.writeHeaders(b, b.tags.length);
        this.skipped(b, b.tags.length);
        return;
      }
      this.state = 'waitKey';
    }
    if (this.state === 'live') {
      if (buffered > this.policy.softBytes) {
        this.state = 'skip';
        this.skipSince = now;
        this.writeHeaders(b, b.tags.length);
        this.skipped(b, b.tags.length);
        return;
      }
      this.sink.write(b.joined);
      return;
    }
    // waitKey
    if (b.keyIdx < 0) {
      this.writeHeaders(b, b.tags.length);
      this.skipped(b, b.tags.length);
      return;
    }
    this.writeHeaders(b, b.keyIdx);
    this.skipped(b, b.keyIdx);
    this.state = 'live';
    if (b.keyIdx === 0) this.sink.write(b.joined);
    else this.sink.writev(b.tags.slice(b.keyIdx));
  }

  /** Write the metadata / sequence header tags that come before index `end`. */
  private writeHeaders(b: Batch, end: number): void {
    for (const i of b.headerIdx) if (i < end) this.sink.write(b.tags[i]!);
  }

  /** Media tags before index `end` that this viewer does not get (metrics). */
  private skipped(b: Batch, end: number): void {
    if (!this.counters || this.kind !== 'viewer') return;
    let headers = 0;
    for (const i of b.headerIdx) if (i < end) headers++;
    this.counters.skippedTags += end - headers;
  }

  drop(reason: string): void {
    if (this.closed) return;
    if (this.counters && this.kind === 'viewer') this.counters.droppedViewers++;
    this.dropReason = reason;
    this.sink.close(false);
    this.markClosed();
  }

  close(graceful = true): void {
    if (this.closed) return;
    this.sink.close(graceful);
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed && this.closeCbs.length === 0) return;
    this.closed = true;
    for (const cb of this.closeCbs.splice(0)) cb(this);
  }
}
