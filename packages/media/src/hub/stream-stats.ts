/**
 * Stream health (issue 12 §7), what Twitch / YouTube Studio / Owncast show the anchor: incoming bitrate, frame rate,
 * keyframe interval, codecs and resolution, and whether data arrives late or with gaps. Fed with every FLV tag the
 * hub gets (O(1) per tag, a few counters per 250 ms slot), read with snapshot().
 */
import { TAG_AUDIO, TAG_HEADER_SIZE, TAG_VIDEO, TagKind } from '../flv/tag.js';
import { decodeAmf0, EcmaArray } from '../rtmp/amf0.js';
import { avcInfoFromSequenceHeader } from './h264-sps.js';

export interface StreamStats {
  /** since the publish started (ms epoch) */
  startedAt: number;
  uptimeSec: number;
  /** audio + video bits per second over the last `windowSec` */
  bitrateKbps: number;
  videoKbps: number;
  audioKbps: number;
  /** video frames per second over the last `windowSec` */
  fps: number;
  /** seconds between the last two keyframes (stream timestamps); null before the second keyframe */
  keyframeIntervalSec: number | null;
  /** the longest keyframe interval seen in this session */
  maxKeyframeIntervalSec: number | null;
  video: { codec: string; profile?: string; level?: string; width?: number; height?: number } | null;
  audio: { codec: string; sampleRate?: number; channels?: number } | null;
  /** what the encoder says about itself (onMetaData `encoder`), if anything */
  encoder: string | null;
  /** how much later than its best pace data arrives now (ms): grows when the uplink or the encoder can not keep up */
  lateMs: number;
  /** times nothing arrived for more than a second while publishing */
  stalls: number;
  /** timestamps that went backwards or jumped ahead by more than 5 s */
  timestampJumps: number;
  /** viewers disconnected because they could not keep up, and GOP caches dropped as too large */
  droppedViewers: number;
  droppedGops: number;
  bytesIn: number;
  windowSec: number;
}

const SLOT_MS = 250;
const SLOTS = 20; // 5 s window
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

interface Slot {
  at: number;
  videoBytes: number;
  audioBytes: number;
  frames: number;
}

export class IngestStats {
  private readonly slots: Slot[] = [];
  private bytesIn = 0;
  private lastKeyTs: number | null = null;
  private keyInterval: number | null = null;
  private maxKeyInterval: number | null = null;
  private video: StreamStats['video'] = null;
  private audio: StreamStats['audio'] = null;
  private encoder: string | null = null;
  private firstWall = -1;
  private firstTs = 0;
  private bestDrift = Infinity;
  private drift = 0;
  private lastArrival = -1;
  private lastTs: number | null = null;
  private stalls = 0;
  private jumps = 0;
  droppedViewers = 0;
  droppedGops = 0;

  constructor(private readonly startedAt: number) {}

  /** One FLV tag (11-byte header, payload, PreviousTagSize) as the hub gets it. */
  onTag(tag: Buffer, kind: TagKind, now: number): void {
    this.bytesIn += tag.length;
    if (kind === TagKind.Script) return this.metadata(tag);
    const type = tag[0];
    const payload = tag.subarray(TAG_HEADER_SIZE, tag.length - 4);
    const ts = (tag.readUIntBE(4, 3) | (tag[7]! << 24)) >>> 0;
    if (kind === TagKind.VideoHeader) return this.videoHeader(payload);
    if (kind === TagKind.AudioHeader) return this.audioHeader(payload);
    if (type !== TAG_VIDEO && type !== TAG_AUDIO) return;
    const slot = this.slot(now);
    if (type === TAG_VIDEO) {
      slot.videoBytes += tag.length;
      slot.frames++;
      if (kind === TagKind.VideoKey) {
        if (this.lastKeyTs !== null && ts > this.lastKeyTs) {
          this.keyInterval = (ts - this.lastKeyTs) / 1000;
          this.maxKeyInterval = Math.max(this.maxKeyInterval ?? 0, this.keyInterval);
        }
        this.lastKeyTs = ts;
      }
      if (!this.video) this.video = { codec: codecOfVideo(payload) };
    } else {
      slot.audioBytes += tag.length;
      if (!this.audio) this.audio = { codec: codecOfAudio(payload) };
    }
    this.pace(ts, now);
  }

  private pace(ts: number, now: number): void {
    if (this.lastArrival >= 0 && now - this.lastArrival > 1000) this.stalls++;
    this.lastArrival = now;
    if (this.lastTs !== null && (ts < this.lastTs - 1000 || ts > this.lastTs + 5000)) {
      this.jumps++;
      this.firstWall = -1; // a new timeline: measure the pace afresh
    }
    this.lastTs = ts;
    if (this.firstWall < 0) {
      this.firstWall = now;
      this.firstTs = ts;
      this.bestDrift = Infinity;
    }
    this.drift = now - this.firstWall - (ts - this.firstTs);
    this.bestDrift = Math.min(this.bestDrift, this.drift);
  }

