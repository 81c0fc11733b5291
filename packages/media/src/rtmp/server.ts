/**
 * The RTMP listener: accepts connections, owns their sessions, and sweeps for stalled publishers
 * (no audio/video for stallTimeoutMs) and idle connections (no bytes for idleTimeoutMs before
 * publishing), so a dead or half-open publisher is reported within seconds.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { ChunkReaderLimits } from './chunk-reader.js';
import { RtmpSession, type PublishHandler } from './session.js';

export interface RtmpServerOptions {
  logger: Logger;
  handler: PublishHandler;
  limits?: Partial<ChunkReaderLimits>;
  stallTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections?: number;
}

/**
 * At most one line per interval: the first line of an interval is logged, the rest are counted and
 * summed up in one line when the interval ends. A flood of bad connections costs ~1 line per second.
 */
export class WarnLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly log: (msg: string) => void, private readonly intervalMs = 1000, private readonly now: () => number = Date.now) {}

  warn(msg: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.intervalMs) {
      this.windowStart = t;
      this.log(msg);
      return;
    }
    this.suppressed++;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.intervalMs - t));
      this.timer.unref();
    }
  }

  /** Log the count of suppressed lines now (if any); that line opens a new interval. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0) return;
    const n = this.suppressed;
    this.suppressed = 0;
    this.windowStart = this.now();
    this.log(`rtmp: ${n} more connection${n === 1 ? '' : 's'} closed for protocol errors (lines suppressed; at most one per ${this.intervalMs} ms)`);
  }
}

export class RtmpServer {
  readonly sessions = new Set<RtmpSession>();
  private readonly server: Server;
  private readonly protocolWarn: WarnLimiter;
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: RtmpServerOptions) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.maxConnections = opts.maxConnections ?? 1000;
    this.server.on('error', (e) => opts.logger.error(`rtmp server: ${e.message}`));
    this.protocolWarn = new WarnLimiter((m) => opts.logger.warn(m));
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        const every = Math.max(50, Math.min(1000, Math.floor(Math.min(this.opts.stallTimeoutMs, this.opts.idleTimeoutMs) / 4)));
        this.sweepTimer = setInterval(() => this.sweep(), every);
        this.sweepTimer.unref();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const s = new RtmpSession(socket, { logger: this.opts.logger, handler: this.opts.handler, limits: this.opts.limits, protocolWarn: (m) => this.protocolWarn.warn(m) });
    this.sessions.add(s);
    s.onClose(() => this.sessions.delete(s));
    this.opts.logger.debug?.(`rtmp ${s.remoteAddress}: connected (session ${s.id})`);
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of this.sessions) {
      if (s.publishing) {
        if (now - s.lastMediaAt > this.opts.stallTimeoutMs) s.close('timeout', `no media for ${now - s.lastMediaAt} ms`);
      } else if (now - s.lastActivityAt > this.opts.idleTimeoutMs) {
        this.opts.logger.debug?.(`rtmp ${s.remoteAddress}: idle for ${now - s.lastActivityAt} ms; closing`);
        s.close('timeout', 'idle');
      }
    }
  }

  /** Stop listening and close every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const s of [...this.sessions]) s.close('socket_closed', 'server closing');
    this.protocolWarn.flush();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
