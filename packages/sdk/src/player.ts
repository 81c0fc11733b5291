/**
 * The live player: the lowest latency the browser supports (S-PLAYER-2).
 *  1. MSE with H.264/AAC → mpegts.js over HTTP-FLV (or WS-FLV): ~1–2 s behind the anchor;
 *  2. no MSE but native HLS (iOS Safari) → the <video> plays the HLS playlist itself;
 *  3. otherwise hls.js when it is supported (ManagedMediaSource …).
 * The player libraries are separate bundles loaded on demand, so a phone downloads only what it uses.
 * FLV starts at the live edge and stays near it (LiveLatencyController: one jump at the join, then playbackRate
 * nudges toward `latency.targetSec`).
 * While started it keeps playing: errors and stalls tear the pipeline down and retry with backoff;
 * FLV that never played falls back to HLS.
 */
import type { MediaUrls } from '@zhibo/protocol';
import type MpegtsNs from 'mpegts.js';
import type HlsClass from 'hls.js';
import { Emitter } from '@zhibo/protocol';
import { LiveLatencyController, type LiveLatencyOptions, type LiveLatencyStats } from './live-latency.js';

export type PlayerTech = 'flv' | 'wsflv' | 'hls.js' | 'native-hls';
export type MpegtsModule = (typeof MpegtsNs)['default'];
export type HlsModule = typeof HlsClass;

export interface PlayerCaps {
  /** MediaSource with H.264 + AAC in fragmented MP4 (what mpegts.js remuxes FLV into) */
  mse: boolean;
  /** the <video> plays HLS itself (Safari) */
  nativeHls: boolean;
  /** ManagedMediaSource only (iOS 17.1+): hls.js can use it */
  managedMse: boolean;
}

const AVC_AAC = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';

export function detectCaps(video: HTMLVideoElement): PlayerCaps {
  const w = globalThis as unknown as { MediaSource?: typeof MediaSource; ManagedMediaSource?: typeof MediaSource };
  const ok = (ms: typeof MediaSource | undefined) => {
    try {
      return !!ms && typeof ms.isTypeSupported === 'function' && ms.isTypeSupported(AVC_AAC);
    } catch {
      return false;
    }
  };
  return {
    mse: ok(w.MediaSource),
    nativeHls: video.canPlayType('application/vnd.apple.mpegurl') !== '',
    managedMse: ok(w.ManagedMediaSource),
  };
}

/** Which technique to use first (`prefer` forces one when the browser can do it). */
export function pickTech(caps: PlayerCaps, prefer?: PlayerTech): PlayerTech | undefined {
  const can = (t: PlayerTech) =>
    t === 'flv' || t === 'wsflv' ? caps.mse : t === 'native-hls' ? caps.nativeHls : caps.mse || caps.managedMse;
  if (prefer && can(prefer)) return prefer;
  if (caps.mse) return 'flv';
  if (caps.nativeHls) return 'native-hls';
  if (caps.managedMse) return 'hls.js';
  return undefined;
}

export interface LivePlayerOptions {
  video: HTMLVideoElement;
  media: MediaUrls;
  loadMpegts: () => Promise<MpegtsModule>;
  loadHls: () => Promise<HlsModule>;
  prefer?: PlayerTech;
  /** no progress for this long while playing counts as a stall (ms) */
  stallMs?: number;
  /** retry backoff (ms): first and cap */
  retryMs?: [number, number];
  /** FLV (mpegts.js) live-edge keeping: target buffer, catch-up rate, backlog jump (see live-latency.ts) */
  latency?: LiveLatencyOptions;
}

export interface LivePlayerEvents {
  tech: [PlayerTech];
  /** frames are advancing */
  playing: [];
  /** waiting for data (stall, retry) */
  waiting: [];
  /** autoplay was refused even muted: the page should ask for a tap */
  needsGesture: [];
  error: [string];
}

interface Pipeline {
  tech: PlayerTech;
  destroy(): void;
  latency?: LiveLatencyController;
}

export class LivePlayer extends Emitter<LivePlayerEvents> {
  private pipe: Pipeline | undefined;
  private running = false;
  private failures = 0;
  private playedOnce = false;
  private tech: PlayerTech | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private lastTime = -1;
  private lastProgressAt = 0;
  private generation = 0;

  constructor(private readonly opts: LivePlayerOptions) {
    super();
    const v = opts.video;
    v.muted = true;
    v.autoplay = true;
    v.playsInline = true;
    v.setAttribute('playsinline', '');
    v.setAttribute('webkit-playsinline', '');
    v.addEventListener('playing', () => this.emit('playing'));
    v.addEventListener('waiting', () => this.emit('waiting'));
  }

  get currentTech(): PlayerTech | undefined {
    return this.pipe?.tech;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Buffer ahead of the playhead, playbackRate and jumps of the FLV pipeline (undefined for HLS or when stopped). */
  latencyStats(): LiveLatencyStats | undefined {
    return this.pipe?.latency?.stats();
  }

  /** Start (or keep) playing the live stream. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.tech = pickTech(detectCaps(this.opts.video), this.opts.prefer);
    if (!this.tech) {
      this.emit('error', 'this browser can not play live video (no MediaSource and no HLS)');
      return;
    }
    this.lastProgressAt = Date.now();
    this.watchdog = setInterval(() => this.watch(), 1000);
    void this.open(); // fire-and-forget: open() never rejects; its failures go to fail() (retry with backoff, then HLS)
  }

  /** Stop playing and release the pipeline (status left 101). Idempotent. */
  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.teardown();
  }

