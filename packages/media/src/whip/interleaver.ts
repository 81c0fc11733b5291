/**
 * Orders a publisher's audio and video FLV tags by timestamp before they reach the hub. Audio
 * comes out of the Opus→AAC transcoder a little later than video is depacketized; held for at most
 * `maxDelayMs`, the two tracks are merged so that players, HLS and recordings get one
 * non-decreasing timeline. Each track's timestamps are made non-decreasing first.
 */
import type { TagKind } from '../flv/tag.js';

interface Item {
  tag: Buffer;
  kind: TagKind;
  ts: number;
  at: number;
}

export interface InterleaverOptions {
  maxDelayMs: number;
  emit(tag: Buffer, kind: TagKind): void;
  now?: () => number;
}

export class Interleaver {
  private readonly q: { audio: Item[]; video: Item[] } = { audio: [], video: [] };
  private readonly last = { audio: 0, video: 0 };
  private readonly expect = { audio: true, video: true };
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: InterleaverOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Whether to wait for a track at all (a publisher without audio must not delay video). */
  setExpected(track: 'audio' | 'video', expected: boolean): void {
    this.expect[track] = expected;
    this.release();
  }

  /** Add a tag whose FLV timestamp is `ts`; the tag's header is rewritten if ts has to move forward. */
  push(track: 'audio' | 'video', tag: Buffer, kind: TagKind, ts: number): void {
    if (this.closed) return;
    const t = Math.max(ts, this.last[track]);
    this.last[track] = t;
    if (t !== ts) setTimestamp(tag, t);
    this.q[track].push({ tag, kind, ts: t, at: this.now() });
    this.release();
  }

  private release(): void {
    const now = this.now();
    for (;;) {
      const a = this.q.audio[0];
      const v = this.q.video[0];
      let take: 'audio' | 'video' | null = null;
      if (a && v) take = a.ts < v.ts ? 'audio' : 'video';
      else if (a && (!this.expect.video || now - a.at >= this.opts.maxDelayMs)) take = 'audio';
      else if (v && (!this.expect.audio || now - v.at >= this.opts.maxDelayMs)) take = 'video';
      if (!take) break;
      const it = this.q[take].shift()!;
      this.opts.emit(it.tag, it.kind);
      if (this.closed) return;
    }
    this.schedule(now);
  }

  private schedule(now: number): void {
    const head = this.q.audio[0] ?? this.q.video[0];
    if (!head || this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.release();
      },
      Math.max(1, head.at + this.opts.maxDelayMs - now),
    );
  }

  /** Emit everything still held, in order (end of publishing). */
  flush(): void {
    this.expect.audio = this.expect.video = false;
    this.release();
  }

  /** Idempotent: drop what is held. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.q.audio = [];
    this.q.video = [];
  }
}

function setTimestamp(tag: Buffer, ts: number): void {
  tag.writeUIntBE(ts & 0xffffff, 4, 3);
  tag[7] = (ts >>> 24) & 0xff;
}
