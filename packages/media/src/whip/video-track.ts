/**
 * A WHIP publisher's video: RTP → jitter buffer (NACK time) → H.264 depacketizer → access units →
 * FLV video tags (sequence header on SPS/PPS change, keyframe on IDR). After a loss, frames are
 * dropped until the next IDR; keyframes are requested (PLI) at start, after a loss, and whenever
 * none came for keyframeIntervalMs, so viewers can join quickly.
 */
import { TagKind } from '../flv/tag.js';
import { JitterBuffer } from './jitter-buffer.js';
import { H264Depacketizer, type AccessUnit } from './h264-depacketizer.js';
import { avcFrameTag, avcSequenceHeaderTag, parameterSets } from './avc.js';
import type { AvSync } from './av-sync.js';

export interface RtpIn {
  seq: number;
  ts: number;
  marker: boolean;
  payload: Buffer;
}

export interface VideoTrackOptions {
  sync: AvSync;
  jitterMs: number;
  keyframeIntervalMs: number;
  emit(tag: Buffer, kind: TagKind, ts: number): void;
  requestKeyframe(why: string): void;
  /** SPS/PPS from the offer's sprop-parameter-sets, if any (used until in-band ones arrive). */
  sprop?: { sps: Buffer; pps: Buffer } | null;
  now?: () => number;
}

/** Retry interval for keyframe requests while waiting for one. */
const WAITING_RETRY_MS = 500;

export class VideoTrack {
  lastPacketAt = 0;
  frames = 0;
  keyframes = 0;
  /** Frames not delivered while waiting for a keyframe. */
  skipped = 0;
  keyframeRequests = 0;
  private waitingForKey = true;
  private lastKeyAt = 0;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private sps: Buffer | null;
  private pps: Buffer | null;
  private sentConfig: Buffer | null = null;
  private readonly jitter: JitterBuffer<{ ext: number; marker: boolean; payload: Buffer }>;
  private readonly depack: H264Depacketizer;
  private readonly now: () => number;

  constructor(private readonly opts: VideoTrackOptions) {
    this.now = opts.now ?? Date.now;
    this.sps = opts.sprop?.sps ?? null;
    this.pps = opts.sprop?.pps ?? null;
    this.depack = new H264Depacketizer(
      (au) => this.onAccessUnit(au),
      () => this.onBroken(),
    );
    this.jitter = new JitterBuffer({
      maxWaitMs: opts.jitterMs,
      maxPackets: 2048,
      onPacket: (p) => this.depack.push(p.payload, p.ext, p.marker),
      onLoss: () => this.depack.lost(),
      now: this.now,
    });
  }

  get lost(): number {
    return this.jitter.lost;
  }

  push(p: RtpIn): void {
    const first = this.lastPacketAt === 0;
    this.lastPacketAt = this.now();
    const ext = this.opts.sync.packet(this.opts.sync.video, p.ts);
    if (first) this.request('start');
    this.jitter.push(p.seq, { ext, marker: p.marker, payload: p.payload });
  }

  /** Periodic check (every few hundred ms): keyframe requests. */
  tick(): void {
    if (this.lastPacketAt === 0) return;
    const now = this.now();
    if (this.waitingForKey) {
      if (now - this.lastRequestAt >= WAITING_RETRY_MS) this.request('waiting for a keyframe');
    } else if (now - this.lastKeyAt >= this.opts.keyframeIntervalMs && now - this.lastRequestAt >= this.opts.keyframeIntervalMs) {
      this.request(`no keyframe for ${now - this.lastKeyAt} ms`);
    }
  }

  private request(why: string): void {
    this.lastRequestAt = this.now();
    this.keyframeRequests++;
    this.opts.requestKeyframe(why);
  }

  private onBroken(): void {
    if (!this.waitingForKey) {
      this.waitingForKey = true;
      this.request('loss');
    }
  }

  private onAccessUnit(au: AccessUnit): void {
    const ps = parameterSets(au.nalus);
    if (ps.sps) this.sps = ps.sps;
    if (ps.pps) this.pps = ps.pps;
    const ts = this.opts.sync.flvTime(this.opts.sync.video, au.timestamp);
    if (au.idr) {
      if (!this.sps || !this.pps) {
        this.skipped++;
        return;
      }
      const config = Buffer.concat([this.sps, this.pps]);
      if (!this.sentConfig || !config.equals(this.sentConfig)) {
        this.sentConfig = config;
        this.opts.emit(avcSequenceHeaderTag(this.sps, this.pps, ts), TagKind.VideoHeader, ts);
      }
      this.waitingForKey = false;
      this.lastKeyAt = this.now();
      this.keyframes++;
      this.frames++;
      this.opts.emit(avcFrameTag(au.nalus, true, ts), TagKind.VideoKey, ts);
      return;
    }
    if (this.waitingForKey) {
      this.skipped++;
      return;
    }
    this.frames++;
    this.opts.emit(avcFrameTag(au.nalus, false, ts), TagKind.Video, ts);
  }

  close(): void {
    this.jitter.close();
  }
}
