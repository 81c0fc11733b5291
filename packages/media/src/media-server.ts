/**
 * MediaServer: RTMP ingest → per-stream hub → HTTP-FLV / WS-FLV viewers, HLS and recording.
 * It reports events (MediaEvents) and is told allow/refuse/kick through callbacks and methods;
 * it never imports the domain.
 */
import { join } from 'node:path';
import { TypedEmitter, type MediaEvents, type PublishStopReason, type RecordingReadyEvent } from './events.js';
import { silentLogger, type Logger } from './log.js';
import { errorMessage } from './errors.js';
import { RtmpServer } from './rtmp/server.js';
import type { PublishResult, RtmpSession } from './rtmp/session.js';
import type { ViewerSink } from './flv/sinks.js';
import { DEFAULT_VIEWER_POLICY, StreamHub } from './hub/stream-hub.js';
import type { ConsumerPolicy } from './hub/consumer.js';
import type { StreamStats } from './hub/stream-stats.js';
import { ViewerCounter } from './hub/viewer-counter.js';
import { isValidStreamId } from './stream-id.js';
import { HlsPackager } from './hls/packager.js';
import { HlsRegistry } from './hls/registry.js';
import { errorResponse, type HlsQuery, type HlsResponse } from './hls/response.js';
import { FlvRecorder, RECORDER_POLICY } from './record/recorder.js';
import { settleLeftover, settleSession, type SettleContext } from './record/settle.js';
import { PublishPipeline, type PublisherLink } from './publish.js';
import { ViewerSet, type ViewerHandle } from './viewers.js';
import type { PublishProtocol } from './events.js';
import type { AuthorizeRequest, AuthorizeResult, Authorization, PublishHost, Reservation } from './publish-host.js';
import type { MediaServerOptions } from './options.js';
import { ViewerKeys } from './hub/viewer-keys.js';
import { WhipServer } from './whip/whip-server.js';
import { MediaStats, type MediaStatsSnapshot } from './stats.js';
import { Relays } from './relay/relays.js';
import type { RelayFeed } from './relay/relay-feed.js';

export type { AuthorizeRequest, AuthorizeResult, MediaServerOptions } from './options.js';

export class MediaServer {
  /** WHIP ingest: mount `whip.handle()` (or createWhipNodeHandler) on the HTTP server. Null unless `whip` is configured. */
  readonly whip: WhipServer | null;
  private readonly events: TypedEmitter<MediaEvents>;
  private readonly logger: Logger;
  private readonly rtmp: RtmpServer;
  private readonly live = new Map<string, PublishPipeline>();
  private readonly reserved = new Map<string, Reservation>();
  private readonly waiting = new ViewerSet();
  private readonly paused = new Set<string>();
  private readonly counter: ViewerCounter;
  private readonly viewerKeys: ViewerKeys;
  private readonly background = new Set<Promise<unknown>>();
  private readonly viewerPolicy: ConsumerPolicy;
  private readonly hls: HlsRegistry;
  private readonly relays: Relays;
  private closing: Promise<void> | null = null;
  /** setRecording(): new publish sessions are recorded (when recordDir is set) */
  private recording = true;
  /** viewers by protocol, bytes out, skipped frames, dropped viewers (metrics: statsSnapshot()) */
  readonly stats = new MediaStats();

