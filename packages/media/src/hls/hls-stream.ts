/**
 * One stream's LL-HLS presentation, in memory: the sliding window of segments and parts the
 * Segmenter produces, their bytes, and the requests against them — blocking playlist reloads
 * (_HLS_msn/_HLS_part), delta updates (_HLS_skip), the preload-hinted part held until it lands.
 * URIs are `PREFIX-iN.mp4` (init), `PREFIX-sMSN.m4s` (segment), `PREFIX-pMSN.I.m4s` (part), with a
 * prefix unique per publish session, so an edge may cache them for good.
 */
import { renderPlaylist, type PartRec, type PlaylistState, type SegmentRec } from './playlist.js';
import {
  CACHE_BLOCKING,
  CACHE_PLAYLIST,
  errorResponse,
  mediaResponse,
  parseDirectives,
  playlistResponse,
  type HlsQuery,
  type HlsResponse,
} from './response.js';
import type { SegmenterSink } from './segmenter.js';

export interface HlsStreamOptions {
  /** Unique per publish session: [A-Za-z0-9_-]. */
  prefix: string;
  /** Media sequence number of the first segment (continues the previous session's numbers). */
  firstMsn: number;
  /** Complete segments listed in the playlist. Default 10. */
  listSize?: number;
  /** Segments kept downloadable after they leave the playlist. Default 2. */
  retainSegments?: number;
  /** How long a request waits for the first segment of a starting stream. Default 8000 ms. */
  readyWaitMs?: number;
}

interface Waiter {
  cond: () => boolean;
  done: (ok: boolean) => void;
}

/** Blocked requests (playlist reloads, hinted parts) one stream holds at most; more are answered 503 at once. */
export const MAX_WAITERS = 50_000;

