import { describe, expect, it } from 'vitest';
import { StreamHub, DEFAULT_VIEWER_POLICY } from './stream-hub.js';
import type { ViewerSink } from '../flv/sinks.js';
import { buildTag, FLV_HEADER, TagKind } from '../flv/tag.js';
import { silentLogger } from '../log.js';

class FakeSink implements ViewerSink {
  writes: Buffer[] = [];
  buffered = 0;
  closed: 'graceful' | 'abort' | null = null;
  private cbs: (() => void)[] = [];
  label = 'fake';
  write(b: Buffer) {
    this.writes.push(b);
  }
  writev(bs: readonly Buffer[]) {
    this.writes.push(...bs);
  }
  bufferedBytes() {
    return this.buffered;
  }
  close(graceful: boolean) {
    if (this.closed) return;
    this.closed = graceful ? 'graceful' : 'abort';
    for (const cb of this.cbs.splice(0)) cb();
  }
  onClose(cb: () => void) {
    this.cbs.push(cb);
  }
  get bytes(): Buffer {
    return Buffer.concat(this.writes);
  }
}

const tags = {
  meta: buildTag(18, 0, Buffer.from('meta')),
  vh: buildTag(9, 0, Buffer.from([0x17, 0, 0, 0, 0])),
  ah: buildTag(8, 0, Buffer.from([0xaf, 0, 0x12, 0x10])),
  key: (ts: number) => buildTag(9, ts, Buffer.from([0x17, 1, 0, 0, 0, ts & 0xff])),
  inter: (ts: number) => buildTag(9, ts, Buffer.from([0x27, 1, 0, 0, 0, ts & 0xff])),
  audio: (ts: number) => buildTag(8, ts, Buffer.from([0xaf, 1, ts & 0xff])),
};

function hub(now = { t: 0 }, extra: Partial<ConstructorParameters<typeof StreamHub>[0]> = {}) {
  return new StreamHub({
    streamId: 's',
    logger: silentLogger,
    viewerPolicy: DEFAULT_VIEWER_POLICY,
    gopCacheMaxBytes: 1 << 20,
    now: () => now.t,
    ...extra,
  });
}

function startStream(h: StreamHub) {
  h.push(tags.meta, TagKind.Script);
  h.push(tags.vh, TagKind.VideoHeader);
  h.push(tags.ah, TagKind.AudioHeader);
  h.push(tags.key(0), TagKind.VideoKey);
  h.push(tags.audio(10), TagKind.Audio);
  h.push(tags.inter(40), TagKind.Video);
  h.flush();
}

const policy = { ...DEFAULT_VIEWER_POLICY, softBytes: 1000, resumeBytes: 100, hardBytes: 10_000, maxBehindMs: 5000 };