  constructor(private readonly opts: MediaServerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.events = new TypedEmitter<MediaEvents>(this.logger);
    this.viewerPolicy = { ...DEFAULT_VIEWER_POLICY, ...opts.viewerPolicy };
    this.hls = new HlsRegistry(opts.hlsEndedKeepMs ?? 60_000);
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
    const host: PublishHost = {
      isClosing: () => this.closing !== null,
      authorize: (req, protocol) => this.authorize(req, protocol),
      reserve: (id, r) => {
        if (this.live.has(id) || this.reserved.has(id)) return false;
        this.reserved.set(id, r);
        return true;
      },
      release: (id, rid) => {
        if (this.reserved.get(id)?.id === rid) this.reserved.delete(id);
      },
      start: (id, link) => {
        const r = this.reserved.get(id);
        if (this.live.has(id) || (r && r.id !== link.id)) throw new Error(`stream ${id} is already being published`);
        this.reserved.delete(id);
        return this.startPipeline(id, link);
      },
    };
    this.relays = new Relays({
      logger: this.logger,
      hubOptions: (streamId, onViewers) => ({
        // batchMs 0: the upstream arrives already batched by its own hub; a second window would add its latency per hop.
        streamId,
        logger: this.logger,
        viewerPolicy: this.viewerPolicy,
        gopCacheMaxBytes: this.opts.gopCacheMaxBytes ?? 16 << 20,
        batchMs: 0,
        onViewerCountChange: (n) => {
          this.counter.changed(streamId);
          onViewers(n);
        },
      }),
      adopt: (streamId, hub) => {
        for (const sink of this.waiting.take(streamId)) hub.attach(sink, this.viewerPolicy, 'viewer');
      },
    });
    this.whip = opts.whip
      ? new WhipServer(host, {
          ...opts.whip,
          logger: this.logger,
          ffmpegPath: opts.ffmpegPath,
          stallTimeoutMs: opts.stallTimeoutMs ?? 5000,
        })
      : null;
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

  /**
   * Turn recording on or off at run time (the host turns it off when the disk runs low). Off: running recordings are
   * closed now (what was written is remuxed when the session ends, as usual) and new sessions are not recorded; on:
   * sessions that start from now on are recorded again. Returns the number of recordings stopped.
   */
  setRecording(enabled: boolean, reason = ''): number {
    if (this.recording === enabled) return 0;
    this.recording = enabled;
    let stopped = 0;
    if (!enabled)
      for (const p of this.live.values())
        if (p.recorder) {
          p.recorder.sink.close(true);
          stopped++;
        }
    this.logger.info(
      `media: recording ${enabled ? 'on' : 'off'}${reason ? ` (${reason})` : ''}${stopped ? `: ${stopped} running recording(s) stopped` : ''}`,
    );
    return stopped;
  }

  /** Are new publish sessions recorded? */
  get isRecording(): boolean {
    return this.recording && !!this.opts.recordDir;
  }

  /** A publisher is live on the stream, or a WHIP publisher is connecting to it. */
  hasPublisher(streamId: string): boolean {
    return this.live.has(streamId) || this.reserved.has(streamId);
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
    return this.live.get(streamId)?.hub ?? this.relays.get(streamId)?.hub;
  }

  /**
   * Relay a stream published on another node (cluster edges): a hub without recording or HLS, fed by the caller
   * (`pullFlv` → `feed.push`). Waiting viewers attach to it. A local publisher of the stream closes it. Returns the
   * open relay if there is one; throws if the stream is published here.
   */
  openRelay(streamId: string): RelayFeed {
    if (this.live.has(streamId)) throw new Error(`stream ${streamId} is published here`);
    if (this.closing) throw new Error('media server closing');
    return this.relays.open(streamId);
  }

  /** The open relay of a stream, if any. */
  relay(streamId: string): RelayFeed | undefined {
    return this.relays.get(streamId);
  }

  /** Relayed stream ids. */
  relayStreams(): string[] {
    return this.relays.ids();
  }

  /** Stream health of a live stream (bitrate, fps, keyframe interval, codecs, late data, drops); undefined when nobody publishes. */
  streamStats(streamId: string): StreamStats | undefined {
    return this.live.get(streamId)?.hub.health();
  }

  /** The single gate: authorizePublish() with logging, stream id validation and the one-publisher rule. */
  private async authorize(req: AuthorizeRequest, protocol: PublishProtocol): Promise<Authorization> {
    const where = `${protocol} ${req.app}/${req.streamName} from ${req.remoteAddress}`;
    const refuse = (kind: Extract<Authorization, { ok: false }>['kind'], reason: string, code?: string): Authorization => {
      this.logger.info(`media: publish refused: ${where}: ${reason}`);
      const shown =
        code ?? (protocol === 'rtmp' ? (kind === 'unauthorized' ? 'NetStream.Publish.Unauthorized' : 'NetStream.Publish.BadName') : kind);
      this.events.emit('publishRefused', {
        app: req.app,
        streamName: req.streamName,
        remoteAddress: req.remoteAddress,
        reason,
        code: shown,
        at: Date.now(),
      });
      return { ok: false, kind, reason, ...(code ? { code } : {}) };
    };
    if (this.closing) return refuse('forbidden', 'server closing');
    let d: AuthorizeResult;
    try {
      d = await this.opts.authorizePublish(req);
    } catch (e) {
      this.logger.error(`media: authorizePublish threw for ${where}: ${errorMessage(e)}`);
      return refuse('forbidden', 'authorisation failed');
    }
    if (!d.ok) return refuse(d.kind ?? (d.code === 'NetStream.Publish.Unauthorized' ? 'unauthorized' : 'forbidden'), d.reason, d.code);
    if (this.closing) return refuse('forbidden', 'server closing');
    if (!isValidStreamId(d.streamId)) return refuse('forbidden', `invalid stream id ${JSON.stringify(d.streamId)}`);
    if (this.hasPublisher(d.streamId)) return refuse('conflict', `stream ${d.streamId} is already being published`);
    return d;
  }

  private async onPublish(session: RtmpSession, req: AuthorizeRequest & { tcUrl: string }): Promise<PublishResult> {
    const d = await this.authorize(
      { app: req.app, streamName: req.streamName, query: req.query, remoteAddress: req.remoteAddress },
      'rtmp',
    );
    const refuse = (reason: string, code: string): PublishResult => ({ ok: false, code, reason });
    if (!d.ok)
      return refuse(d.reason, d.code ?? (d.kind === 'unauthorized' ? 'NetStream.Publish.Unauthorized' : 'NetStream.Publish.BadName'));
    if (session.closed) return refuse('connection closed during authorisation', 'NetStream.Publish.BadName');
    const link: PublisherLink = {
      id: session.id,
      protocol: 'rtmp',
      remoteAddress: session.socket.remoteAddress ?? '',
      kick: (reason) => session.reject(session.publishStreamId, 'NetStream.Publish.Rejected', reason, 'kicked'),
      close: (reason) => session.close(reason === 'kicked' ? 'kicked' : 'socket_closed', reason, true),
    };
    return { ok: true, target: this.startPipeline(d.streamId, link).rtmpTarget() };
  }

  private startPipeline(streamId: string, link: PublisherLink): PublishPipeline {
    // The anchor publishes here now: a relay of the stream ends (its viewers reconnect to this hub).
    // not awaited: the publish must not wait for the relay's viewers to go; the relay's close (its hub's cascade) never rejects
    void this.relays.get(streamId)?.close('the stream is published on this node now');
    const hub = new StreamHub({
      streamId,
      logger: this.logger,
      viewerPolicy: this.viewerPolicy,
      gopCacheMaxBytes: this.opts.gopCacheMaxBytes ?? 16 << 20,
      batchMs: this.opts.batchMs,
      onViewerCountChange: () => this.counter.changed(streamId),
      stats: this.stats.delivery,
    });
    hub.setPaused(this.paused.has(streamId));
    const p = new PublishPipeline(hub, link, this.logger, (pp, reason, detail) => this.endPipeline(pp, reason, detail));
    hub.publisher = { close: (reason) => link.close(reason) };
    if (this.opts.recordDir && this.recording) {
      const rec = new FlvRecorder(join(this.opts.recordDir, streamId, `${link.id}.flv`));
      hub.recorder = rec;
      hub.attach(rec.sink, RECORDER_POLICY, 'recorder');
      p.recorder = rec;
    }
    if (this.opts.hls) {
      const firstMsn = this.hls.begin(streamId);
      const hls = new HlsPackager(hub, { ...this.opts.hlsOptions, streamId, sessionId: link.id, firstMsn, logger: this.logger });
      hls.start();
      hub.hls = hls;
      p.hls = hls;
      this.hls.add(streamId, hls.output);
    }
    this.live.set(streamId, p);
    this.logger.info(`media: publish start ${streamId} (${link.protocol} session ${link.id}) from ${link.remoteAddress}`);
    this.events.emit('publishStart', { streamId, sessionId: link.id, remoteAddress: link.remoteAddress, protocol: link.protocol });
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
    this.track(
      p.hub.close(reason).then(() => {
        if (p.hls && !this.closing) this.hls.retire(streamId, p.hls.output); // served hlsEndedKeepMs more (EXT-X-ENDLIST)
        return this.finishRecording(p);
      }),
    );
  }

  private track(pr: Promise<unknown>): void {
    const t = pr.catch((e: unknown) => this.logger.error(`media: ${errorMessage(e)}`)).finally(() => this.background.delete(t));
    this.background.add(t);
  }

  private get settle(): SettleContext {
    return { events: this.events, logger: this.logger, remux: { ffmpegPath: this.opts.ffmpegPath, ffprobePath: this.opts.ffprobePath } };
  }

  private async finishRecording(p: PublishPipeline): Promise<void> {
    if (p.recorder)
      await settleSession(this.settle, p.recorder, {
        streamId: p.hub.streamId,
        sessionId: p.sessionId,
        startedAt: p.startedAt,
        endedAt: p.endedAt,
      });
  }

  /**
   * Settle an FLV a crash left behind (RECORDDIR/STREAMID/SESSIONID.flv): remux it and emit
   * recordingReady (startedAt = file mtime − duration) or recordingFailed. Resolves to the event or null.
   */
  finalizeRecording(flvFile: string): Promise<RecordingReadyEvent | null> {
    return settleLeftover(this.settle, flvFile);
  }

  /**
   * Add a viewer. With a publisher it starts at once (keyframe from the GOP cache). Without one it
   * waits up to viewerWaitMs (option or per call) for a publisher, then its sink is closed.
   * viewerKey (device id, openid or client IP) makes connections of one key count as one viewer and
   * is what maxViewerConnectionsPerKey caps (`maxPerKey` overrides the cap for this call, e.g. a higher
   * one for a key that is an IP address); without it the connection counts as a viewer by itself.
   */
  attachViewer(
    streamId: string,
    sink: ViewerSink,
    opts: { waitMs?: number; viewerKey?: string; maxPerKey?: number; protocol?: 'flv' | 'ws-flv'; relay?: boolean } = {},
  ): ViewerHandle {
    // A relay (another node's pull) is not a viewer of this node: not in the viewer metrics either.
    if (opts.protocol && !opts.relay) sink = this.stats.wrap(streamId, opts.protocol, sink);
    const handle: ViewerHandle = { streamId, close: () => sink.close(false) };
    const live = this.live.get(streamId)?.hub;
    const hub = live && !live.isClosed ? live : this.relays.get(streamId)?.hub;
    const p = hub && !hub.isClosed ? { hub } : undefined;
    const waitMs = opts.waitMs ?? this.opts.viewerWaitMs ?? 10_000;
    if (!(p && !p.hub.isClosed) && (this.closing || waitMs <= 0)) {
      sink.close(true);
      return handle;
    }
    const cap = opts.maxPerKey ?? this.opts.maxViewerConnectionsPerKey ?? 0;
    // Another node's internal pull (a cluster edge) is not a viewer: its own viewers are counted on that node.
    for (const old of opts.relay ? [] : this.viewerKeys.add(streamId, sink, opts.viewerKey, cap)) {
      this.logger.debug?.(`media: ${streamId}: viewer ${old.label ?? ''} closed: more than ${cap} connections of one viewer key`);
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

  /**
   * Close a stream's publisher, whatever the protocol (RTMP: onStatus error with `reason`, then
   * disconnect); publishStop reason 'kicked'. A WHIP publisher still connecting is closed too.
   */
  kick(streamId: string, reason = 'kicked'): boolean {
    const p = this.live.get(streamId);
    const r = p ? null : this.reserved.get(streamId);
    if (p) p.link.kick(reason);
    else if (r) r.kick(reason);
    return Boolean(p ?? r);
  }

  /**
   * Answer an HLS request for STREAMID/FILE: `index.m3u8` (with the delivery directives _HLS_msn,
   * _HLS_part, _HLS_skip in `query`; a blocking reload resolves when the part exists, 503 after three
   * target durations, 400 for bad directives), the init section, segments and parts (the preload-hinted
   * part resolves when it is complete). Never rejects; unknown streams and files are 404.
   */
  hlsRequest(streamId: string, file: string, query?: HlsQuery, client?: string): Promise<HlsResponse> {
    if (!this.opts.hls) return Promise.resolve(errorResponse(404, 'HLS is off'));
    return this.hls.request(streamId, file, query).then((r) => {
      if (r.status === 200) this.stats.hlsServed(streamId, client, Buffer.byteLength(r.body));
      return r;
    });
  }

  /** Publishers, viewers by protocol (live streams only), bytes out, skipped frames, dropped viewers (metrics). */
  statsSnapshot(): MediaStatsSnapshot {
    return this.stats.snapshot(
      [...this.live].map(([streamId, p]) => ({ streamId, protocol: p.link.protocol, gopBytes: p.hub.stats().gopBytes })),
    );
  }

  /** Wait for pending recordings/HLS stops (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Close everything: listener, publishers (publishStop 'socket_closed'), WHIP sessions, viewers, HLS, recordings. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([this.rtmp.close(), this.whip?.close(), this.relays.closeAll('server closing')]);
      this.waiting.closeAll();
      await this.idle();
      this.hls.closeAll();
      this.counter.stop();
    })();
    return this.closing;
  }
}
