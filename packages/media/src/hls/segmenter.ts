/**
 * Cuts one publish session's samples into LL-HLS segments and parts of fMP4.
 *
 * - Video drives the timeline when there is video (audio-only streams are cut on audio).
 * - A segment starts on a keyframe once the current one is at least minSegmentMs long; the first
 *   segment fixes EXT-X-TARGETDURATION (its rounded length, within [minTargetSec, maxTargetSec]).
 *   A GOP too long for that is cut without a keyframe before it would round above the target.
 * - Parts hold a whole number of frames: the part target is n frame durations (n ≈ partMs / frame,
 *   measured from the first frames) plus 5 %, so every part fits PART-TARGET and, in a constant frame
 *   rate stream, is at least 85 % of it (RFC 8216bis 4.4.4.9).
 * - A sample's duration is known when the next one of its track arrives, so a part is emitted when
 *   the first video frame of the next part arrives; audio goes with the part that is open when it
 *   arrives (it has its own tfdt; AAC frames are 1024 samples).
 * - A new codec configuration or a timestamp jump ends the segment; the next one starts at a keyframe
 *   with EXT-X-DISCONTINUITY (and a new init section for a new configuration).
 */
import { parseAacConfig, parseAvcConfig, type AacConfig, type AvcConfig } from './codec.js';
import { AUDIO_TRACK_ID, codecsOf, initSegment, VIDEO_TIMESCALE, VIDEO_TRACK_ID, type TrackConfig } from './mp4-init.js';
import { mediaFragment, type FragmentSample, type TrackRun } from './mp4-fragment.js';

export interface SegmenterOptions {
  /** Desired part duration (ms). Default 200. */
  partMs: number;
  /** A keyframe starts a new segment once the current one is this long (ms). Default 1000. */
  minSegmentMs: number;
  /** EXT-X-TARGETDURATION bounds (s). Defaults 2 and 6. */
  minTargetSec: number;
  maxTargetSec: number;
  now: () => number;
}

export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  partMs: 200,
  minSegmentMs: 1000,
  minTargetSec: 2,
  maxTargetSec: 6,
  now: Date.now,
};

/** What the segmenter produces, in order: init? → segmentStart → part… → segmentEnd → … */
export interface SegmenterSink {
  init(data: Buffer, codecs: string): void;
  segmentStart(s: { discontinuity: boolean; programDateMs: number }): void;
  part(p: { durationSec: number; independent: boolean; data: Buffer }): void;
  /** The segment is complete; the playlist timing is known from the first one on. */
  segmentEnd(timing: { targetDurationSec: number; partTargetSec: number }): void;
}

interface VideoSample {
  dts: number;
  cts: number;
  key: boolean;
  data: Buffer;
}
interface AudioSample {
  ts: number;
  data: Buffer;
}

/** A timestamp step larger than this (or backwards) is a discontinuity. */
const JUMP_MS = 5000;
/** Video silent while this much audio piled up: emit the audio anyway. */
const AUDIO_LED_MS = 1000;

export class Segmenter {
  /** Set by the first video frame interval (or the AAC frame duration); 0 until then. */
  partTargetMs = 0;
  /** Set when the first segment ends; 0 until then. */
  targetDurationSec = 0;
  private readonly o: SegmenterOptions;
  private video: AvcConfig | null = null;
  private audio: AacConfig | null = null;
  private configChanged = true;
  private discontinuityNext = false;
  private mode: 'video' | 'audio' = 'video';
  private open = false;
  private vq: VideoSample[] = [];
  private aq: AudioSample[] = [];
  private segStart = 0;
  private partStart = 0;
  private segDurationSec = 0;
  private lastVideoDts = -1;
  private lastAudioTs = -1;
  private frameMs = 0;
  private audioTime: number | null = null;
  private sequence = 1;
  private anchor: { wall: number; media: number } | null = null;

  constructor(
    private readonly sink: SegmenterSink,
    opts: Partial<SegmenterOptions> = {},
  ) {
    this.o = { ...DEFAULT_SEGMENTER_OPTIONS, ...opts };
  }