  private slot(now: number): Slot {
    const at = Math.floor(now / SLOT_MS) * SLOT_MS;
    let s = this.slots[this.slots.length - 1];
    if (!s || s.at !== at) {
      s = { at, videoBytes: 0, audioBytes: 0, frames: 0 };
      this.slots.push(s);
      while (this.slots.length > SLOTS) this.slots.shift();
    }
    return s;
  }

  private videoHeader(payload: Buffer): void {
    const codec = codecOfVideo(payload);
    const avc = codec === 'H.264' ? avcInfoFromSequenceHeader(payload) : undefined;
    this.video = { ...this.video, codec, ...(avc ?? {}) };
  }

  private audioHeader(payload: Buffer): void {
    const codec = codecOfAudio(payload);
    if (codec === 'AAC' && payload.length >= 4) {
      const asc = (payload[2]! << 8) | payload[3]!;
      const rate = AAC_RATES[(asc >> 7) & 0x0f];
      const channels = (asc >> 3) & 0x0f;
      this.audio = { codec, ...(rate ? { sampleRate: rate } : {}), ...(channels ? { channels } : {}) };
    } else this.audio = { codec };
  }

  /** onMetaData: the encoder's name (OBS and ffmpeg say who they are). */
  private metadata(tag: Buffer): void {
    try {
      const [, arr] = decodeAmf0(tag.subarray(TAG_HEADER_SIZE, tag.length - 4));
      const props =
        arr instanceof EcmaArray
          ? arr.props
          : arr && typeof arr === 'object' && !Array.isArray(arr) && !(arr instanceof Date)
            ? arr
            : undefined;
      const enc = props?.encoder;
      if (typeof enc === 'string') this.encoder = enc.replace(/[^\x20-\x7e]/g, '').slice(0, 80) || null;
    } catch {
      // metadata we can not read says nothing about health
    }
  }

  snapshot(now: number): StreamStats {
    const from = now - SLOTS * SLOT_MS;
    const recent = this.slots.filter((s) => s.at >= from);
    const span = Math.max(1, Math.min(SLOTS * SLOT_MS, now - (recent[0]?.at ?? now))) / 1000;
    const sum = (f: (s: Slot) => number) => recent.reduce((n, s) => n + f(s), 0);
    const vk = (sum((s) => s.videoBytes) * 8) / 1000 / span;
    const ak = (sum((s) => s.audioBytes) * 8) / 1000 / span;
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    const silentFor = this.lastArrival < 0 ? 0 : now - this.lastArrival;
    return {
      startedAt: this.startedAt,
      uptimeSec: Math.max(0, Math.round((now - this.startedAt) / 1000)),
      bitrateKbps: Math.round(vk + ak),
      videoKbps: Math.round(vk),
      audioKbps: Math.round(ak),
      fps: round(sum((s) => s.frames) / span),
      keyframeIntervalSec: this.keyInterval === null ? null : round(this.keyInterval, 2),
      maxKeyframeIntervalSec: this.maxKeyInterval === null ? null : round(this.maxKeyInterval, 2),
      video: this.video,
      audio: this.audio,
      encoder: this.encoder,
      lateMs: Math.max(0, Math.round(this.drift - this.bestDrift + (silentFor > 1000 ? silentFor : 0))),
      stalls: this.stalls,
      timestampJumps: this.jumps,
      droppedViewers: this.droppedViewers,
      droppedGops: this.droppedGops,
      bytesIn: this.bytesIn,
      windowSec: round(span),
    };
  }
}

function codecOfVideo(p: Buffer): string {
  const b0 = p[0] ?? 0;
  if (b0 & 0x80) {
    const fourcc = p.length >= 5 ? p.toString('latin1', 1, 5) : '';
    return ({ hvc1: 'HEVC', av01: 'AV1', vp09: 'VP9', avc1: 'H.264' } as Record<string, string>)[fourcc] ?? (fourcc || 'unknown');
  }
  return ({ 2: 'Sorenson H.263', 4: 'VP6', 7: 'H.264', 12: 'HEVC' } as Record<number, string>)[b0 & 0x0f] ?? `video codec ${b0 & 0x0f}`;
}

function codecOfAudio(p: Buffer): string {
  const f = (p[0] ?? 0) >> 4;
  return (
    ({ 2: 'MP3', 10: 'AAC', 11: 'Speex', 7: 'G.711 A-law', 8: 'G.711 µ-law', 9: 'enhanced' } as Record<number, string>)[f] ??
    `audio format ${f}`
  );
}
