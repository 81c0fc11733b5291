/**
 * MediaServer: RTMP ingest → per-stream hub → HTTP-FLV / WS-FLV viewers, HLS and recording.
 * It reports events (MediaEvents) and is told allow/refuse/kick through callbacks and methods;
 * it never imports the domain.
 */
import { join } from 'node:path';
import { rm, stat } from 'node:fs/promises';
import { TypedEmitter, type MediaEvents, type PublishStopReason, type RecordingReadyEvent } from './events.js';
import { silentLogger, type Logger } from './log.js';
import { errorMessage } from './errors.js';
import { RtmpServer } from './rtmp/server.js';
import type { ChunkReaderLimits } from './rtmp/chunk-reader.js';
import type { PublishResult, RtmpSession } from './rtmp/session.js';
import type { ViewerSink } from './flv/sinks.js';
import { DEFAULT_VIEWER_POLICY, StreamHub } from './hub/stream-hub.js';
import type { ConsumerPolicy } from './hub/consumer.js';
import { ViewerCounter } from './hub/viewer-counter.js';
import { isValidStreamId } from './stream-id.js';
import { HlsPackager, type HlsConfig } from './hls/packager.js';
import { HlsRegistry } from './hls/registry.js';
import { errorResponse, type HlsQuery, type HlsResponse } from './hls/response.js';
import { FlvRecorder, RECORDER_POLICY } from './record/recorder.js';
import { parseRecordingPath, remuxFlvToMp4 } from './record/remux.js';
import { PublishPipeline } from './publish.js';
import { ViewerSet, type ViewerHandle } from './viewers.js';

export interface AuthorizeRequest { app: string; streamName: string; query: Record<string, string>; remoteAddress: string }
export type AuthorizeResult =
  | { ok: true; streamId: string }
  | { ok: false; reason: string; code?: 'NetStream.Publish.BadName' | 'NetStream.Publish.Unauthorized' };

export interface MediaServerOptions {
  rtmpHost?: string;
  /** 0 picks a free port (see listen()). Default 1935. */
  rtmpPort?: number;
  /** Recordings go to RECORDDIR/STREAMID/SESSIONID.flv → .mp4. No recording when unset. */
  recordDir?: string;
  /** Package LL-HLS in memory, served through hlsRequest(). Default false. */
  hls?: boolean;
  /** Part/segment/window settings (defaults: 200 ms parts, keyframe segments ≥ 1 s, 10 segments listed). */
  hlsOptions?: HlsConfig;
  /** How long an ended stream's playlist (with EXT-X-ENDLIST) and segments stay served. Default 60000. */
  hlsEndedKeepMs?: number;
  /** @deprecated Ignored: HLS is served from memory (no files). */
  hlsDir?: string;
  /** The single gate for publishing. */
  authorizePublish: (req: AuthorizeRequest) => Promise<AuthorizeResult>;
  logger?: Logger;
  /** A publisher without audio/video this long is closed and reported (reason 'timeout'). Default 5000. */
  stallTimeoutMs?: number;
  /** A connection that has not started publishing and sends nothing this long is closed. Default 10000. */
  idleTimeoutMs?: number;
  /** How long attachViewer() waits for a publisher when there is none. 0 = refuse at once. Default 10000. */
  viewerWaitMs?: number;
  viewerPolicy?: Partial<ConsumerPolicy>;
  gopCacheMaxBytes?: number;
  rtmpLimits?: Partial<ChunkReaderLimits>;
  maxConnections?: number;
  /** Coalesce viewer writes for up to this many ms (0 = once per event-loop turn, the default). */
  batchMs?: number;
  /** Minimum time between viewerCount events of one stream. Default 250. */
  viewerCountIntervalMs?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
}

