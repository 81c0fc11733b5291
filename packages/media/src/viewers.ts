/** Viewers waiting for a stream that has no publisher yet (each with its own deadline). */
import type { ViewerSink } from './flv/sinks.js';

export interface ViewerHandle {
  readonly streamId: string;
  /** Detach and close the viewer's connection. */
  close(): void;
}

interface Waiter {
  sink: ViewerSink;
  timer: NodeJS.Timeout;
}

export class ViewerSet {
  private readonly byStream = new Map<string, Set<Waiter>>();

  count(streamId: string): number {
    return this.byStream.get(streamId)?.size ?? 0;
  }

  /** Wait up to waitMs; then the sink is closed. onGone runs when it leaves the set without take(). */
  add(streamId: string, sink: ViewerSink, waitMs: number, onGone: () => void): void {
    let set = this.byStream.get(streamId);
    if (!set) this.byStream.set(streamId, (set = new Set()));
    const s = set;
    const w: Waiter = {
      sink,
      timer: setTimeout(() => {
        if (remove()) sink.close(true);
      }, waitMs),
    };
    w.timer.unref();
    const remove = (): boolean => {
      if (!s.delete(w)) return false;
      clearTimeout(w.timer);
      if (s.size === 0 && this.byStream.get(streamId) === s) this.byStream.delete(streamId);
      onGone();
      return true;
    };
    s.add(w);
    sink.onClose(() => void remove());
  }

  /** Remove and return every waiter of a stream (a publisher arrived). */
  take(streamId: string): ViewerSink[] {
    const set = this.byStream.get(streamId);
    if (!set) return [];
    this.byStream.delete(streamId);
    const out: ViewerSink[] = [];
    for (const w of set) {
      clearTimeout(w.timer);
      out.push(w.sink);
    }
    set.clear();
    return out;
  }

  closeAll(): void {
    for (const id of [...this.byStream.keys()]) for (const sink of this.take(id)) sink.close(true);
  }
}
