/**
 * HLS for one publish session, in process: a hub consumer (like a viewer or the recorder) whose
 * FLV is read tag by tag (FlvTagReader), cut into fMP4 segments and parts (Segmenter) and held in
 * memory for requests (LlHlsStream). H.264 + AAC; another video codec disables HLS for the session
 * (one error line), another audio codec leaves HLS without audio (one warn line). FLV viewers and
 * the recording are never affected.
 */
import type { Logger } from '../log.js';
import type { ViewerSink } from '../flv/sinks.js';
import type { Consumer, ConsumerPolicy } from '../hub/consumer.js';
import type { StreamHub } from '../hub/stream-hub.js';
import { audioCodecName, TAG_AUDIO, TAG_VIDEO, videoCodecName } from '../flv/tag.js';
import { errorMessage } from '../errors.js';
import { HlsInputError } from './codec.js';
import { FlvTagReader } from './flv-reader.js';
import { LlHlsStream, type HlsStreamOptions } from './hls-stream.js';
import { Segmenter, type SegmenterOptions } from './segmenter.js';

/** The packager works synchronously inside write(): it never has a backlog, so it never skips. */
export const HLS_POLICY: ConsumerPolicy = {
  pausable: false,
  softBytes: Number.POSITIVE_INFINITY,
  resumeBytes: Number.POSITIVE_INFINITY,
  hardBytes: Number.POSITIVE_INFINITY,
  maxBehindMs: Number.POSITIVE_INFINITY,
};

export interface HlsConfig {
  segmenter?: Partial<SegmenterOptions>;
  stream?: Omit<Partial<HlsStreamOptions>, 'prefix' | 'firstMsn'>;
}

export interface HlsPackagerOptions extends HlsConfig {
  streamId: string;
  /** Unique per publish session; prefixes every URI. */
  sessionId: string;
  firstMsn: number;
  logger: Logger;
}

const AVC = 7;
const AAC = 10;

export class HlsPackager {
  readonly output: LlHlsStream;
  private readonly segmenter: Segmenter;
  private readonly reader: FlvTagReader;
  private consumer: Consumer | null = null;
  private readonly closeCbs: (() => void)[] = [];
  private stopped = false;
  private audioIgnored = false;
  /** Why HLS stopped early for this session, if it did. */
  failure: string | null = null;

  constructor(
    private readonly hub: StreamHub,
    private readonly o: HlsPackagerOptions,
  ) {
    this.output = new LlHlsStream({ ...o.stream, prefix: o.sessionId.replace(/[^A-Za-z0-9_-]/g, '_'), firstMsn: o.firstMsn });
    this.segmenter = new Segmenter(this.output, o.segmenter);
    this.reader = new FlvTagReader((type, ts, payload) => this.onTag(type, ts, payload));
  }

  start(): void {
    if (this.consumer || this.stopped) return;
    const sink: ViewerSink = {
      label: `hls ${this.o.streamId}`,
      write: (b) => this.feed(b),
      writev: (bs) => {
        for (const b of bs) this.feed(b);
      },
      bufferedBytes: () => 0,
      close: () => this.finish(),
      onClose: (cb) => (this.stopped ? queueMicrotask(cb) : this.closeCbs.push(cb)),
    };
    this.consumer = this.hub.attach(sink, HLS_POLICY, 'hls');
  }

  /** Publishing stopped: emit the last part and segment, end the playlist (EXT-X-ENDLIST). Idempotent. */
  stop(): Promise<void> {
    this.consumer?.close(true);
    this.finish();
    return Promise.resolve();
  }

  private finish(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.segmenter.end();
    } catch (e) {
      this.o.logger.error(`media: ${this.o.streamId}: HLS: closing the last segment failed: ${errorMessage(e)}`);
    }
    this.output.end();
    for (const cb of this.closeCbs.splice(0)) cb();
  }

  private feed(b: Buffer): void {
    if (this.stopped) return;
    try {
      this.reader.push(b);
    } catch (e) {
      this.fail(errorMessage(e), !(e instanceof HlsInputError));
    }
  }

  private fail(reason: string, internal: boolean): void {
    if (this.stopped) return;
    this.failure = reason;
    this.o.logger.error(`media: ${this.o.streamId}: HLS ${internal ? 'failed' : 'stopped'} for this session: ${reason}`);
    this.consumer?.close(false);
    this.finish();
  }

  private onTag(type: number, ts: number, p: Buffer): void {
    if (type === TAG_VIDEO) this.onVideo(ts, p);
    else if (type === TAG_AUDIO) this.onAudio(ts, p);
  }

  private onVideo(ts: number, p: Buffer): void {
    if (p.length < 5) return;
    const b0 = p[0]!;
    if (b0 & 0x80 || (b0 & 0x0f) !== AVC) return this.fail(`video codec ${videoCodecName(p)} is not supported (H.264 only)`, false);
    const frameType = b0 >> 4;
    if (frameType === 5) return; // video info/command frame
    const packetType = p[1];
    if (packetType === 0) this.segmenter.setVideoConfig(p.subarray(5));
    else if (packetType === 1 && p.length > 5) {
      const cts = (p.readUIntBE(2, 3) << 8) >> 8; // signed 24-bit
      this.segmenter.pushVideo(ts, cts, frameType === 1, p.subarray(5));
    }
  }

  private onAudio(ts: number, p: Buffer): void {
    if (this.audioIgnored || p.length < 2) return;
    if (p[0]! >> 4 !== AAC) return this.ignoreAudio(`audio codec ${audioCodecName(p)} is not supported (AAC only)`);
    if (p[1] === 0) {
      try {
        this.segmenter.setAudioConfig(p.subarray(2));
      } catch (e) {
        if (!(e instanceof HlsInputError)) throw e;
        this.ignoreAudio(e.message);
      }
    } else if (p.length > 2) this.segmenter.pushAudio(ts, p.subarray(2));
  }

  private ignoreAudio(reason: string): void {
    this.audioIgnored = true;
    this.o.logger.warn(`media: ${this.o.streamId}: HLS without audio for this session: ${reason}`);
  }
}
