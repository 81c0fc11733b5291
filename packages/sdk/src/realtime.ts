/**
 * The room's real-time channel (S-PLAYER-2), client side of packages/protocol/src/realtime.ts:
 * hello → welcome snapshot, typed pushes, reconnect with backoff honoring close codes
 * (3000–3499 and standard codes reconnect, 3500–3999 are terminal), resume with the last seq,
 * heartbeat to notice silent drops, and likes batched per tick.
 */
import {
  REALTIME_VERSION,
  RealtimeLimits,
  RealtimeRoutes,
  shouldReconnect,
  type ClientMessage,
  type EntryInfo,
  type ServerMessage,
} from '@zhibo/protocol';
import { Emitter } from '@zhibo/protocol';

type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export type ChannelState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RoomChannelEvents {
  state: [ChannelState];
  welcome: [Msg<'welcome'>];
  chat: [Msg<'chat'>];
  chatDeleted: [Msg<'chatDeleted'>];
  likes: [Msg<'likes'>];
  viewers: [Msg<'viewers'>];
  shelf: [Msg<'shelf'>];
  present: [Msg<'present'>];
  status: [Msg<'status'>];
  comments: [Msg<'comments'>];
  muted: [Msg<'muted'>];
  /** a replay segment became ready (the room ended): refresh the replay list */
  replays: [Msg<'replays'>];
  /** the merchant pinned (or unpinned: text null) a notice above the chat */
  notice: [Msg<'notice'>];
  error: [Msg<'error'>];
  /** the socket closed; `reconnect` false means terminal (the channel stays closed) */
  closed: [{ code: number; reason: string; reconnect: boolean }];
}

export interface RoomChannelOptions {
  /** the zhibo server's base URL (http/https; ws/wss is derived) */
  server: string;
  roomId: number;
  sdkVersion: string;
  deviceId?: string;
  viewerToken?: string;
  entry?: EntryInfo;
  /** a chat nick for anonymous viewers (a viewer token's `nick` claim wins) */
  nick?: string;
  /** WebSocket constructor (tests) */
  WebSocket?: typeof WebSocket;
  /** first retry delay and cap (ms) */
  backoffMs?: [number, number];
  /** like flush interval (ms) */
  likeTickMs?: number;
}

