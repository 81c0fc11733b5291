/**
 * Who is watching, per stream: viewer connections (waiting or attached) grouped by viewer key (a
 * device id, openid or client IP the host passes to attachViewer). A viewer is one distinct key; a
 * connection without a key counts as one viewer by itself. Optionally at most `maxPerKey` concurrent
 * connections per key and stream: a new one beyond that closes the key's oldest connection (so a
 * player that reconnects before its old connection timed out is never locked out).
 */
import type { ViewerSink } from '../flv/sinks.js';

interface StreamViewers {
  /** key → its open connections, oldest first. */
  readonly keyed: Map<string, Set<ViewerSink>>;
  anonymous: number;
  connections: number;
}

export class ViewerKeys {
  private readonly streams = new Map<string, StreamViewers>();

  /** maxPerKey 0 = no cap. onChange runs after every change of a stream's numbers. */
  constructor(
    private readonly maxPerKey: number,
    private readonly onChange: (streamId: string) => void,
  ) {}

  /** Distinct viewers: distinct keys plus connections without a key. */
  viewers(streamId: string): number {
    const s = this.streams.get(streamId);
    return s ? s.keyed.size + s.anonymous : 0;
  }

  /** Open viewer connections. */
  connections(streamId: string): number {
    return this.streams.get(streamId)?.connections ?? 0;
  }

  /** Connections of one key. */
  connectionsOf(streamId: string, key: string): number {
    return this.streams.get(streamId)?.keyed.get(key)?.size ?? 0;
  }

  /**
   * Count a viewer connection until its sink closes. Returns the sinks evicted by the per-key cap
   * (`maxPerKey`, default the constructor's; already uncounted; the caller closes them).
   */
  add(streamId: string, sink: ViewerSink, key?: string, maxPerKey: number = this.maxPerKey): ViewerSink[] {
    let s = this.streams.get(streamId);
    if (!s) this.streams.set(streamId, (s = { keyed: new Map(), anonymous: 0, connections: 0 }));
    const st = s;
    const evicted: ViewerSink[] = [];
    let gone = false;
    if (key) {
      let set = st.keyed.get(key);
      if (!set) st.keyed.set(key, (set = new Set()));
      for (const old of set) {
        if (maxPerKey <= 0 || set.size < maxPerKey) break;
        set.delete(old);
        st.connections--;
        evicted.push(old);
      }
      set.add(sink);
      const mine = set;
      sink.onClose(() => {
        if (gone || !mine.delete(sink)) return;
        gone = true;
        if (mine.size === 0 && st.keyed.get(key) === mine) st.keyed.delete(key);
        this.removed(streamId, st);
      });
    } else {
      st.anonymous++;
      sink.onClose(() => {
        if (gone) return;
        gone = true;
        st.anonymous--;
        this.removed(streamId, st);
      });
    }
    st.connections++;
    this.onChange(streamId);
    return evicted;
  }

  private removed(streamId: string, st: StreamViewers): void {
    st.connections--;
    if (st.connections === 0 && this.streams.get(streamId) === st) this.streams.delete(streamId);
    this.onChange(streamId);
  }
}
