/**
 * The RTMP listener: admits connections (per-address and global limits, see admission.ts), owns
 * their sessions, and sweeps for deadlines: handshake, connect and publish must each happen in time,
 * a connection that is not publishing and sends nothing for idleTimeoutMs is closed, and a publisher
 * without audio/video for stallTimeoutMs is reported, so a dead or half-open publisher is noticed
 * within seconds and slow clients cannot hold slots.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { ChunkReaderLimits } from './chunk-reader.js';
import { RtmpSession, type PublishHandler } from './session.js';
import { Admission, ipKey, type AdmissionLimits } from './admission.js';
import { WarnLimiter } from './warn-limiter.js';

export { WarnLimiter } from './warn-limiter.js';

/** Deadlines (ms; 0 = none) and connection limits (0 = none for the per-address ones). */
export interface RtmpGuards extends AdmissionLimits {
  /** From TCP accept to the end of the handshake (C2 received). */
  handshakeTimeoutMs: number;
  /** From TCP accept to the connect command. */
  connectTimeoutMs: number;
  /** From the connect command (or the end of a publish) to publish being authorised. */
  publishTimeoutMs: number;
}

export const DEFAULT_RTMP_GUARDS: RtmpGuards = {
  handshakeTimeoutMs: 5000,
  connectTimeoutMs: 10_000,
  publishTimeoutMs: 10_000,
  maxConnections: 1000,
  maxConnectionsPerIp: 64,
  maxUnauthenticatedPerIp: 16,
};

export interface RtmpServerOptions extends Partial<RtmpGuards> {
  logger: Logger;
  handler: PublishHandler;
  limits?: Partial<ChunkReaderLimits>;
  preAuthLimits?: Partial<ChunkReaderLimits>;
  stallTimeoutMs: number;
  idleTimeoutMs: number;
}

export class RtmpServer {
  readonly sessions = new Set<RtmpSession>();
  readonly guards: RtmpGuards;
  private readonly server: Server;
  private readonly admission: Admission<RtmpSession>;
  private readonly protocolWarn: WarnLimiter;
  private readonly limitWarn: WarnLimiter;
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: RtmpServerOptions) {
    const g = { ...DEFAULT_RTMP_GUARDS };
    for (const k of Object.keys(g) as (keyof RtmpGuards)[]) if (opts[k] !== undefined) g[k] = opts[k];
    this.guards = g;
    this.admission = new Admission(g);
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (e) => opts.logger.error(`rtmp server: ${e.message}`));
    this.protocolWarn = new WarnLimiter((m) => opts.logger.warn(m));
    this.limitWarn = new WarnLimiter((m) => opts.logger.warn(m), 1000, Date.now, 'closed by connection limits or deadlines');
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Connections that are neither publishing nor being authorised. */
  get unauthenticatedCount(): number {
    return this.admission.unauthenticatedCount;
  }

  /** Connections from one address (IPv4, or the IPv6 /64 of an IPv6 address). */
  connectionsFrom(address: string): number {
    return this.admission.countFor(ipKey(address));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        const { handshakeTimeoutMs, connectTimeoutMs, publishTimeoutMs } = this.guards;
        const shortest = Math.min(
          ...[this.opts.stallTimeoutMs, this.opts.idleTimeoutMs, handshakeTimeoutMs, connectTimeoutMs, publishTimeoutMs].filter(
            (v) => v > 0,
          ),
        );
        this.sweepTimer = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, Math.floor(shortest / 4))));
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
    const key = ipKey(socket.remoteAddress);
    for (let i = 0; i < 4; i++) {
      const d = this.admission.check(key);
      if (d.kind === 'ok') break;
      if (d.kind === 'refuse' || i === 3) {
        this.limitWarn.warn(
          `rtmp ${socket.remoteAddress ?? '?'}: connection refused: ${d.kind === 'refuse' ? d.rule : 'no slot'} (none unauthenticated to evict)`,
        );
        socket.destroy();
        return;
      }
      const v = d.victim;
      this.limitWarn.warn(
        `rtmp ${v.remoteAddress}: evicted (${['in handshake', 'no connect yet', 'not publishing'][v.progress] ?? 'unauthenticated'}, ${Date.now() - v.acceptedAt} ms old): limit of ${d.rule} reached`,
      );
      v.close('socket_closed', `evicted: limit of ${d.rule}`);
    }
    const s = new RtmpSession(socket, {
      logger: this.opts.logger,
      handler: this.opts.handler,
      limits: this.opts.limits,
      preAuthLimits: this.opts.preAuthLimits,
      protocolWarn: (m) => this.protocolWarn.warn(m),
    });
    this.sessions.add(s);
    this.admission.add(key, s);
    s.onClose(() => {
      this.sessions.delete(s);
      this.admission.remove(key, s);
    });
    this.opts.logger.debug?.(`rtmp ${s.remoteAddress}: connected (session ${s.id})`);
  }

  private sweep(): void {
    const now = Date.now();
    const { handshakeTimeoutMs: hs, connectTimeoutMs: cn, publishTimeoutMs: pb } = this.guards;
    for (const s of this.sessions) {
      if (s.publishing) {
        if (now - s.lastMediaAt > this.opts.stallTimeoutMs) s.close('timeout', `no media for ${now - s.lastMediaAt} ms`);
        continue;
      }
      let why = '';
      if (hs > 0 && s.state === 'handshake' && now - s.acceptedAt > hs) why = `handshake not completed within ${hs} ms`;
      else if (cn > 0 && !s.connectedAt && now - s.acceptedAt > cn) why = `no connect command within ${cn} ms`;
      else if (pb > 0 && s.connectedAt && now - s.publishWaitFrom > pb) why = `not publishing ${pb} ms after connect`;
      if (why) {
        this.limitWarn.warn(`rtmp ${s.remoteAddress}: ${why}; closing`);
        s.close('timeout', why);
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
    this.limitWarn.flush();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
