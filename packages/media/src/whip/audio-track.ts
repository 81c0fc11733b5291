/**
 * A WHIP publisher's audio: RTP (Opus) → small reorder buffer → Opus→AAC transcoder (ffmpeg) →
 * FLV AAC tags (sequence header when the AudioSpecificConfig changes), timed by the RTP clock.
 */
import { TagKind } from '../flv/tag.js';
import type { Logger } from '../log.js';
import { JitterBuffer } from './jitter-buffer.js';
import { OpusTranscoder } from './opus-transcoder.js';
import { aacTag } from './adts.js';
import type { AvSync } from './av-sync.js';
import type { RtpIn } from './video-track.js';

export interface AudioTrackOptions {
  sync: AvSync;
  jitterMs: number;
  logger: Logger;
  label: string;
  ffmpegPath?: string;
  bitrate?: string;
  emit(tag: Buffer, kind: TagKind, ts: number): void;
  now?: () => number;
}

export class AudioTrack {
  lastPacketAt = 0;
  frames = 0;
  readonly transcoder: OpusTranscoder;
  private sentConfig: Buffer | null = null;
  private readonly jitter: JitterBuffer<{ ext: number; payload: Buffer }>;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: AudioTrackOptions) {
    this.now = opts.now ?? Date.now;
    this.transcoder = new OpusTranscoder({
      logger: opts.logger,
      label: opts.label,
      ffmpegPath: opts.ffmpegPath,
      bitrate: opts.bitrate,
      onFrame: (f, rtp) => {
        if (this.closed) return;
        const ts = opts.sync.flvTime(opts.sync.audio, rtp);
        if (!this.sentConfig || !f.config.equals(this.sentConfig)) {
          this.sentConfig = f.config;
          opts.emit(aacTag(0, f.config, ts), TagKind.AudioHeader, ts);
        }
        this.frames++;
        opts.emit(aacTag(1, f.data, ts), TagKind.Audio, ts);
      },
    });
    this.jitter = new JitterBuffer({
      maxWaitMs: opts.jitterMs,
      maxPackets: 256,
      onPacket: (p) => this.transcoder.push(p.payload, p.ext),
      onLoss: () => {},
      now: this.now,
    });
  }

  get lost(): number {
    return this.jitter.lost;
  }

  push(p: RtpIn): void {
    if (this.closed) return;
    this.lastPacketAt = this.now();
    const ext = this.opts.sync.packet(this.opts.sync.audio, p.ts);
    this.jitter.push(p.seq, { ext, payload: p.payload });
  }

  /** Idempotent: stops the transcoder (resolves when ffmpeg has exited). */
  close(): Promise<void> {
    this.closed = true;
    this.jitter.close();
    return this.transcoder.stop();
  }
}
