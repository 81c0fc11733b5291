/**
 * Who is on the other end: the client address for per-IP limits. Without trusted proxies it is the socket's peer.
 * Behind a reverse proxy (TLS termination) every peer is the proxy: `ZHIBO_TRUST_PROXY` names the proxies (addresses
 * or CIDRs) whose `X-Forwarded-For` is believed; the client is then the right-most address in that header that is not
 * itself a trusted proxy (what nginx `real_ip_recursive on` and Express/Fastify `trustProxy` do).
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { ipKey } from '@zhibo/media';

/** The named ranges of proxy-addr (Express, Fastify): `loopback`, `linklocal`, `uniquelocal`. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Parse `ZHIBO_TRUST_PROXY`: comma-separated IPv4/IPv6 addresses, CIDRs or named ranges; throws with the bad entry. */
export function parseProxyList(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const named = NAMED[part.toLowerCase()];
    if (named) {
      out.push(...named);
      continue;
    }
    const [addr = '', bits, extra] = part.split('/');
    const v = isIP(addr);
    const n = bits === undefined ? (v === 6 ? 128 : 32) : Number(bits);
    if (!v || extra !== undefined || !Number.isInteger(n) || n < 0 || n > (v === 6 ? 128 : 32))
      throw new Error(`"${part}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`);
    out.push(`${addr}/${n}`);
  }
  return out;
}

const plain = (a: string): string => (a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a);

export class ClientIps {
  private readonly trusted: BlockList | undefined;

  /** `proxies`: CIDRs from parseProxyList (empty: trust no proxy). */
  constructor(proxies: readonly string[]) {
    if (!proxies.length) return;
    this.trusted = new BlockList();
    for (const p of proxies) {
      const [addr = '', bits = ''] = p.split('/');
      this.trusted.addSubnet(addr, Number(bits), isIP(addr) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** Is this peer a trusted proxy? (also Fastify's `trustProxy` function) */
  trusts = (address: string): boolean => {
    if (!this.trusted) return false;
    const a = plain(address);
    const v = isIP(a);
    return v !== 0 && this.trusted.check(a, v === 6 ? 'ipv6' : 'ipv4');
  };

  /** The client address of a raw request (WebSocket upgrades, hijacked replies). */
  of(req: IncomingMessage): string {
    const peer = plain(req.socket.remoteAddress ?? '');
    if (!this.trusts(peer)) return peer;
    const xff = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
      .split(',')
      .map((h) => plain(h.trim()))
      .filter((h) => isIP(h) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) if (!this.trusts(hops[i]!)) return hops[i]!;
    return hops[0] ?? peer;
  }

  /** The key per-IP limits count by: the IPv4 address, or the IPv6 /64 (one household or phone). */
  keyOf(req: IncomingMessage): string {
    return ipKey(this.of(req));
  }
}
