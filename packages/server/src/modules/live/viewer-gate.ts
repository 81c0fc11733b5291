/**
 * Who a video viewer is, and how many connections they may hold (issue 10: 300 raw .flv requests counted as 300
 * viewers). A player that sends its device id (`?device=` or the `x-zhibo-device` header — the room page does) is
 * keyed by it; anything else by its address. Per stream: one device id holds at most `perDevice` connections (a new
 * one closes its oldest — a reconnecting player is never locked out), one address at most `perIp` whatever the device
 * ids it claims (more are refused with 429). Counting by key is the media plane's (viewerCount = distinct keys).
 */
import { ViewerHeaders } from '@zhibo/protocol';

export interface ViewerLimits {
  /** connections per device id and stream (0: no cap) */
  perDevice: number;
  /** connections per client address (IPv4, IPv6 /64) and stream, whatever the device ids (0: no cap) */
  perIp: number;
}

export interface ViewerTicket {
  viewerKey: string;
  /** the per-key cap for the media plane */
  maxPerKey: number;
  /** call once when the connection ends */
  release: () => void;
}

const DEVICE_RE = /^[A-Za-z0-9_-]{8,64}$/;

/** The device id a player sent with its media request, if it is well formed. */
export function deviceOf(url: string | undefined, headers: Record<string, string | string[] | undefined>): string | undefined {
  const h = headers[ViewerHeaders.deviceId];
  if (typeof h === 'string' && DEVICE_RE.test(h)) return h;
  const i = url?.indexOf('?') ?? -1;
  if (i < 0) return undefined;
  const d = new URLSearchParams(url!.slice(i + 1)).get('device');
  return d && DEVICE_RE.test(d) ? d : undefined;
}

export class ViewerGate {
  private readonly perIp = new Map<string, number>();

  constructor(private readonly limits: ViewerLimits) {}

  /** A ticket for one viewer connection, or undefined when its address already holds `perIp` connections of the stream. */
  admit(streamId: string, ipKey: string, device: string | undefined): ViewerTicket | undefined {
    const k = `${streamId}\0${ipKey}`;
    const n = this.perIp.get(k) ?? 0;
    if (this.limits.perIp > 0 && n >= this.limits.perIp) return undefined;
    this.perIp.set(k, n + 1);
    let done = false;
    return {
      viewerKey: device ? `d:${device}` : `ip:${ipKey}`,
      maxPerKey: device ? this.limits.perDevice : this.limits.perIp,
      release: () => {
        if (done) return;
        done = true;
        const left = (this.perIp.get(k) ?? 1) - 1;
        if (left > 0) this.perIp.set(k, left);
        else this.perIp.delete(k);
      },
    };
  }

  /** Connections of one address to one stream (tests, diagnostics). */
  connectionsFrom(streamId: string, ipKey: string): number {
    return this.perIp.get(`${streamId}\0${ipKey}`) ?? 0;
  }
}
