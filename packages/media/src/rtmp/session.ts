/**
 * One RTMP connection: handshake → chunk stream → commands. Publishing is authorised by the host
 * (PublishHandler); media messages then go to the PublishTarget it returns.
 *
 * Every failure a peer can cause ends in close(): the parser stops, the target is told once, the
 * socket is destroyed. Nothing thrown here reaches the process.
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { PublishStopReason } from '../events.js';
import { MediaError, RtmpLimitError, errorMessage } from '../errors.js';
import { ServerHandshake } from './handshake.js';
import {
  ChunkReader,
  DEFAULT_CHUNK_LIMITS,
  DEFAULT_PREAUTH_CHUNK_LIMITS,
  tighterLimits,
  type ChunkReaderLimits,
  type RtmpMessage,
} from './chunk-reader.js';
import { commandMessage, controlMessages, encodeMessage, MSG, USER_CONTROL, type OutMessage } from './chunk-writer.js';
import { handleCommand, type CommandContext } from './commands.js';

export interface PublishRequest {
  /** Application from connect (before any "?"), e.g. "live". */
  app: string;
  /** Stream name before any "?", e.g. "12". */
  streamName: string;
  /** Query of the app and of the stream name (the latter wins), e.g. { key: "abc" }. */
  query: Record<string, string>;
  remoteAddress: string;
  tcUrl: string;
}

export interface PublishTarget {
  /** Audio (8), video (9) or data (18) message of the published stream. */
  onMessage(m: RtmpMessage): void;
  /** Publishing ended; called once. */
  onEnd(reason: PublishStopReason, detail?: string): void;
}

export type PublishResult = { ok: true; target: PublishTarget } | { ok: false; code: string; reason: string };

export interface PublishHandler {
  publish(session: RtmpSession, req: PublishRequest): Promise<PublishResult>;
}

export interface SessionOptions {
  logger: Logger;
  /** Where the one-line warning of a connection closed for a protocol error goes (default logger.warn; RtmpServer rate-limits it). */
  protocolWarn?: (msg: string) => void;
  handler: PublishHandler;
  /** Parser limits once publishing is authorised. */
  limits?: Partial<ChunkReaderLimits>;
  /** Parser limits until publishing is authorised (never looser than `limits`). */
  preAuthLimits?: Partial<ChunkReaderLimits>;
  /** Window Acknowledgement Size we announce to the peer. */
  windowAckSize?: number;
  outChunkSize?: number;
}

export type SessionState = 'handshake' | 'open' | 'authorizing' | 'publishing' | 'closed';

/** Bytes we may queue for a peer that does not read (responses to its commands, acks) before it is closed. */
export const MAX_OUT_BUFFERED = 1 << 20;

let counter = 0;
export function newSessionId(): string {
  return `${Date.now().toString(36)}-${(counter++ & 0xffff).toString(36)}${randomBytes(3).toString('hex')}`;
}

export class RtmpSession {
  readonly id = newSessionId();
  readonly remoteAddress: string;
  state: SessionState = 'handshake';
  /** ms epoch of the TCP accept. */
  readonly acceptedAt = Date.now();
  /** ms epoch of the connect command (0 before). */
  connectedAt = 0;
  /** ms epoch from which the publish deadline runs: the connect command, or the end of the last publish. */
  publishWaitFrom = 0;
  /** Publishing was authorised at least once on this connection (the full parser limits apply). */
  authorised = false;
  /** ms epoch of the last byte received / the last audio or video message. */
  lastActivityAt = Date.now();
  lastMediaAt = 0;
  closeReason: PublishStopReason | null = null;
  /** Message stream id of the publish command (for onStatus). */
  publishStreamId = 0;
  private readonly handshake = new ServerHandshake();
  private readonly reader: ChunkReader;
  private readonly ctx: CommandContext;
  private target: PublishTarget | null = null;
  private outChunkSize = 128;
  private bytesIn = 0;
  private lastAckAt = 0;
  /** Acknowledgement window: the peer's Window Acknowledgement Size, or 2.5 MB until it sends one. */
  private peerWindow = 2_500_000;
  private readonly closeCbs: (() => void)[] = [];

  constructor(
    readonly socket: Socket,
    private readonly opts: SessionOptions,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const full = { ...DEFAULT_CHUNK_LIMITS, ...opts.limits };
    this.reader = new ChunkReader(
      (m) => this.onMessage(m),
      tighterLimits(full, { ...DEFAULT_PREAUTH_CHUNK_LIMITS, ...opts.preAuthLimits }),
    );
    this.ctx = {
      session: this,
      logger: opts.logger,
      handler: opts.handler,
      windowAckSize: opts.windowAckSize ?? 5_000_000,
      outChunkSize: opts.outChunkSize ?? 4096,
      app: '',
      tcUrl: '',
      appQuery: {},
      nextStreamId: 1,
    };
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5000);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('end', () => this.close('socket_closed', 'peer ended the connection'));
    socket.on('close', () => this.close('socket_closed'));
    socket.on('error', (e) => this.close('socket_closed', e.message));
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  get publishing(): boolean {
    return this.state === 'publishing';
  }

  /** Not publishing and not being authorised: a slot that has proved nothing yet (or no longer publishes). */
  get unauthenticated(): boolean {
    return this.state === 'handshake' || this.state === 'open';
  }