  /** An AVC sequence header's AVCDecoderConfigurationRecord. Throws HlsInputError for a bad one. */
  setVideoConfig(record: Buffer): void {
    if (this.video?.record.equals(record)) return;
    const cfg = parseAvcConfig(record);
    this.breakSegment();
    this.video = cfg;
    this.configChanged = true;
  }

  /** An AAC sequence header's AudioSpecificConfig. Throws HlsInputError for a bad one. */
  setAudioConfig(asc: Buffer): void {
    if (this.audio?.asc.equals(asc)) return;
    const cfg = parseAacConfig(asc);
    this.breakSegment();
    this.audio = cfg;
    this.configChanged = true;
  }

  /** One H.264 frame (AVCC NAL units) at decode time dts and composition offset cts (ms). */
  pushVideo(dts: number, cts: number, key: boolean, data: Buffer): void {
    if (!this.video) return;
    if (!this.open) {
      if (!key) return; // a segment starts on a keyframe
      this.beginSegment(dts);
      this.addVideo({ dts, cts, key, data });
      return;
    }
    const delta = dts - this.lastVideoDts;
    if (delta < 0 || delta > JUMP_MS) {
      this.breakSegment();
      this.discontinuityNext = true;
      this.pushVideo(dts, cts, key, data);
      return;
    }
    // The frame duration: the first interval (≤ 1 s), then any interval up to 3× it (a longer one is a stall).
    if (delta > 0 && delta <= 1000 && (this.frameMs === 0 || delta <= Math.max(250, 3 * this.frameMs))) {
      this.frameMs = delta;
      if (!this.partTargetMs) this.partTargetMs = this.partTargetFor(this.frameMs);
    }
    const est = this.frameMs || 40;
    const segElapsed = dts - this.segStart;
    if (key && segElapsed + est / 2 >= this.o.minSegmentMs) {
      this.cutSegment(dts);
    } else if (segElapsed + est >= this.maxSegmentMs()) {
      this.cutSegment(dts); // the GOP is longer than the target duration allows: cut between keyframes
    } else if (this.partTargetMs && this.vq.length > 0 && dts - this.partStart + est > this.partTargetMs) {
      this.flushPart(dts);
    }
    this.addVideo({ dts, cts, key, data });
  }

  /** One raw AAC frame at ts (ms). */
  pushAudio(ts: number, data: Buffer): void {
    if (!this.audio) return;
    if (this.video) {
      if (!this.open || this.mode !== 'video') return; // wait for a keyframe
      this.aq.push({ ts, data });
      if (ts - this.aq[0]!.ts >= AUDIO_LED_MS) this.audioLed(ts);
      return;
    }
    const est = (1024 / this.audio.sampleRate) * 1000;
    if (!this.partTargetMs) this.partTargetMs = this.partTargetFor(est);
    if (this.open && this.mode === 'audio' && !this.configChanged) {
      const delta = ts - this.lastAudioTs;
      if (delta < 0 || delta > JUMP_MS) {
        this.breakSegment();
        this.discontinuityNext = true;
      }
    }
    if (!this.open || this.mode !== 'audio' || this.configChanged) {
      this.breakSegment();
      this.beginSegment(ts);
    } else if (ts - this.segStart + est / 2 >= (this.targetDurationSec || this.o.minTargetSec) * 1000) {
      this.cutSegment(ts);
    } else if (this.aq.length > 0 && ts - this.partStart + est > this.partTargetMs) {
      this.flushPart();
      this.partStart = ts;
    }
    this.aq.push({ ts, data });
    this.lastAudioTs = ts;
  }

  /** Publishing stopped: emit what is pending and close the segment. */
  end(): void {
    this.breakSegment();
  }

  private addVideo(s: VideoSample): void {
    if (this.vq.length === 0) this.partStart = s.dts;
    this.vq.push(s);
    this.lastVideoDts = s.dts;
  }

  private partTargetFor(frameMs: number): number {
    const n = Math.max(1, Math.round(this.o.partMs / frameMs));
    return Math.ceil(n * frameMs * 1.05);
  }

  private maxSegmentMs(): number {
    return ((this.targetDurationSec || this.o.maxTargetSec) + 0.5) * 1000;
  }

