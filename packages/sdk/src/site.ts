/**
 * The site channel (`/ws/site?appid=APPID`, docs/realtime.md): a viewer anywhere on the merchant's site gets in-page
 * go-live reminders for rooms they subscribed to, and every status change of the app's rooms (so lists and subscribe
 * buttons follow within a second). Reconnects with backoff like the room channel; 3500–3999 are terminal.
 */
import {
  RealtimeRoutes,
  REALTIME_VERSION,
  shouldReconnect,
  type ReminderMsg,
  type ServerMessage,
  type SiteStatusMsg,
  type SiteWelcomeMsg,
} from '@zhibo/protocol';
import { Emitter } from '@zhibo/protocol';
import type { ChannelState } from './realtime.js';

export interface SiteChannelEvents {
  state: [ChannelState];
  welcome: [SiteWelcomeMsg];
  reminder: [ReminderMsg];
  status: [SiteStatusMsg];
  closed: [{ code: number; reason: string; reconnect: boolean }];
}

export interface SiteChannelOptions {
  server: string;
  appid: string;
  sdkVersion: string;
  deviceId?: string;
  viewerToken?: string;
  WebSocket?: typeof WebSocket;
  /** first retry delay and cap (ms) */
  backoffMs?: [number, number];
}

export function siteSocketUrl(server: string, appid: string): string {
  const u = new URL(RealtimeRoutes.site, `${server.replace(/\/+$/, '')}/`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('appid', appid);
  return u.toString();
}

export class SiteChannel extends Emitter<SiteChannelEvents> {
  private ws: WebSocket | undefined;
  private stateNow: ChannelState = 'closed';
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  constructor(readonly opts: SiteChannelOptions) {
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

  /** Open (idempotent while open or reconnecting). */
  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const WS = this.opts.WebSocket ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new WS(siteSocketUrl(this.opts.server, this.opts.appid));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(
        JSON.stringify({
          type: 'hello',
          v: REALTIME_VERSION,
          sdkVersion: this.opts.sdkVersion,
          ...(this.opts.viewerToken ? { viewerToken: this.opts.viewerToken } : { deviceId: this.opts.deviceId }),
        }),
      );
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let m: ServerMessage;
      try {
        m = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      if (m.type === 'siteWelcome') {
        this.attempt = 0;
        this.setState('open');
        this.emit('welcome', m);
      } else if (m.type === 'reminder') this.emit('reminder', m);
      else if (m.type === 'siteStatus') this.emit('status', m);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      const reconnect = !this.stopped && shouldReconnect(ev.code);
      this.emit('closed', { code: ev.code, reason: ev.reason, reconnect });
      if (reconnect) this.scheduleRetry();
      else this.finish();
    };
    ws.onerror = () => {
      // onclose follows
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    const [first, cap] = this.opts.backoffMs ?? [500, 15_000];
    const base = Math.min(cap, first * 2 ** this.attempt);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), base / 2 + Math.random() * (base / 2));
  }

  private finish(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.setState('closed');
  }

  /** Close for good (idempotent). */
  close(): void {
    const ws = this.ws;
    this.ws = undefined;
    this.stopped = true;
    try {
      ws?.close(1000, 'bye');
    } catch {
      // already closed
    }
    this.finish();
  }
}
