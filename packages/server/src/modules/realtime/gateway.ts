/**
 * The real-time gateway (S-PLAYER-2, docs/realtime.md): `ws` in noServer mode on the HTTP server's
 * upgrade, one RoomChannel per room, site connections for in-page reminders, ticks for merged likes and
 * viewer counts, backpressure and heartbeats. Protocol types: @zhibo/protocol realtime.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, RealtimeLimits, RealtimeRoutes, type ServerMessage } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { AppService } from '../apps/service.js';
import type { AnonQuota } from '../../lib/anon-quota.js';
import type { ClientIps } from '../../lib/client-ip.js';
import type { DomainBus } from '../../lib/domain-events.js';
import type { GoodsService } from '../goods/service.js';
import type { Log } from '../../lib/log.js';
import type { IdentityService } from '../identity/service.js';
import type { RoomService } from '../rooms/service.js';
import { Conn, encode, Essential, sendTo, type RoomChannel, type SendLimits } from './channel.js';
import { ChannelRegistry } from './registry.js';
import { handleFrame, type SessionHost } from './session.js';
import type { RealtimeStore } from './store.js';
import { REALTIME_DEFAULTS, type RealtimeOptions } from './options.js';
import type { RoomBus } from './bus.js';
import { RoomSync } from './sync.js';

const CONN = Symbol('zhibo.conn');
type WsWithConn = WebSocket & { [CONN]?: Conn };
const noop = (): void => {};
function onPong(this: WsWithConn): void {
  const c = this[CONN];
  if (c) c.alive = true;
}

export interface RealtimeDeps {
  clock: Clock;
  log: Log;
  events: DomainBus;
  rooms: RoomService;
  goods: GoodsService;
  identity: IdentityService;
  apps: AppService;
  store: RealtimeStore;
  /** in process (embedded default) or Redis (cluster mode) */
  bus: RoomBus;
  minSdkVersion: () => string;
  /** the client address of an upgrade (trusted proxies honoured) */
  ips: ClientIps;
  /** quotas on stored entries (per viewer, address, app) */
  quota?: AnonQuota;
  viewerRooms?: (appid: string, openid: string) => Promise<number[]>;
}