describe('StreamHub', () => {
  it('attach: a new viewer gets FLV header, metadata, sequence headers and the GOP from its keyframe at once', () => {
    const h = hub();
    startStream(h);
    const v = new FakeSink();
    h.attach(v, policy);
    expect(v.bytes.equals(Buffer.concat([FLV_HEADER, tags.meta, tags.vh, tags.ah, tags.key(0), tags.audio(10), tags.inter(40)]))).toBe(
      true,
    );
    expect(h.viewerCount).toBe(1);
  });

  it('fan-out: tags of one tick are joined once and the same Buffer instance goes to every in-sync viewer', () => {
    const h = hub();
    startStream(h);
    const a = new FakeSink();
    const b = new FakeSink();
    h.attach(a, policy);
    h.attach(b, policy);
    a.writes = [];
    b.writes = [];
    h.push(tags.audio(50), TagKind.Audio);
    h.push(tags.inter(80), TagKind.Video);
    h.flush();
    expect(a.writes).toHaveLength(1);
    expect(a.writes[0]).toBe(b.writes[0]);
    expect(a.writes[0]!.equals(Buffer.concat([tags.audio(50), tags.inter(80)]))).toBe(true);
  });

  it('a slow viewer skips to the next keyframe, is dropped after maxBehindMs, and the fast viewer gets every tag', () => {
    const now = { t: 0 };
    const h = hub(now);
    startStream(h);
    const fast = new FakeSink();
    const slow = new FakeSink();
    h.attach(fast, policy);
    h.attach(slow, policy);
    const fastBefore = fast.writes.length;
    slow.buffered = 5000; // over softBytes
    h.push(tags.inter(80), TagKind.Video);
    h.flush();
    const slowWrites = slow.writes.length;
    h.push(tags.inter(120), TagKind.Video);
    h.flush();
    expect(slow.writes.length).toBe(slowWrites); // skipping: nothing written
    slow.buffered = 50; // drained below resumeBytes: waits for a keyframe
    h.push(tags.inter(160), TagKind.Video);
    h.flush();
    expect(slow.writes.length).toBe(slowWrites);
    h.push(tags.audio(190), TagKind.Audio);
    h.push(tags.key(200), TagKind.VideoKey);
    h.push(tags.inter(240), TagKind.Video);
    h.flush();
    expect(Buffer.concat(slow.writes.slice(slowWrites)).equals(Buffer.concat([tags.key(200), tags.inter(240)]))).toBe(true);
    // falls behind again and stays behind past maxBehindMs → dropped
    slow.buffered = 5000;
    h.push(tags.inter(280), TagKind.Video);
    h.flush();
    now.t = 6000;
    h.push(tags.inter(320), TagKind.Video);
    h.flush();
    expect(slow.closed).toBe('abort');
    expect(h.viewerCount).toBe(1);
    expect(fast.writes.length - fastBefore).toBe(6);
  });

  it('a viewer whose send buffer exceeds hardBytes is dropped at once', () => {
    const h = hub();
    startStream(h);
    const v = new FakeSink();
    h.attach(v, policy);
    v.buffered = 20_000;
    h.push(tags.inter(80), TagKind.Video);
    h.flush();
    expect(v.closed).toBe('abort');
    expect(h.viewerCount).toBe(0);
  });

  it('setPaused: no media while paused (sequence headers still pass); after resume viewers restart at the next keyframe', () => {
    const h = hub();
    startStream(h);
    const v = new FakeSink();
    h.attach(v, policy);
    h.setPaused(true);
    v.writes = [];
    h.push(tags.inter(80), TagKind.Video);
    h.push(tags.key(100), TagKind.VideoKey);
    h.push(tags.vh, TagKind.VideoHeader);
    h.flush();
    expect(v.writes).toEqual([tags.vh]);
    const late = new FakeSink();
    h.attach(late, policy); // joins while paused: header + metadata + sequence headers only
    expect(late.bytes.equals(Buffer.concat([FLV_HEADER, tags.meta, tags.vh, tags.ah]))).toBe(true);
    h.setPaused(false);
    v.writes = [];
    h.push(tags.inter(140), TagKind.Video);
    h.flush();
    expect(v.writes).toHaveLength(0);
    h.push(tags.key(200), TagKind.VideoKey);
    h.flush();
    expect(v.bytes.equals(tags.key(200))).toBe(true);
  });

  it('the GOP cache is bounded by gopCacheMaxBytes (then viewers wait for the next keyframe)', () => {
    const h = hub({ t: 0 }, { gopCacheMaxBytes: 200 });
    startStream(h);
    for (let i = 0; i < 20; i++) h.push(tags.inter(80 + i * 40), TagKind.Video);
    h.flush();
    expect(h.stats().gopBytes).toBeLessThanOrEqual(200);
    const v = new FakeSink();
    h.attach(v, policy);
    h.push(tags.inter(2000), TagKind.Video);
    h.push(tags.key(2040), TagKind.VideoKey);
    h.flush();
    expect(v.bytes.equals(Buffer.concat([FLV_HEADER, tags.meta, tags.vh, tags.ah, tags.key(2040)]))).toBe(true);
  });

  it('close(): cascades publisher → viewers → HLS → recorder, delivers the last tags, and is idempotent', async () => {
    const h = hub();
    const order: string[] = [];
    startStream(h);
    const v = new FakeSink();
    h.attach(v, policy);
    v.onClose(() => order.push('viewer'));
    h.publisher = { close: () => order.push('publisher') };
    h.hls = { stop: async () => void order.push('hls') };
    h.recorder = { stop: async () => void order.push('recorder') };
    h.push(tags.inter(80), TagKind.Video);
    const p1 = h.close('deleteStream');
    const p2 = h.close('again');
    expect(p2).toBe(p1);
    await p1;
    await h.close();
    expect(order).toEqual(['publisher', 'viewer', 'hls', 'recorder']);
    expect(v.writes.at(-1)!.equals(tags.inter(80))).toBe(true);
    expect(v.closed).toBe('graceful');
    h.push(tags.inter(120), TagKind.Video); // after close: ignored
    const late = new FakeSink();
    h.attach(late, policy);
    expect(late.closed).toBe('graceful');
  });
});
