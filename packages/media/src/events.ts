import type { Logger } from './log.js';

/**
 * Why publishing stopped. RTMP: deleteStream, socket_closed, kicked, timeout, error.
 * WHIP: deleted (HTTP DELETE), ice_failed (ICE/DTLS failed or the peer vanished: no packets at all),
 * socket_closed (the peer closed DTLS, or the server is closing), kicked, timeout (no media), error.
 */
export type PublishStopReason = 'deleteStream' | 'deleted' | 'socket_closed' | 'ice_failed' | 'kicked' | 'timeout' | 'error';

export type PublishProtocol = 'rtmp' | 'whip';

export interface PublishStartEvent {
  streamId: string;
  sessionId: string;
  remoteAddress: string;
  protocol: PublishProtocol;
}
export interface PublishStopEvent {
  streamId: string;
  sessionId: string;
  reason: PublishStopReason;
  detail?: string;
}
/**
 * count: distinct viewers now (distinct viewerKeys, plus each connection attached without a key);
 * peak: the highest count since the current publish session started; connections: open viewer
 * connections (attached or waiting), whatever their keys.
 */
export interface ViewerCountEvent {
  streamId: string;
  count: number;
  peak: number;
  connections: number;
}
export interface RecordingReadyEvent {
  streamId: string;
  sessionId: string;
  /** Absolute path of the .mp4. */
  file: string;
  /** ms since epoch. */
  startedAt: number;
  endedAt: number;
  durationSec: number;
}
export interface RecordingFailedEvent {
  streamId: string;
  sessionId: string;
  /** The .flv that could not be turned into an MP4 (kept on disk unless it held no media). */
  file: string;
  error: string;
}

/**
 * A push that was refused: wrong key, ended room, a second encoder… (`reason` is the gate's, never the key).
 * `streamName` is the stream name without its query.
 */
export interface PublishRefusedEvent {
  app: string;
  streamName: string;
  remoteAddress: string;
  reason: string;
  code: string;
  at: number;
}

/** Every event media reports. The server subscribes; media never calls the domain itself. */
export interface MediaEvents {
  publishStart: PublishStartEvent;
  publishRefused: PublishRefusedEvent;
  publishStop: PublishStopEvent;
  viewerCount: ViewerCountEvent;
  recordingReady: RecordingReadyEvent;
  recordingFailed: RecordingFailedEvent;
}

type Listener<T> = (event: T) => void;

/** A tiny typed emitter. A listener that throws is logged and does not stop the others. */
export class TypedEmitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly logger?: Logger) {}

  on<K extends keyof M>(name: K, fn: Listener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => this.off(name, fn);
  }

  off<K extends keyof M>(name: K, fn: Listener<M[K]>): void {
    this.listeners.get(name)?.delete(fn);
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as Listener<M[K]>)(event);
      } catch (e) {
        this.logger?.error(`media: ${String(name)} listener threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
