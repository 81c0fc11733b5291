/**
 * A relayed stream on an edge node (issue 13): a StreamHub fed by an internal pull from another node instead of a
 * publisher — no recording, no HLS (HLS is the origin's), no publishStart/publishStop. Viewers attach as usual (GOP
 * cache, backpressure unchanged). Upstreams may change (the anchor republished on another node): each new upstream
 * session continues the timestamps of the last one, so players keep playing on the same connection.
 */
import { classifyAudio, classifyVideo, TAG_AUDIO, TAG_VIDEO, TagKind } from '../flv/tag.js';
import type { StreamHub } from '../hub/stream-hub.js';

/** Assumed frame step between the last tag of one upstream session and the first of the next. */
const GAP_MS = 40;

export class RelayFeed {
  /** the upstream session's first timestamp maps to this (undefined: keep the upstream's own) */
  private target: number | undefined;
  private offset = 0;
  private lastOut = -1;
  private readonly viewerFns = new Set<(n: number) => void>();

  constructor(
    readonly hub: StreamHub,
    private readonly closeFn: (reason: string) => Promise<void>,
  ) {}

  get closed(): boolean {
    return this.hub.isClosed;
  }

  get viewers(): number {
    return this.hub.viewerCount;
  }

  /** Listen to the edge's viewer count (the server stops the pull a while after it falls to 0). */
  onViewers(fn: (n: number) => void): () => void {
    this.viewerFns.add(fn);
    return () => this.viewerFns.delete(fn);
  }

  /** @internal the hub's viewer count changed */
  viewersChanged(n: number): void {
    for (const fn of this.viewerFns) fn(n);
  }

  /** A new upstream session starts: its timestamps continue after the last tag sent. */
  beginUpstream(): void {
    if (this.lastOut >= 0) this.target = this.lastOut + GAP_MS;
  }

  /** One whole FLV tag from the upstream (rewritten in place when its timestamp moves). */
  push(tag: Buffer): void {
    const type = tag[0]! & 0x1f;
    const data = tag.subarray(11, tag.length - 4);
    let kind: TagKind;
    if (type === TAG_VIDEO) kind = classifyVideo(data);
    else if (type === TAG_AUDIO) kind = classifyAudio(data);
    else {
      this.hub.push(tag, TagKind.Script);
      return;
    }
    const ts = (tag.readUIntBE(4, 3) | (tag[7]! << 24)) >>> 0;
    if (this.target !== undefined) {
      this.offset = this.target - ts;
      this.target = undefined;
    }
    if (this.offset !== 0) {
      const out = Math.max(0, ts + this.offset);
      tag.writeUIntBE(out & 0xffffff, 4, 3);
      tag[7] = (out >>> 24) & 0xff;
      this.lastOut = out;
    } else this.lastOut = ts;
    this.hub.push(tag, kind);
  }

  /** End the relay: its viewers' connections end (they reconnect, e.g. to the new origin). */
  close(reason = 'relay closed'): Promise<void> {
    return this.closeFn(reason);
  }
}