export class LlHlsStream implements SegmenterSink {
  private readonly resources = new Map<string, Buffer>();
  private readonly segments: SegmentRec[] = [];
  private readonly retired: SegmentRec[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listSize: number;
  private readonly retain: number;
  private map = '';
  private maps = 0;
  private msn: number;
  private td = 0;
  private pt = 0;
  private discontinuitySequence = 0;
  private ended = false;
  private disposed = false;
  private carryDiscontinuity = false;
  private version = 0;
  private rendered: { version: number; full?: string; delta?: string } = { version: -1 };

  constructor(private readonly o: HlsStreamOptions) {
    this.msn = o.firstMsn;
    this.listSize = Math.max(3, o.listSize ?? 10);
    this.retain = o.retainSegments ?? 2;
  }

  /** The media sequence number the next segment gets (a new session of the stream continues from it). */
  get nextMsn(): number {
    return this.msn;
  }

  /** A playlist can be served (the first segment is complete). */
  get ready(): boolean {
    return this.td > 0;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  stats(): { segments: number; parts: number; bytes: number; waiters: number; targetDurationSec: number; partTargetSec: number } {
    let bytes = 0;
    for (const s of [...this.retired, ...this.segments]) for (const p of s.parts) bytes += p.data.length;
    return {
      segments: this.segments.length,
      parts: this.segments.reduce((n, s) => n + s.parts.length, 0),
      bytes,
      waiters: this.waiters.size,
      targetDurationSec: this.td,
      partTargetSec: this.pt,
    };
  }

  // ---- SegmenterSink ----
  init(data: Buffer): void {
    this.map = `${this.o.prefix}-i${this.maps++}.mp4`;
    this.resources.set(this.map, data);
  }

  segmentStart(s: { discontinuity: boolean; programDateMs: number }): void {
    const msn = this.msn++;
    const discontinuity = s.discontinuity || this.carryDiscontinuity;
    this.carryDiscontinuity = false;
    this.segments.push({
      msn,
      name: `${this.o.prefix}-s${msn}.m4s`,
      map: this.map,
      discontinuity,
      programDateMs: s.programDateMs,
      parts: [],
      durationSec: 0,
      complete: false,
    });
  }

  part(p: { durationSec: number; independent: boolean; data: Buffer }): void {
    const seg = this.open();
    if (!seg) return;
    const rec: PartRec = { name: `${this.o.prefix}-p${seg.msn}.${seg.parts.length}.m4s`, ...p };
    seg.parts.push(rec);
    seg.durationSec += p.durationSec;
    this.resources.set(rec.name, p.data);
    this.changed();
  }

  segmentEnd(t: { targetDurationSec: number; partTargetSec: number }): void {
    const seg = this.open();
    if (!seg) return;
    if (seg.parts.length === 0) {
      this.segments.pop(); // nothing was in it: its number (and discontinuity) go to the next segment
      this.msn--;
      this.carryDiscontinuity ||= seg.discontinuity;
      return;
    }
    if (!this.td) {
      this.td = t.targetDurationSec;
      this.pt = t.partTargetSec;
    }
    // One buffer for the segment; its parts become views into it (the window is held once).
    const data = Buffer.concat(seg.parts.map((p) => p.data));
    let o = 0;
    for (const p of seg.parts) {
      p.data = data.subarray(o, o + p.data.length);
      o += p.data.length;
      this.resources.set(p.name, p.data);
    }
    this.resources.set(seg.name, data);
    seg.complete = true;
    this.trim();
    this.changed();
  }

  /** Publishing stopped (after the segmenter's last segment): the playlist gets EXT-X-ENDLIST. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.changed();
  }

  /** Forget everything (the stream is no longer served); pending requests get 404. */
  dispose(): void {
    this.ended = this.disposed = true;
    this.resources.clear();
    for (const w of [...this.waiters]) w.done(false);
  }

  // ---- requests ----
  request(file: string, query?: HlsQuery): Promise<HlsResponse> {
    if (this.disposed) return Promise.resolve(errorResponse(404, 'no such HLS stream'));
    return file === 'index.m3u8' ? this.playlist(query) : this.resource(file);
  }

  private async playlist(query: HlsQuery): Promise<HlsResponse> {
    const d = parseDirectives(query);
    if (typeof d === 'string') return errorResponse(400, d);
    if (!this.ready && !this.ended) await this.wait(() => this.ready || this.ended, this.o.readyWaitMs ?? 8000);
    if (this.disposed || (!this.ready && this.ended)) return errorResponse(404, 'this stream has no HLS segments');
    if (!this.ready) return errorResponse(503, 'the stream has no complete segment yet');
    if (this.ended) return playlistResponse(this.render(false), CACHE_PLAYLIST); // directives are ignored after EXT-X-ENDLIST
    if (d.msn === null) return playlistResponse(this.render(d.skip), CACHE_PLAYLIST);
    const refused = this.tooFarAhead(d.msn, d.part);
    if (refused) return errorResponse(400, refused);
    const { msn, part } = d;
    if (!this.reached(msn, part)) {
      const ok = await this.wait(() => this.ended || this.reached(msn, part), 3 * this.td * 1000);
      if (this.disposed) return errorResponse(404, 'no such HLS stream');
      if (!ok)
        return errorResponse(503, `segment ${msn}${part === null ? '' : ` part ${part}`} did not appear within three target durations`);
      if (this.ended) return playlistResponse(this.render(false), CACHE_PLAYLIST);
    }
    return playlistResponse(this.render(d.skip), CACHE_BLOCKING);
  }

  private async resource(file: string): Promise<HlsResponse> {
    const hit = this.resources.get(file);
    if (hit) return mediaResponse(hit);
    if (this.ended || file !== this.preloadHint()) return errorResponse(404, 'no such HLS file');
    const ok = await this.wait(() => this.ended || this.resources.has(file), 3 * (this.td || 2) * 1000);
    const data = this.resources.get(file);
    if (data) return mediaResponse(data);
    return ok ? errorResponse(404, 'the hinted part was not published') : errorResponse(503, 'the hinted part did not appear in time');
  }

  // ---- state ----
  private open(): SegmentRec | undefined {
    const last = this.segments.at(-1);
    return last && !last.complete ? last : undefined;
  }

  private lastCompleteMsn(): number {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i]!.complete) return this.segments[i]!.msn;
    return this.o.firstMsn - 1;
  }

