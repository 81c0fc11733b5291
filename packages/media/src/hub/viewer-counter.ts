/**
 * Coalesces viewer count changes: at most one viewerCount event per stream per interval, only when
 * count, peak or connections changed.
 */
import type { ViewerCountEvent } from '../events.js';

export class ViewerCounter {
  private readonly dirty = new Set<string>();
  private readonly peaks = new Map<string, number>();
  private readonly last = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly count: (streamId: string) => number,
    private readonly emit: (e: ViewerCountEvent) => void,
    private readonly intervalMs: number,
    private readonly connections: (streamId: string) => number = count,
  ) {}

  /** A new publish session starts the peak afresh. */
  resetPeak(streamId: string): void {
    this.peaks.set(streamId, this.count(streamId));
    this.changed(streamId);
  }

  peak(streamId: string): number {
    return this.peaks.get(streamId) ?? 0;
  }

  changed(streamId: string): void {
    const n = this.count(streamId);
    if (n > (this.peaks.get(streamId) ?? 0)) this.peaks.set(streamId, n);
    this.dirty.add(streamId);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  flush(): void {
    this.timer = null;
    for (const streamId of this.dirty) {
      const e = { streamId, count: this.count(streamId), peak: this.peaks.get(streamId) ?? 0, connections: this.connections(streamId) };
      const key = `${e.count}/${e.peak}/${e.connections}`;
      if (this.last.get(streamId) === key) continue;
      this.last.set(streamId, key);
      this.emit(e);
    }
    this.dirty.clear();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