  /** How far the connection got: 0 handshake, 1 handshake done, 2 connect received, 3 authorising or publishing. */
  get progress(): number {
    if (this.state === 'handshake') return 0;
    if (this.state === 'authorizing' || this.state === 'publishing') return 3;
    return this.connectedAt ? 2 : 1;
  }

  /** Bytes the parser holds for unfinished messages. */
  get bufferedBytes(): number {
    return this.reader.pendingBytes;
  }

  /** The connect command was accepted: the publish deadline starts. */
  markConnected(): void {
    this.connectedAt = this.publishWaitFrom = Date.now();
  }

  onClose(cb: () => void): void {
    if (this.closed) queueMicrotask(cb);
    else this.closeCbs.push(cb);
  }

  private onData(d: Buffer): void {
    if (this.closed) return;
    this.lastActivityAt = Date.now();
    this.bytesIn += d.length;
    try {
      let pos = 0;
      if (!this.handshake.done) {
        pos = this.handshake.feed(d, 0, (b) => this.socket.write(b));
        if (this.handshake.done && this.state === 'handshake') this.state = 'open';
      }
      if (pos < d.length) this.reader.push(d, pos);
      if (this.bytesIn - this.lastAckAt >= this.peerWindow && !this.closed) {
        this.lastAckAt = this.bytesIn;
        this.send(controlMessages.acknowledgement(this.bytesIn % 0x100000000));
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** A peer-caused error (or a bug): log one line and close this connection only. */
  fail(e: unknown): void {
    const msg = errorMessage(e);
    if (e instanceof MediaError) {
      const line = `rtmp ${this.remoteAddress}: ${msg}; closing`;
      if (this.opts.protocolWarn) this.opts.protocolWarn(line);
      else this.opts.logger.warn(line);
    } else {
      this.opts.logger.error(`rtmp ${this.remoteAddress}: internal error: ${e instanceof Error ? (e.stack ?? msg) : msg}; closing`);
    }
    this.close('error', msg);
  }

  private onMessage(m: RtmpMessage): void {
    switch (m.typeId) {
      case MSG.Audio:
      case MSG.Video:
        if (this.target) {
          this.lastMediaAt = this.lastActivityAt;
          this.target.onMessage(m);
        }
        return;
      case MSG.DataAmf0:
      case MSG.DataAmf3:
        if (this.target)
          this.target.onMessage(m.typeId === MSG.DataAmf3 ? { ...m, typeId: MSG.DataAmf0, payload: m.payload.subarray(1) } : m);
        return;
      case MSG.CommandAmf0:
        return handleCommand(this.ctx, m.payload, m.streamId);
      case MSG.CommandAmf3:
        return handleCommand(this.ctx, m.payload.subarray(1), m.streamId);
      case MSG.WindowAckSize:
        if (m.payload.length >= 4) this.peerWindow = Math.max(16_384, m.payload.readUInt32BE(0));
        return;
      case MSG.UserControl:
        if (m.payload.length >= 6 && m.payload.readUInt16BE(0) === USER_CONTROL.PingRequest) {
          this.send(controlMessages.userControl(USER_CONTROL.PingResponse, m.payload.readUInt32BE(2)));
        }
        return;
      default:
        return; // Acknowledgement, Set Peer Bandwidth, aggregate, shared object: nothing to do
    }
  }

  send(m: OutMessage): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(encodeMessage(m, this.outChunkSize));
    if (this.socket.writableLength > MAX_OUT_BUFFERED) {
      this.fail(new RtmpLimitError(`peer is not reading: ${this.socket.writableLength} bytes queued for it`));
    }
  }

  setOutChunkSize(size: number): void {
    this.send(controlMessages.setChunkSize(size));
    this.outChunkSize = size;
  }

  /** Publishing was authorised: media now flows to target. */
  startPublishing(target: PublishTarget, msgStreamId: number): void {
    this.target = target;
    this.publishStreamId = msgStreamId;
    this.state = 'publishing';
    if (!this.authorised) {
      this.authorised = true;
      this.reader.setLimits({ ...DEFAULT_CHUNK_LIMITS, ...this.opts.limits });
    }
    this.lastMediaAt = Date.now();
  }

  /** deleteStream / FCUnpublish: publishing ends, the connection may stay. */
  stopPublishing(reason: PublishStopReason): void {
    const t = this.target;
    this.target = null;
    if (this.state === 'publishing') {
      this.state = 'open';
      this.publishWaitFrom = Date.now();
    }
    t?.onEnd(reason);
  }

  /** Refuse or end publishing with an onStatus error, then close gracefully. */
  reject(streamId: number, code: string, description: string, reason: PublishStopReason = 'error'): void {
    this.send(commandMessage(streamId, 'onStatus', 0, null, { level: 'error', code, description }));
    this.close(reason, description, true);
  }

  /** Idempotent. graceful: flush what we sent (the onStatus) before closing. */
  close(reason: PublishStopReason, detail?: string, graceful = false): void {
    if (this.closed) return;
    this.state = 'closed';
    this.closeReason = reason;
    this.reader.stop();
    const t = this.target;
    this.target = null;
    if (graceful && !this.socket.destroyed) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    } else {
      this.socket.destroy();
    }
    try {
      t?.onEnd(reason, detail);
    } finally {
      for (const cb of this.closeCbs.splice(0)) cb();
    }
  }
}
