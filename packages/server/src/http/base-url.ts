/**
 * The public address links use (docs/configuration.md, "Links and the public address"):
 *
 * 1. `ZHIBO_PUBLIC_URL` (and `ZHIBO_RTMP_PUBLIC_URL`) when set: every link, whoever asks.
 * 2. Else, for a link handed to the sender of a request: the address that request came in by (its Host header, or
 *    `X-Forwarded-Proto`/`X-Forwarded-Host` when it came through a proxy listed in `ZHIBO_TRUST_PROXY`), unless that
 *    address is a loopback one (127.x, localhost, ::1): a phone can not open those.
 * 3. Else the listen address: the bound host and port, with 0.0.0.0/:: replaced by this machine's LAN address (what a
 *    phone on the same network can open), or 127.0.0.1 when the machine has none.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyRequest } from 'fastify';

export type AddressSource = 'ZHIBO_PUBLIC_URL' | 'request' | 'listen';

export interface PublicAddressInfo {
  http: string;
  rtmp: string;
  /** where `http` comes from */
  source: AddressSource;
  /** true when the links only work on this machine (127.0.0.1 and friends) */
  loopbackOnly: boolean;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[?::1\]?|\[?::ffff:127(?:\.\d{1,3}){3}\]?)$/i;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** a Host header we are willing to put into links: a DNS name or an IP literal, with an optional port */
const HOST_HEADER = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]{2,45}\\])(?::\\d{1,5})?$`);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** The hostname of `http://host:port` (IPv6 with its brackets). */
export function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** This machine's address on its network: the first non-internal IPv4 address, private ranges first. */
export function lanAddress(interfaces = networkInterfaces()): string | undefined {
  const v4 = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'))
    .map((a) => a.address);
  const isPrivate = (a: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a);
  return v4.find(isPrivate) ?? v4[0];
}

/** The host to put into links for a listen host: 0.0.0.0 / :: become the LAN address (or 127.0.0.1). */
export function linkHost(listenHost: string, lan: string | undefined = lanAddress()): string {
  if (listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '') return lan ?? '127.0.0.1';
  return isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost;
}

export class PublicAddress {
  private bound = { http: '', rtmp: '', rtmpPort: 0, rtmpAllInterfaces: false, rtmpListenHost: '' };

  constructor(
    /** ZHIBO_PUBLIC_URL / ZHIBO_RTMP_PUBLIC_URL as configured ('' = unset) */
    private readonly configured: { http: string; rtmp: string },
  ) {}

  /** The listen URLs once the ports are bound (app/zhibo.ts "public URLs" component). */
  setBound(http: string, rtmp: string, rtmpPort: number, rtmpListenHost: string): void {
    this.bound = { http, rtmp, rtmpPort, rtmpAllInterfaces: rtmpListenHost === '0.0.0.0' || rtmpListenHost === '::', rtmpListenHost };
  }

  /** The address `req` came in by, when it is one a link may carry (valid Host, not loopback). */
  private fromRequest(req: FastifyRequest | undefined): { base: string; hostname: string } | undefined {
    if (!req) return undefined;
    const host = req.host;
    if (typeof host !== 'string' || !HOST_HEADER.test(host)) return undefined;
    const hostname = req.hostname;
    if (isLoopbackHost(hostname.replace(/^\[|\]$/g, ''))) return undefined;
    const proto = req.protocol === 'https' ? 'https' : 'http';
    return { base: `${proto}://${host}`, hostname };
  }

  /** The HTTP base for links handed to the sender of `req` (or to nobody in particular). */
  http(req?: FastifyRequest): string {
    if (this.configured.http) return this.configured.http;
    return this.fromRequest(req)?.base ?? this.bound.http;
  }

  /** The RTMP base (`rtmp://HOST:PORT/live`) for push URLs handed to the sender of `req`. */
  rtmp(req?: FastifyRequest): string {
    if (this.configured.rtmp) return this.configured.rtmp;
    const r = this.configured.http ? undefined : this.fromRequest(req);
    // The request's host reaches the RTMP listener when it listens on every interface, or on the very address the
    // request came in at without a proxy in between (the name the client used resolves to that address).
    if (r && (this.bound.rtmpAllInterfaces || this.cameDirectlyTo(req!, this.bound.rtmpListenHost)))
      return `rtmp://${r.hostname}:${this.bound.rtmpPort}/live`;
    return this.bound.rtmp;
  }

  /** `req` reached this server's `address` itself: its Host header names it (no trusted X-Forwarded-Host) and the socket's local end is that address. */
  private cameDirectlyTo(req: FastifyRequest, address: string): boolean {
    const local = (req.socket.localAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    return !!address && local === address && req.host === req.headers.host;
  }

  describe(req?: FastifyRequest): PublicAddressInfo {
    const source: AddressSource = this.configured.http ? 'ZHIBO_PUBLIC_URL' : this.fromRequest(req) ? 'request' : 'listen';
    const http = this.http(req);
    return { http, rtmp: this.rtmp(req), source, loopbackOnly: isLoopbackHost(hostnameOf(http).replace(/^\[|\]$/g, '')) };
  }
}

/** A stored image URL as a link: paths of this server's images (`/img/ID`) get the base, anything else is kept. */
export function absoluteUrl(url: string, base: string): string {
  return url.startsWith('/') && !url.startsWith('//') ? `${base}${url}` : url;
}