  /** Retry at once (e.g. the status came back to 101 or the network came back). */
  kick(): void {
    if (!this.running) return this.start();
    clearTimeout(this.retryTimer);
    this.teardown();
    void this.open(); // never rejects: failures retry through fail()
  }

  private teardown(): void {
    this.generation++;
    const p = this.pipe;
    this.pipe = undefined;
    try {
      p?.destroy();
    } catch {
      // a library failing to tear down must not stop the retry
    }
    const v = this.opts.video;
    v.removeAttribute('src');
    try {
      v.load();
    } catch {
      // ignore
    }
  }

  private watch(): void {
    const v = this.opts.video;
    if (!this.pipe) return;
    if (v.currentTime !== this.lastTime) {
      if (this.lastTime >= 0 && v.currentTime > this.lastTime) {
        if (!this.playedOnce) this.playedOnce = true;
        this.failures = 0;
      }
      this.lastTime = v.currentTime;
      this.lastProgressAt = Date.now();
      return;
    }
    if (v.paused && this.playedOnce) return; // the viewer paused it
    if (Date.now() - this.lastProgressAt > (this.opts.stallMs ?? 8000)) this.fail('no progress');
  }

  private fail(why: string): void {
    if (!this.running) return;
    this.failures++;
    this.emit('waiting');
    this.teardown();
    // FLV that never played (blocked port, proxy buffering) → try HLS.
    if ((this.tech === 'flv' || this.tech === 'wsflv') && !this.playedOnce && this.failures >= 3) {
      const caps = detectCaps(this.opts.video);
      this.tech = caps.nativeHls ? 'native-hls' : 'hls.js';
      this.failures = 0;
    }
    const [first, cap] = this.opts.retryMs ?? [1000, 8000];
    const delay = Math.min(cap, first * 2 ** Math.max(0, this.failures - 1));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), delay);
    if (this.failures === 1) console.info(`zhibo player: ${why}; retrying`);
  }

  private async open(): Promise<void> {
    if (!this.running || !this.tech) return;
    const gen = ++this.generation;
    const v = this.opts.video;
    this.lastTime = -1;
    this.lastProgressAt = Date.now();
    try {
      const pipe = await this.build(this.tech, gen);
      if (gen !== this.generation || !this.running) {
        pipe.destroy();
        return;
      }
      this.pipe = pipe;
      this.emit('tech', pipe.tech);
      await this.play(v);
    } catch (e) {
      if (gen === this.generation) this.fail((e as Error)?.message ?? String(e));
    }
  }

  private async play(v: HTMLVideoElement): Promise<void> {
    try {
      await v.play();
    } catch (e) {
      if ((e as DOMException)?.name === 'NotAllowedError') this.emit('needsGesture');
      else if ((e as DOMException)?.name !== 'AbortError') throw e;
    }
  }

  private async build(tech: PlayerTech, gen: number): Promise<Pipeline> {
    const v = this.opts.video;
    const m = this.opts.media;
    if (tech === 'native-hls') {
      v.src = m.hls;
      const onErr = () => gen === this.generation && this.fail('video element error');
      v.addEventListener('error', onErr);
      return { tech, destroy: () => v.removeEventListener('error', onErr) };
    }
    if (tech === 'hls.js') {
      const Hls = await this.opts.loadHls();
      // No liveSync*/liveMaxLatency* of our own: set by the user, they override the LL-HLS playlist's PART-HOLD-BACK
      // (hls.js then sits 2 segments back, ~4 s; `npm run bench -- latency`). A stall is caught up at up to 1.5×.
      const hls = new Hls({
        lowLatencyMode: true,
        maxLiveSyncPlaybackRate: 1.5,
        backBufferLength: 10,
        manifestLoadingMaxRetry: 2,
      });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal && gen === this.generation) this.fail(`hls.js: ${data.details}`);
      });
      hls.loadSource(m.hls);
      hls.attachMedia(v);
      return { tech, destroy: () => hls.destroy() };
    }
    const mpegts = await this.opts.loadMpegts();
    mpegts.LoggingControl.enableAll = false;
    const player = mpegts.createPlayer(
      { type: 'flv', isLive: true, cors: true, hasAudio: true, hasVideo: true, url: tech === 'wsflv' ? m.wsFlv : m.flv },
      {
        enableWorker: false,
        enableStashBuffer: false,
        stashInitialSize: 128,
        lazyLoad: false,
        autoCleanupSourceBuffer: true,
        // the live edge is kept by LiveLatencyController (rate nudges), not by mpegts.js's seeking chaser
        liveBufferLatencyChasing: false,
        liveSync: false,
      },
    );
    player.on(mpegts.Events.ERROR, (type: string, detail: string) => {
      if (gen === this.generation) this.fail(`mpegts: ${type} ${detail}`);
    });
    player.on(mpegts.Events.LOADING_COMPLETE, () => {
      // the live stream ended on the server side: retry (the room status decides whether we keep trying)
      if (gen === this.generation) this.fail('stream ended');
    });
    player.attachMediaElement(v);
    player.load();
    const latency = new LiveLatencyController(v, this.opts.latency);
    return {
      tech,
      latency,
      destroy: () => {
        latency.stop();
        player.pause();
        player.unload();
        player.detachMediaElement();
        player.destroy();
      },
    };
  }
}