  /** (msn, part index) of the newest part. */
  private lastPart(): { msn: number; part: number } | null {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      if (s.parts.length > 0) return { msn: s.msn, part: s.parts.length - 1 };
    }
    return null;
  }

  /** RFC 8216bis 6.2.5.2: the playlist holds segment msn (no part asked) or part `part` of msn — a part index past a segment's last means part 0 of the next. */
  private reached(msn: number, part: number | null): boolean {
    if (part === null) return this.lastCompleteMsn() >= msn;
    const last = this.lastPart();
    return last !== null && (last.msn > msn || (last.msn === msn && last.part >= part));
  }

  /** 400 for a request too far ahead: msn beyond the last segment + 2, or a part beyond the Advance Part Limit. */
  private tooFarAhead(msn: number, part: number | null): string | null {
    const lastMsn = this.lastCompleteMsn();
    if (msn > lastMsn + 2) return `_HLS_msn=${msn} is more than two segments after the last one (${lastMsn})`;
    const last = this.lastPart();
    if (part === null || !last || msn < last.msn) return null;
    const limit = this.pt < 1 ? Math.floor(3 / this.pt) : 3;
    const ahead = msn === last.msn ? part - last.part : part + 1;
    return ahead > limit ? `_HLS_part=${part} is more than ${limit} parts after the last one (${last.msn}.${last.part})` : null;
  }

  private preloadHint(): string | null {
    if (this.ended) return null;
    const seg = this.open();
    return seg ? `${this.o.prefix}-p${seg.msn}.${seg.parts.length}.m4s` : `${this.o.prefix}-p${this.msn}.0.m4s`;
  }

  private state(): PlaylistState {
    return {
      targetDurationSec: this.td,
      partTargetSec: this.pt,
      discontinuitySequence: this.discontinuitySequence,
      segments: this.segments,
      preloadHint: this.preloadHint(),
      ended: this.ended,
    };
  }

  /** The playlist text, rendered once per change and shared by every request. */
  private render(skip: boolean): string {
    if (this.rendered.version !== this.version) this.rendered = { version: this.version };
    if (skip) return (this.rendered.delta ??= renderPlaylist(this.state(), true));
    return (this.rendered.full ??= renderPlaylist(this.state(), false));
  }

  /** Slide the window: the oldest complete segments leave the playlist, then (after retainSegments more) memory. */
  private trim(): void {
    while (this.segments.filter((s) => s.complete).length > this.listSize) {
      const s = this.segments.shift()!;
      if (s.discontinuity) this.discontinuitySequence++;
      this.retired.push(s);
    }
    while (this.retired.length > this.retain) {
      const s = this.retired.shift()!;
      this.resources.delete(s.name);
      for (const p of s.parts) this.resources.delete(p.name);
      const inUse = new Set([this.map, ...this.retired.map((r) => r.map), ...this.segments.map((r) => r.map)]);
      if (!inUse.has(s.map)) this.resources.delete(s.map);
    }
  }

  private changed(): void {
    this.version++;
    for (const w of [...this.waiters]) if (w.cond()) w.done(true);
  }

  /** Resolve true when cond() holds after a change, false after timeoutMs (or on dispose, or with MAX_WAITERS waiting). */
  private wait(cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (this.waiters.size >= MAX_WAITERS) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w: Waiter = {
        cond,
        done: (ok) => {
          clearTimeout(timer);
          this.waiters.delete(w);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => w.done(false), timeoutMs);
      this.waiters.add(w);
    });
  }
}
