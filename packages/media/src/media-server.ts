/**
 * MediaServer: RTMP ingest → per-stream hub → HTTP-FLV / WS-FLV viewers, HLS and recording.
 * It reports events (MediaEvents) and is told allow/refuse/kick through callbacks and methods;
 * it never imports the domain.
 */
import { join } from 'node:path';
import { rm, stat } from 'node:fs/promises';
import { TypedEmitter, type MediaEvents, type PublishStopReason, type RecordingReadyEvent } from './events.js';
import { silentLogger, type Logger } from './log.js';
import type { AuthorizeRequest, AuthorizeResult, MediaServerOptions } from './options.js';
import type { ConsumerPolicy } from './hub/consumer.js';
import { errorMessage } from './errors.js';
import { RtmpServer } from './rtmp/server.js';
import type { PublishResult, RtmpSession } from './rtmp/session.js';
import type { ViewerSink } from './flv/sinks.js';
import { DEFAULT_VIEWER_POLICY, StreamHub } from './hub/stream-hub.js';
import type { StreamStats } from './hub/stream-stats.js';
import { ViewerCounter } from './hub/viewer-counter.js';
import { hlsPath, hlsStreamDir, isValidStreamId } from './hls/path.js';
import { HlsPackager } from './hls/packager.js';
import { FlvRecorder, RECORDER_POLICY } from './record/recorder.js';
import { parseRecordingPath, remuxFlvToMp4 } from './record/remux.js';
import { PublishPipeline } from './publish.js';
import { ViewerSet, type ViewerHandle } from './viewers.js';
import { ViewerKeys } from './hub/viewer-keys.js';

export type { AuthorizeRequest, AuthorizeResult, MediaServerOptions } from './options.js';

export class MediaServer {
  private readonly events: TypedEmitter<MediaEvents>;
  private readonly logger: Logger;
  private readonly rtmp: RtmpServer;
  private readonly live = new Map<string, PublishPipeline>();
  private readonly waiting = new ViewerSet();
  private readonly paused = new Set<string>();
  private readonly counter: ViewerCounter;
  private readonly viewerKeys: ViewerKeys;
  private readonly background = new Set<Promise<unknown>>();
  private readonly viewerPolicy: ConsumerPolicy;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: MediaServerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.events = new TypedEmitter<MediaEvents>(this.logger);
    this.viewerPolicy = { ...DEFAULT_VIEWER_POLICY, ...opts.viewerPolicy };
    this.counter = new ViewerCounter(
      (id) => this.viewerCount(id),
      (e) => this.events.emit('viewerCount', e),
      opts.viewerCountIntervalMs ?? 250,
      (id) => this.viewerKeys.connections(id),
    );
    this.viewerKeys = new ViewerKeys(opts.maxViewerConnectionsPerKey ?? 0, (id) => this.counter.changed(id));
    this.rtmp = new RtmpServer({
      logger: this.logger,
      handler: { publish: (s, req) => this.onPublish(s, req) },
      limits: opts.rtmpLimits,
      preAuthLimits: opts.rtmpPreAuthLimits,
      stallTimeoutMs: opts.stallTimeoutMs ?? 5000,
      idleTimeoutMs: opts.idleTimeoutMs ?? 10_000,
      maxConnections: opts.maxConnections,
      maxConnectionsPerIp: opts.maxConnectionsPerIp,
      maxUnauthenticatedPerIp: opts.maxUnauthenticatedPerIp,
      handshakeTimeoutMs: opts.handshakeTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      publishTimeoutMs: opts.publishTimeoutMs,
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

  /**
   * Distinct viewers of a stream (attached or waiting): distinct viewerKeys plus connections without
   * a key (each counts as one).
   */
  viewerCount(streamId: string): number {
    return this.viewerKeys.viewers(streamId);
  }

  /** Open viewer connections of a stream (attached or waiting), whatever their keys. */
  viewerConnections(streamId: string): number {
    return this.viewerKeys.connections(streamId);
  }

  /** RTMP diagnostics: open connections, how many are unauthenticated, bytes the parsers hold for unfinished messages. */
  rtmpStats(): { connections: number; unauthenticated: number; bufferedBytes: number } {
    let bufferedBytes = 0;
    for (const s of this.rtmp.sessions) bufferedBytes += s.bufferedBytes;
    return { connections: this.rtmp.connectionCount, unauthenticated: this.rtmp.unauthenticatedCount, bufferedBytes };
  }

  /** Open RTMP connections from one address (IPv4, or the /64 of an IPv6 address). */
  rtmpConnectionsFrom(address: string): number {
    return this.rtmp.connectionsFrom(address);
  }

  hub(streamId: string): StreamHub | undefined {
    return this.live.get(streamId)?.hub;
  }

  /** Stream health of a live stream (bitrate, fps, keyframe interval, codecs, late data, drops); undefined when nobody publishes. */
  streamStats(streamId: string): StreamStats | undefined {
    return this.live.get(streamId)?.hub.health();
  }

  private async onPublish(session: RtmpSession, req: AuthorizeRequest & { tcUrl: string }): Promise<PublishResult> {
    const where = `${req.app}/${req.streamName} from ${req.remoteAddress}`;
    const refuse = (reason: string, code: string = 'NetStream.Publish.BadName'): PublishResult => {
      this.logger.info(`media: publish refused: ${where}: ${reason}`);
      this.events.emit('publishRefused', { app: req.app, streamName: req.streamName, remoteAddress: req.remoteAddress, reason, code, at: Date.now() });
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
    if (this.opts.hls && this.opts.hlsDir) {
      const hls = new HlsPackager(hub, { streamId, dir: hlsStreamDir(this.opts.hlsDir, streamId), logger: this.logger, ffmpegPath: this.opts.ffmpegPath });
      try {
        hls.start();
        hub.hls = hls;
        p.hls = hls;
      } catch (e) {
        this.logger.error(`media: ${streamId}: HLS not started: ${errorMessage(e)}`); // FLV viewers and recording go on
      }
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
    this.track(p.hub.close(reason).then(() => this.finishRecording(p)));
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
   * viewerKey (device id, openid or client IP) makes connections of one key count as one viewer and
   * is what maxViewerConnectionsPerKey caps; without it the connection counts as a viewer by itself.
   */
  attachViewer(streamId: string, sink: ViewerSink, opts: { waitMs?: number; viewerKey?: string } = {}): ViewerHandle {
    const handle: ViewerHandle = { streamId, close: () => sink.close(false) };
    const p = this.live.get(streamId);
    const waitMs = opts.waitMs ?? this.opts.viewerWaitMs ?? 10_000;
    if (!(p && !p.hub.isClosed) && (this.closing || waitMs <= 0)) {
      sink.close(true);
      return handle;
    }
    for (const old of this.viewerKeys.add(streamId, sink, opts.viewerKey)) {
      this.logger.debug?.(`media: ${streamId}: viewer ${old.label ?? ''} closed: more than ${this.opts.maxViewerConnectionsPerKey} connections of one viewer key`);
      old.close(false);
    }
    if (p && !p.hub.isClosed) p.hub.attach(sink, this.viewerPolicy, 'viewer');
    else this.waiting.add(streamId, sink, waitMs, () => this.counter.changed(streamId));
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

  hlsPath(streamId: string, fileName: string): string {
    if (!this.opts.hlsDir) throw new Error('HLS is not configured (hlsDir)');
    return hlsPath(this.opts.hlsDir, streamId, fileName);
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
      this.counter.stop();
    })();
    return this.closing;
  }
}