export class RealtimeGateway implements SessionHost {
  readonly options: RealtimeOptions;
  readonly channels: ChannelRegistry;
  readonly limits: SendLimits;
  readonly sync: RoomSync;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly waiting = new Set<Conn>();
  private readonly lagging = new Set<Conn>();
  private readonly closing = new Set<Conn>();
  private readonly sites = new Map<string, Set<Conn>>();
  /** open connections per client address */
  private readonly perIp = new Map<string, number>();
  /** appid → its site connections (status changes go to all of them) */
  private readonly siteApps = new Map<string, Set<Conn>>();
  private readonly offs: Array<() => void> = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private presentTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(
    readonly deps: RealtimeDeps,
    options: Partial<RealtimeOptions> = {},
  ) {
    this.options = { ...REALTIME_DEFAULTS, ...options };
    this.limits = {
      softLimitBytes: this.options.softLimitBytes,
      hardLimitBytes: this.options.hardLimitBytes,
      lagging: (c) => this.lagging.add(c),
    };
    this.channels = new ChannelRegistry(
      deps,
      this.limits,
      () => this.options.recentComments,
      (c) => this.kick(c, CloseCode.SlowConsumer, 'slow consumer'),
    );
    this.sync = new RoomSync(
      deps.bus,
      deps.store,
      deps.log,
      (id) => this.channels.get(id),
      () => this.options.chatDisplayPerTick,
      {
        now: () => deps.clock.now(),
        muteByIpMs: () => this.options.muteByIpMs,
      },
    );
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: RealtimeLimits.maxFrameBytes,
    });
  }

  /** Change limits at run time (tests, operators); applies to what happens next. */
  configure(o: Partial<RealtimeOptions>): void {
    Object.assign(this.options, o);
    this.limits.softLimitBytes = this.options.softLimitBytes;
    this.limits.hardLimitBytes = this.options.hardLimitBytes;
    if (this.tickTimer && o.tickMs !== undefined) this.scheduleTick();
  }

  /** Ticks fall on multiples of tickMs of the wall clock, so every node of a cluster sends its batches together. */
  private scheduleTick(): void {
    clearTimeout(this.tickTimer);
    const ms = this.options.tickMs;
    this.tickTimer = setTimeout(
      () => {
        this.tick();
        if (!this.closed) this.scheduleTick();
      },
      ms - (Date.now() % ms),
    ).unref();
  }

  /** Subscribe to domain events and start the tick and heartbeat loops (zhibo.ts: on listen). */
  start(): void {
    if (this.tickTimer || this.closed) return;
    const ev = this.deps.events;
    this.offs.push(
      ev.on('status', (c) => {
        const ch = this.channels.get(c.roomId);
        if (!ch) return;
        ch.room.liveStatus = c.to;
        ch.publish({ type: 'status', liveStatus: c.to, cause: c.cause, at: c.at }, Essential.yes);
        if (c.to === 104) for (const m of [...ch.members]) this.kick(m, CloseCode.RoomBanned, 'room banned');
      }),
      ev.on('status', (c) => {
        const set = this.siteApps.get(c.appid);
        if (!set?.size) return;
        const data = encode({ type: 'siteStatus', roomId: c.roomId, liveStatus: c.to, at: c.at });
        for (const conn of set) this.send(conn, data);
      }),
      // cluster mode: the recording node tells the other nodes' viewers too
      ev.on('replayReady', (e) => this.sync.command(e.roomId, { kind: 'replays', ready: e.ready })),
      ev.on('roomChanged', (e) => this.channels.reload(e.roomId)),
      ev.on('roomDeleted', (e) => {
        const ch = this.channels.get(e.roomId);
        if (!ch) return;
        for (const m of [...ch.members]) this.kick(m, CloseCode.UnknownRoom, 'room deleted');
        this.channels.drop(e.roomId);
      }),
      ev.on('mediaViewers', (e) => {
        this.channels.mediaViewers.set(e.roomId, e.count);
        const ch = this.channels.get(e.roomId);
        if (ch) {
          ch.mediaViewers = e.count;
          ch.peak = Math.max(ch.peak, e.peak);
        }
        this.deps.store.addTotals(e.roomId, 0, Math.max(e.peak, e.count));
      }),
      ev.on('reminderInPage', (r) => {
        const set = this.sites.get(`${r.appid}\0${r.openid}`);
        if (!set) return;
        const data = encode({ type: 'reminder', roomId: r.roomId, roomName: r.roomName, key: r.key, at: r.at });
        for (const c of set) this.send(c, data);
      }),
    );
    this.scheduleTick();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatMs).unref();
  }

  /** Route an HTTP upgrade: true when the path is ours (/ws/...), false to leave it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const kind = url.pathname === RealtimeRoutes.room ? 'room' : url.pathname === RealtimeRoutes.site ? 'site' : undefined;
    if (!kind) return false;
    if (this.closed) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    const ip = this.deps.ips.keyOf(req);
    const cap = this.options.connectionsPerIp;
    if (cap > 0 && (this.perIp.get(ip) ?? 0) >= cap) {
      const msg = 'too many connections from this address';
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`);
      return true;
    }
    const appid = url.searchParams.get('appid') ?? '';
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, kind, appid, ip));
    return true;
  }

  private accept(ws: WebSocket, kind: 'room' | 'site', appid: string, ip: string): void {
    const c = new Conn(ws, kind, this.ticks, appid);
    c.ip = ip;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    (ws as WsWithConn)[CONN] = c;
    this.conns.add(c);
    this.waiting.add(c);
    // One set of listener functions for all sockets (no closures per connection: idle viewers stay small).
    ws.on('message', this.onMessage);
    ws.on('pong', onPong);
    ws.on('error', noop);
    ws.on('close', this.onClose);
    if (this.closed) this.kick(c, CloseCode.ServerShutdown, 'server shutdown');
  }

  private readonly onMessage = ((gw: RealtimeGateway) =>
    function (this: WsWithConn, data: unknown, isBinary: boolean) {
      const c = this[CONN]!;
      c.alive = true;
      handleFrame(gw, c, data as Buffer, isBinary);
    })(this);

  private readonly onClose = ((gw: RealtimeGateway) =>
    function (this: WsWithConn) {
      gw.forget(this[CONN]!);
    })(this);

  private forget(c: Conn): void {
    this.detach(c);
    c.state = 'closed';
    if (this.conns.delete(c)) {
      const n = (this.perIp.get(c.ip) ?? 1) - 1;
      if (n > 0) this.perIp.set(c.ip, n);
      else this.perIp.delete(c.ip);
    }
    this.closing.delete(c);
    if (this.drained && this.conns.size === 0) this.drained();
  }

  private detach(c: Conn): void {
    this.waiting.delete(c);
    this.lagging.delete(c);
    c.channel?.members.delete(c);
    c.channel = undefined;
    if (c.siteKey) {
      const set = this.sites.get(c.siteKey);
      set?.delete(c);
      if (set && !set.size) this.sites.delete(c.siteKey);
      const app = this.siteApps.get(c.appid);
      app?.delete(c);
      if (app && !app.size) this.siteApps.delete(c.appid);
      c.siteKey = undefined;
    }
  }

  /** Close a connection with a code; it is destroyed if the close handshake does not finish in closeGraceMs. */
  kick(c: Conn, code: number, reason: string): void {
    if (c.state === 'closed') return;
    this.detach(c);
    c.state = 'closed';
    c.mark = this.ticks;
    this.closing.add(c);
    c.ws.close(code, reason);
  }

  /** Send one frame (textFrame/encode) to one connection (essential: never dropped under backpressure). */
  send(c: Conn, data: Buffer, essential = true): void {
    if (sendTo(c, data, essential, this.limits) === 'overflow') this.kick(c, CloseCode.SlowConsumer, 'slow consumer');
  }

  reply(c: Conn, m: ServerMessage): void {
    this.send(c, encode(m));
  }

  joinRoom(c: Conn, ch: RoomChannel): void {
    this.waiting.delete(c);
    c.state = 'joined';
    c.channel = ch;
    ch.members.add(c);
  }

  joinSite(c: Conn, key: string): void {
    this.waiting.delete(c);
    c.state = 'joined';
    c.siteKey = key;
    let set = this.sites.get(key);
    if (!set) this.sites.set(key, (set = new Set()));
    set.add(c);
    let app = this.siteApps.get(c.appid);
    if (!app) this.siteApps.set(c.appid, (app = new Set()));
    app.add(c);
  }

  private tick(): void {
    this.ticks++;
    const o = this.options;
    const ticksFor = (ms: number) => Math.max(1, Math.ceil(ms / o.tickMs));
    const sweep = this.ticks % ticksFor(10_000) === 0;
    const now = sweep ? this.deps.clock.now() : 0;
    for (const ch of this.channels.all()) {
      if (sweep) ch.guard.sweep(now);
      this.sync.tick(ch);
    }
    // Clustered: the nodes' batches of this tick arrive within milliseconds; present them together.
    if (this.deps.bus.clustered) {
      clearTimeout(this.presentTimer);
      this.presentTimer = setTimeout(() => this.present(), o.presentDelayMs).unref();
    } else this.present();
    for (const ch of this.channels.all()) {
      if (ch.members.size > 0) ch.emptyTicks = 0;
      else if (++ch.emptyTicks >= ticksFor(o.lingerMs)) this.channels.drop(ch.roomId);
    }
    for (const c of this.lagging) {
      if (c.state === 'closed' || c.buffered <= o.softLimitBytes) {
        c.overTicks = 0;
        this.lagging.delete(c);
      } else if (c.buffered > o.hardLimitBytes || ++c.overTicks >= ticksFor(o.slowGraceMs))
        this.kick(c, CloseCode.SlowConsumer, 'slow consumer');
    }
    for (const c of this.waiting)
      if (c.state === 'new' && this.ticks - c.mark >= ticksFor(o.helloTimeoutMs)) this.kick(c, CloseCode.HelloTimeout, 'no hello');
    for (const c of this.closing)
      if (this.ticks - c.mark >= ticksFor(o.closeGraceMs)) {
        this.closing.delete(c);
        c.ws.terminate();
      }
    // not awaited: the tick must not wait for the database; the store writes row by row and logs what fails (it never rejects)
    void this.deps.store.flush();
  }

  private present(): void {
    const now = Date.now();
    for (const ch of this.channels.all()) this.sync.present(ch, now);
  }

  private heartbeat(): void {
    for (const c of this.conns) {
      if (c.state === 'closed') continue;
      if (!c.alive) {
        this.detach(c);
        c.state = 'closed';
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  /** Hand a room's like taps not yet ticked to the store (before reading stats). */
  flushRoom(roomId: number): void {
    const ch = this.channels.get(roomId);
    if (ch) {
      this.sync.tick(ch);
      this.sync.present(ch, Date.now());
    }
  }

  /** Comments and like taps since start (metrics). */
  totals(): { comments: number; likes: number } {
    return { ...this.deps.store.counted };
  }

  /** Open connections and room channels (health, tests). */
  counts(): { connections: number; rooms: number; sites: number } {
    return { connections: this.conns.size, rooms: this.channels.size, sites: this.sites.size };
  }

  /** Close every socket with 3000 (reconnect), wait briefly for the handshakes, flush storage. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.presentTimer);
    clearInterval(this.heartbeatTimer);
    for (const off of this.offs.splice(0)) off();
    for (const c of [...this.conns]) this.kick(c, CloseCode.ServerShutdown, 'server shutdown');
    if (this.conns.size)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(2000, this.options.closeGraceMs)).unref();
        this.drained = () => {
          clearTimeout(t);
          resolve();
        };
      });
    for (const c of [...this.conns]) c.ws.terminate();
    for (const ch of this.channels.all()) this.flushRoom(ch.roomId);
    await this.deps.store.flush();
    this.wss.close();
    this.deps.log.info('realtime: gateway closed');
  }
}