export class MediaServer {
  private readonly events: TypedEmitter<MediaEvents>;
  private readonly logger: Logger;
  private readonly rtmp: RtmpServer;
  private readonly live = new Map<string, PublishPipeline>();
  private readonly waiting = new ViewerSet();
  private readonly paused = new Set<string>();
  private readonly counter: ViewerCounter;
  private readonly background = new Set<Promise<unknown>>();
  private readonly viewerPolicy: ConsumerPolicy;
  private readonly hls: HlsRegistry;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: MediaServerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.events = new TypedEmitter<MediaEvents>(this.logger);
    this.viewerPolicy = { ...DEFAULT_VIEWER_POLICY, ...opts.viewerPolicy };
    this.hls = new HlsRegistry(opts.hlsEndedKeepMs ?? 60_000);
    this.counter = new ViewerCounter((id) => this.viewerCount(id), (e) => this.events.emit('viewerCount', e), opts.viewerCountIntervalMs ?? 250);
    this.rtmp = new RtmpServer({
      logger: this.logger,
      handler: { publish: (s, req) => this.onPublish(s, req) },
      limits: opts.rtmpLimits,
      stallTimeoutMs: opts.stallTimeoutMs ?? 5000,
      idleTimeoutMs: opts.idleTimeoutMs ?? 10_000,
      maxConnections: opts.maxConnections,
    });
  }

  on<K extends keyof MediaEvents>(name: K, fn: (e: MediaEvents[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  off<K extends keyof MediaEvents>(name: K, fn: (e: MediaEvents[K]) => void): void {
    this.events.off(name, fn);
  }

  async listen(): Promise<{ port: number }> {
    const port = await this.rtmp.listen(this.opts.rtmpPort ?? 1935, this.opts.rtmpHost ?? '127.0.0.1');
    this.logger.info(`media: RTMP listening on ${this.opts.rtmpHost ?? '127.0.0.1'}:${port}`);
    return { port };
  }

  /** Open RTMP connections (any state). */
  get connectionCount(): number {
    return this.rtmp.connectionCount;
  }

  hasPublisher(streamId: string): boolean {
    return this.live.has(streamId);
  }

  /** Live stream ids. */
  liveStreams(): string[] {
    return [...this.live.keys()];
  }

  viewerCount(streamId: string): number {
    return (this.live.get(streamId)?.hub.viewerCount ?? 0) + this.waiting.count(streamId);
  }

  hub(streamId: string): StreamHub | undefined {
    return this.live.get(streamId)?.hub;
  }

  private async onPublish(session: RtmpSession, req: AuthorizeRequest & { tcUrl: string }): Promise<PublishResult> {
    const where = `${req.app}/${req.streamName} from ${req.remoteAddress}`;
    const refuse = (reason: string, code: string = 'NetStream.Publish.BadName'): PublishResult => {
      this.logger.info(`media: publish refused: ${where}: ${reason}`);
      return { ok: false, code, reason };
    };
    if (this.closing) return refuse('server closing');
    let d: AuthorizeResult;
    try {
      d = await this.opts.authorizePublish({ app: req.app, streamName: req.streamName, query: req.query, remoteAddress: req.remoteAddress });
    } catch (e) {
      this.logger.error(`media: authorizePublish threw for ${where}: ${errorMessage(e)}`);
      return refuse('authorisation failed');
    }
    if (!d.ok) return refuse(d.reason, d.code ?? 'NetStream.Publish.BadName');
    if (session.closed) return refuse('connection closed during authorisation');
    if (this.closing) return refuse('server closing');
    if (!isValidStreamId(d.streamId)) return refuse(`invalid stream id ${JSON.stringify(d.streamId)}`);
    if (this.live.has(d.streamId)) return refuse(`stream ${d.streamId} is already being published`);
    const p = this.startPipeline(d.streamId, session);
    return { ok: true, target: p.target };
  }

  private startPipeline(streamId: string, session: RtmpSession): PublishPipeline {
    const hub = new StreamHub({
      streamId,
      logger: this.logger,
      viewerPolicy: this.viewerPolicy,
      gopCacheMaxBytes: this.opts.gopCacheMaxBytes ?? 16 << 20,
      batchMs: this.opts.batchMs,
      onViewerCountChange: () => this.counter.changed(streamId),
    });
    hub.setPaused(this.paused.has(streamId));
    const p = new PublishPipeline(hub, session, this.logger, (pp, reason, detail) => this.endPipeline(pp, reason, detail));
    hub.publisher = { close: (reason) => session.close(reason === 'kicked' ? 'kicked' : 'socket_closed', reason, true) };
    if (this.opts.recordDir) {
      const rec = new FlvRecorder(join(this.opts.recordDir, streamId, `${session.id}.flv`));
      hub.recorder = rec;
      hub.attach(rec.sink, RECORDER_POLICY, 'recorder');
      p.recorder = rec;
    }
    if (this.opts.hls) {
      const firstMsn = this.hls.begin(streamId);
      const hls = new HlsPackager(hub, { ...this.opts.hlsOptions, streamId, sessionId: session.id, firstMsn, logger: this.logger });
      hls.start();
      hub.hls = hls;
      p.hls = hls;
      this.hls.add(streamId, hls.output);
    }
    this.live.set(streamId, p);
    this.logger.info(`media: publish start ${streamId} (session ${session.id}) from ${session.remoteAddress}`);
    this.events.emit('publishStart', { streamId, sessionId: session.id, remoteAddress: session.socket.remoteAddress ?? '' });
    for (const sink of this.waiting.take(streamId)) hub.attach(sink, this.viewerPolicy, 'viewer');
    this.counter.resetPeak(streamId);
    return p;
  }

  private endPipeline(p: PublishPipeline, reason: PublishStopReason, detail?: string): void {
    const { streamId } = p.hub;
    if (this.live.get(streamId) === p) this.live.delete(streamId);
    const secs = ((Date.now() - p.startedAt) / 1000).toFixed(1);
    this.logger.info(`media: publish stop ${streamId} (session ${p.sessionId}): ${reason}${detail ? ` (${detail})` : ''} after ${secs}s`);
    this.events.emit('publishStop', { streamId, sessionId: p.sessionId, reason, ...(detail ? { detail } : {}) });
    this.track(p.hub.close(reason).then(() => {
      if (p.hls && !this.closing) this.hls.retire(streamId, p.hls.output); // served hlsEndedKeepMs more (EXT-X-ENDLIST)
      return this.finishRecording(p);
    }));
  }

  private track(pr: Promise<unknown>): void {
    const t = pr.catch((e: unknown) => this.logger.error(`media: ${errorMessage(e)}`)).finally(() => this.background.delete(t));
    this.background.add(t);
  }

  private async finishRecording(p: PublishPipeline): Promise<void> {
    const rec = p.recorder;
    if (!rec) return;
    const { streamId } = p.hub;
    if (!rec.hasMedia) {
      this.events.emit('recordingFailed', { streamId, sessionId: p.sessionId, file: rec.file, error: 'no media was recorded' });
      await rm(rec.file, { force: true });
      return;
    }
    try {
      const r = await remuxFlvToMp4(rec.file, { ffmpegPath: this.opts.ffmpegPath, ffprobePath: this.opts.ffprobePath });
      this.events.emit('recordingReady', { streamId, sessionId: p.sessionId, file: r.file, startedAt: p.startedAt, endedAt: p.endedAt ?? Date.now(), durationSec: r.durationSec });
    } catch (e) {
      this.logger.error(`media: ${streamId}: recording ${rec.file}: ${errorMessage(e)}`);
      this.events.emit('recordingFailed', { streamId, sessionId: p.sessionId, file: rec.file, error: errorMessage(e) });
    }
  }

  /**
   * Settle an FLV a crash left behind (RECORDDIR/STREAMID/SESSIONID.flv): remux it and emit
   * recordingReady (startedAt = file mtime − duration) or recordingFailed. Resolves to the event or null.
   */
  async finalizeRecording(flvFile: string): Promise<RecordingReadyEvent | null> {
    const { streamId, sessionId } = parseRecordingPath(flvFile);
    try {
      const endedAt = (await stat(flvFile)).mtimeMs;
      const r = await remuxFlvToMp4(flvFile, { ffmpegPath: this.opts.ffmpegPath, ffprobePath: this.opts.ffprobePath });
      const e: RecordingReadyEvent = { streamId, sessionId, file: r.file, startedAt: Math.round(endedAt - r.durationSec * 1000), endedAt: Math.round(endedAt), durationSec: r.durationSec };
      this.events.emit('recordingReady', e);
      return e;
    } catch (e) {
      this.logger.error(`media: leftover recording ${flvFile}: ${errorMessage(e)}`);
      this.events.emit('recordingFailed', { streamId, sessionId, file: flvFile, error: errorMessage(e) });
      return null;
    }
  }

  /**
   * Add a viewer. With a publisher it starts at once (keyframe from the GOP cache). Without one it
   * waits up to viewerWaitMs (option or per call) for a publisher, then its sink is closed.
   */
  attachViewer(streamId: string, sink: ViewerSink, opts: { waitMs?: number } = {}): ViewerHandle {
    const handle: ViewerHandle = { streamId, close: () => sink.close(false) };
    const p = this.live.get(streamId);
    if (p && !p.hub.isClosed) {
      p.hub.attach(sink, this.viewerPolicy, 'viewer');
      return handle;
    }
    const waitMs = opts.waitMs ?? this.opts.viewerWaitMs ?? 10_000;
    if (this.closing || waitMs <= 0) {
      sink.close(true);
      return handle;
    }
    this.waiting.add(streamId, sink, waitMs, () => this.counter.changed(streamId));
    this.counter.changed(streamId);
    return handle;
  }

  /** Pause/resume delivery to viewers of a stream (kept across publish sessions until changed). */
  setPaused(streamId: string, paused: boolean): void {
    if (paused) this.paused.add(streamId);
    else this.paused.delete(streamId);
    this.live.get(streamId)?.hub.setPaused(paused);
  }

  isPaused(streamId: string): boolean {
    return this.paused.has(streamId);
  }

  /** Close a stream's publisher (onStatus error with `reason`, then disconnect); publishStop reason 'kicked'. */
  kick(streamId: string, reason = 'kicked'): boolean {
    const p = this.live.get(streamId);
    if (!p) return false;
    p.session.reject(p.session.publishStreamId, 'NetStream.Publish.Rejected', reason, 'kicked');
    return true;
  }

  /**
   * Answer an HLS request for STREAMID/FILE: `index.m3u8` (with the delivery directives _HLS_msn,
   * _HLS_part, _HLS_skip in `query`; a blocking reload resolves when the part exists, 503 after three
   * target durations, 400 for bad directives), the init section, segments and parts (the preload-hinted
   * part resolves when it is complete). Never rejects; unknown streams and files are 404.
   */
  hlsRequest(streamId: string, file: string, query?: HlsQuery): Promise<HlsResponse> {
    if (!this.opts.hls) return Promise.resolve(errorResponse(404, 'HLS is off'));
    return this.hls.request(streamId, file, query);
  }

  /** Wait for pending recordings/HLS stops (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Close everything: listener, publishers (publishStop 'socket_closed'), viewers, HLS, recordings. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.rtmp.close();
      this.waiting.closeAll();
      await this.idle();
      this.hls.closeAll();
      this.counter.stop();
    })();
    return this.closing;
  }
}