  private beginSegment(startMs: number): void {
    if (this.configChanged) {
      const tracks: TrackConfig[] = [];
      if (this.video) tracks.push({ kind: 'video', id: VIDEO_TRACK_ID, timescale: VIDEO_TIMESCALE, avc: this.video });
      if (this.audio) tracks.push({ kind: 'audio', id: AUDIO_TRACK_ID, timescale: this.audio.sampleRate, aac: this.audio });
      this.sink.init(initSegment(tracks), codecsOf(tracks));
      this.mode = this.video ? 'video' : 'audio';
      this.configChanged = false;
    }
    if (!this.anchor || this.discontinuityNext) this.anchor = { wall: this.o.now(), media: startMs };
    this.open = true;
    this.segStart = this.partStart = startMs;
    this.segDurationSec = 0;
    this.sink.segmentStart({ discontinuity: this.discontinuityNext, programDateMs: this.anchor.wall + (startMs - this.anchor.media) });
    this.discontinuityNext = false;
  }

  private cutSegment(startMs: number): void {
    this.flushPart(this.mode === 'video' ? startMs : undefined);
    this.endSegment();
    this.beginSegment(startMs);
  }

  private endSegment(): void {
    if (!this.open) return;
    this.open = false;
    if (!this.targetDurationSec) {
      this.targetDurationSec = Math.min(this.o.maxTargetSec, Math.max(this.o.minTargetSec, Math.round(this.segDurationSec)));
    }
    this.partTargetMs ||= this.partTargetFor(this.frameMs || 40);
    this.sink.segmentEnd({ targetDurationSec: this.targetDurationSec, partTargetSec: this.partTargetMs / 1000 });
  }

  /** End the open segment here (codec change, timestamp jump, end of stream). */
  private breakSegment(): void {
    if (!this.open) return;
    this.flushPart();
    this.endSegment();
    this.discontinuityNext = true;
    this.lastVideoDts = this.lastAudioTs = -1;
    this.audioTime = null;
  }

  /** Video has been silent for AUDIO_LED_MS of audio: emit a part (and cut the segment when it gets too long). */
  private audioLed(ts: number): void {
    this.flushPart();
    if (ts - this.segStart + AUDIO_LED_MS >= this.maxSegmentMs()) {
      this.endSegment();
      this.beginSegment(ts);
    }
  }

  /** Emit the pending samples as one part ending at endDts (the next part's first frame), if known. */
  private flushPart(endDts?: number): void {
    if (this.vq.length === 0 && this.aq.length === 0) return;
    const runs: TrackRun[] = [];
    let videoSec = 0;
    let independent = this.mode === 'audio';
    if (this.vq.length > 0) {
      const est = this.frameMs || 40;
      const samples: FragmentSample[] = this.vq.map((s, i) => {
        const next = this.vq[i + 1]?.dts ?? endDts ?? s.dts + est;
        if (s.key) independent = true;
        return { data: s.data, duration: Math.max(1, next - s.dts) * 90, cts: s.cts * 90, key: s.key };
      });
      videoSec = samples.reduce((n, s) => n + s.duration, 0) / VIDEO_TIMESCALE;
      runs.push({ trackId: VIDEO_TRACK_ID, baseDecodeTime: this.vq[0]!.dts * 90, samples });
    }
    let audioSec = 0;
    if (this.aq.length > 0 && this.audio) {
      const sr = this.audio.sampleRate;
      const expected = Math.round((this.aq[0]!.ts * sr) / 1000);
      if (this.audioTime === null || Math.abs(this.audioTime - expected) > 3 * 1024) this.audioTime = expected;
      runs.push({
        trackId: AUDIO_TRACK_ID,
        baseDecodeTime: this.audioTime,
        samples: this.aq.map((s) => ({ data: s.data, duration: 1024, cts: 0, key: true })),
      });
      this.audioTime += 1024 * this.aq.length;
      audioSec = (1024 * this.aq.length) / sr;
    }
    const durationSec = this.mode === 'audio' ? audioSec : endDts === undefined ? Math.max(videoSec, audioSec) : videoSec;
    this.vq = [];
    this.aq = [];
    this.segDurationSec += durationSec;
    this.sink.part({ durationSec, independent, data: mediaFragment(this.sequence++, runs) });
  }
}