export function roomSocketUrl(server: string): string {
  const u = new URL(RealtimeRoutes.room, `${server.replace(/\/+$/, '')}/`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export class RoomChannel extends Emitter<RoomChannelEvents> {
  private ws: WebSocket | undefined;
  private stateNow: ChannelState = 'closed';
  private lastSeq: number | undefined;
  private session: string | undefined;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private likeTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private pendingLikes = 0;
  private stopped = false;
  private readonly onOnline = () => {
    if (this.stateNow === 'reconnecting') this.retryNow();
  };

  constructor(private readonly opts: RoomChannelOptions) {
    super();
  }

  get state(): ChannelState {
    return this.stateNow;
  }

  private setState(s: ChannelState): void {
    if (s === this.stateNow) return;
    this.stateNow = s;
    this.emit('state', s);
  }

  connect(): void {
    this.stopped = false;
    if (typeof addEventListener === 'function') addEventListener('online', this.onOnline);
    this.likeTimer ??= setInterval(() => this.flushLikes(), this.opts.likeTickMs ?? 250);
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    this.setState(this.attempt === 0 && this.lastSeq === undefined ? 'connecting' : 'reconnecting');
    const WS = this.opts.WebSocket ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new WS(roomSocketUrl(this.opts.server));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.sendRaw({
        type: 'hello',
        v: REALTIME_VERSION,
        roomId: this.opts.roomId,
        sdkVersion: this.opts.sdkVersion,
        ...(this.opts.viewerToken ? { viewerToken: this.opts.viewerToken } : { deviceId: this.opts.deviceId }),
        ...(this.opts.entry ? { entry: this.opts.entry } : {}),
        ...(this.opts.nick ? { nick: this.opts.nick } : {}),
        chatBatch: true,
        ...(this.lastSeq !== undefined ? { resume: { lastSeq: this.lastSeq, ...(this.session ? { session: this.session } : {}) } } : {}),
      });
    };
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now();
      if (typeof ev.data !== 'string') return;
      let m: ServerMessage;
      try {
        m = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      this.dispatch(m);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.stopHeartbeat();
      const reconnect = !this.stopped && shouldReconnect(ev.code);
      this.emit('closed', { code: ev.code, reason: ev.reason, reconnect });
      if (reconnect) this.scheduleRetry();
      else this.finish();
    };
    ws.onerror = () => {
      // onclose follows and decides what to do
    };
  }

  private dispatch(m: ServerMessage): void {
    if ('seq' in m && typeof m.seq === 'number') this.lastSeq = Math.max(this.lastSeq ?? 0, m.seq);
    switch (m.type) {
      case 'welcome':
        this.lastSeq = m.seq;
        if (typeof m.session === 'string') this.session = m.session;
        this.attempt = 0;
        this.setState('open');
        this.startHeartbeat(m.heartbeatMs);
        this.emit('welcome', m);
        this.flushLikes();
        return;
      case 'chat_batch':
        // One frame per tick (issue 13): handed on as the `chat` events older code listens to.
        for (const c of Array.isArray(m.comments) ? m.comments : []) this.emit('chat', { type: 'chat', seq: m.seq, ...c });
        return;
      case 'chat':
      case 'chatDeleted':
      case 'likes':
      case 'viewers':
      case 'shelf':
      case 'present':
      case 'status':
      case 'comments':
      case 'muted':
      case 'replays':
      case 'notice':
      case 'error':
        (this.emit as (e: string, m: ServerMessage) => void)(m.type, m);
        return;
      default:
        return; // pong and messages of newer servers
    }
  }

  private startHeartbeat(ms: number): void {
    this.stopHeartbeat();
    const every = Math.max(5_000, Number(ms) || 25_000);
    this.heartbeat = setInterval(() => {
      // Nothing heard for two intervals (not even our ping's pong): the connection is dead without a close.
      if (Date.now() - this.lastHeard > every * 2 + 2_000) {
        const ws = this.ws;
        this.ws = undefined;
        this.stopHeartbeat();
        try {
          ws?.close(4000, 'heartbeat timeout');
        } catch {
          // already closing
        }
        this.emit('closed', { code: 4000, reason: 'heartbeat timeout', reconnect: true });
        this.scheduleRetry();
        return;
      }
      this.sendRaw({ type: 'ping' });
    }, every);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    const [first, cap] = this.opts.backoffMs ?? [500, 15_000];
    const base = Math.min(cap, first * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private retryNow(): void {
    clearTimeout(this.retryTimer);
    this.open();
  }

  private finish(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.likeTimer) clearInterval(this.likeTimer);
    this.likeTimer = undefined;
    if (typeof removeEventListener === 'function') removeEventListener('online', this.onOnline);
    this.setState('closed');
  }

  private sendRaw(m: ClientMessage): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return false;
    ws.send(JSON.stringify(m));
    return true;
  }

  /**
   * Change this viewer's chat name (a viewer token's `nick` wins): the channel reconnects at once with the new name,
   * resuming its session (no new entry is counted). The caller keeps it (e.g. localStorage) for the next visit.
   */
  setNick(nick: string): void {
    this.opts.nick = nick;
    const ws = this.ws;
    if (!ws || this.stopped) return;
    this.ws = undefined;
    this.stopHeartbeat();
    try {
      ws.close(1000, 'new nick');
    } catch {
      // already closing
    }
    this.attempt = 0;
    this.retryNow();
  }

  /** Send a comment. False when not connected or the text is empty / too long (the server checks too). */
  chat(text: string): boolean {
    const t = text.trim();
    if (!t || [...t].length > RealtimeLimits.chatMaxChars || this.stateNow !== 'open') return false;
    return this.sendRaw({ type: 'chat', text: t });
  }

  /** Count taps; they are sent merged once per tick (and kept while reconnecting). */
  like(taps = 1): void {
    this.pendingLikes = Math.min(this.pendingLikes + taps, RealtimeLimits.likeMaxBatch * 10);
  }

  private flushLikes(): void {
    while (this.pendingLikes > 0 && this.stateNow === 'open') {
      const n = Math.min(this.pendingLikes, RealtimeLimits.likeMaxBatch);
      if (!this.sendRaw({ type: 'like', count: n })) return;
      this.pendingLikes -= n;
    }
  }

  /** Close for good (idempotent). */
  close(): void {
    if (this.stopped && !this.ws) return;
    this.stopped = true;
    const ws = this.ws;
    this.ws = undefined;
    this.stopHeartbeat();
    try {
      ws?.close(1000, 'bye');
    } catch {
      // already closed
    }
    this.finish();
  }
}
