import { describe, expect, it } from 'vitest';
import type { ViewerSink } from './flv/sinks.js';
import { buildTag, TagKind } from './flv/tag.js';
import { DEFAULT_VIEWER_POLICY, StreamHub } from './hub/stream-hub.js';
import { silentLogger } from './log.js';
import { MediaStats } from './stats.js';

class Sink implements ViewerSink {
  buffered = 0;
  written = 0;
  private cbs: (() => void)[] = [];
  write(b: Buffer) {
    this.written += b.length;
  }
  writev(bs: readonly Buffer[]) {
    for (const b of bs) this.written += b.length;
  }
  bufferedBytes() {
    return this.buffered;
  }
  close() {
    for (const cb of this.cbs.splice(0)) cb();
  }
  onClose(cb: () => void) {
    this.cbs.push(cb);
  }
}

const live = (streamId: string) => [{ streamId, protocol: 'rtmp' as const, gopBytes: 0 }];

describe('MediaStats', () => {
  it('wrap(): counts a viewer connection by protocol until it closes, and every byte written to it', () => {
    const st = new MediaStats();
    const raw = new Sink();
    const sink = st.wrap('7', 'flv', raw);
    st.wrap('7', 'ws-flv', new Sink());
    sink.write(Buffer.alloc(100));
    sink.writev([Buffer.alloc(10), Buffer.alloc(5)]);
    expect(raw.written).toBe(115);
    let snap = st.snapshot(live('7'));
    expect(snap.viewers).toEqual([
      { streamId: '7', protocol: 'flv', count: 1 },
      { streamId: '7', protocol: 'ws-flv', count: 1 },
    ]);
    expect(snap.bytesOut).toEqual({ flv: 115, 'ws-flv': 0, hls: 0 });
    raw.close();
    snap = st.snapshot(live('7'));
    expect(snap.viewers).toEqual([{ streamId: '7', protocol: 'ws-flv', count: 1 }]);
  });

  it('snapshot(): viewers of a stream without a publisher are not reported (labels only while live)', () => {
    const st = new MediaStats();
    st.wrap('8', 'flv', new Sink());
    expect(st.snapshot([]).viewers).toEqual([]);
  });

  it('hlsServed(): distinct clients of the last 10 s count as HLS viewers; older ones drop out', () => {
    const now = { t: 1_000_000 };
    const st = new MediaStats(10_000, () => now.t);
    st.hlsServed('9', '10.0.0.1', 300);
    st.hlsServed('9', '10.0.0.1', 200);
    st.hlsServed('9', '10.0.0.2', 100);
    expect(st.snapshot(live('9')).viewers).toEqual([{ streamId: '9', protocol: 'hls', count: 2 }]);
    expect(st.snapshot(live('9')).bytesOut.hls).toBe(600);
    now.t += 6000;
    st.hlsServed('9', '10.0.0.2', 100);
    now.t += 6000;
    expect(st.snapshot(live('9')).viewers).toEqual([{ streamId: '9', protocol: 'hls', count: 1 }]);
  });

  it('a hub counts the frames a slow viewer skips and the viewers it drops', () => {
    const st = new MediaStats();
    const t = { now: 0 };
    const policy = { ...DEFAULT_VIEWER_POLICY, softBytes: 1000, resumeBytes: 100, hardBytes: 10_000, maxBehindMs: 5000 };
    const hub = new StreamHub({
      streamId: 's',
      logger: silentLogger,
      viewerPolicy: policy,
      gopCacheMaxBytes: 1 << 20,
      now: () => t.now,
      stats: st.delivery,
    });
    const key = (ts: number) => buildTag(9, ts, Buffer.from([0x17, 1, 0, 0, 0]));
    const inter = (ts: number) => buildTag(9, ts, Buffer.from([0x27, 1, 0, 0, 0]));
    hub.push(buildTag(9, 0, Buffer.from([0x17, 0, 0, 0, 0])), TagKind.VideoHeader);
    hub.push(key(0), TagKind.VideoKey);
    hub.flush();
    const slow = new Sink();
    hub.attach(slow, policy);
    slow.buffered = 5000; // over softBytes: the next batches are skipped
    hub.push(inter(40), TagKind.Video);
    hub.push(inter(80), TagKind.Video);
    hub.flush();
    expect(st.delivery.skippedTags).toBe(2);
    slow.buffered = 20_000; // over hardBytes: dropped
    hub.push(inter(120), TagKind.Video);
    hub.flush();
    expect(st.delivery.droppedViewers).toBe(1);
  });
});
