/**
 * Connection admission: who gets an RTMP slot. Unauthenticated connections (not publishing, not being
 * authorised) are cheap to open and prove nothing, so they are the ones that give way:
 *
 * - per address (IPv4, or the IPv6 /64): at most maxUnauthenticatedPerIp unauthenticated connections
 *   and maxConnectionsPerIp in all;
 * - globally: at most maxConnections.
 *
 * A new connection over a limit evicts the least advanced, then oldest, unauthenticated connection in
 * that scope (handshake not done < no connect yet < connected, waiting to publish). Publishers and
 * connections being authorised are never evicted; when a scope holds only those, the new connection
 * is refused. So a publisher with a valid key always gets a slot unless every slot is publishing.
 */
import { isIPv6 } from 'node:net';

export interface AdmissionLimits {
  /** Most connections in all. */
  maxConnections: number;
  /** Most connections per address (0 = no limit). */
  maxConnectionsPerIp: number;
  /** Most unauthenticated connections per address (0 = no limit). */
  maxUnauthenticatedPerIp: number;
}

export interface Admittable {
  readonly unauthenticated: boolean;
  /** 0 handshake, 1 handshake done, 2 connected; higher = further along. */
  readonly progress: number;
}

export type AdmitDecision<T> = { kind: 'ok' } | { kind: 'evict'; victim: T; rule: string } | { kind: 'refuse'; rule: string };

/** The key per-address limits count by: an IPv4 address (also IPv4-mapped IPv6), or an IPv6 /64 prefix. */
export function ipKey(address: string | undefined): string {
  if (!address) return '?';
  const a = (address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address).replace(/%.*$/, '');
  if (!isIPv6(a)) return a;
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : [];
  const groups = a.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

export class Admission<T extends Admittable> {
  private readonly all = new Set<T>();
  private readonly byIp = new Map<string, Set<T>>();

  constructor(readonly limits: AdmissionLimits) {}

  get size(): number {
    return this.all.size;
  }

  get unauthenticatedCount(): number {
    let n = 0;
    for (const s of this.all) if (s.unauthenticated) n++;
    return n;
  }

  /** Connections from one address key. */
  countFor(key: string): number {
    return this.byIp.get(key)?.size ?? 0;
  }

  /**
   * What admitting one more connection from `key` needs. The caller closes an `evict` victim (which
   * must call remove()) and asks again until `ok` or `refuse`.
   */
  check(key: string): AdmitDecision<T> {
    const { maxConnections, maxConnectionsPerIp, maxUnauthenticatedPerIp } = this.limits;
    const mine = this.byIp.get(key);
    if (mine && maxUnauthenticatedPerIp > 0) {
      let n = 0;
      for (const s of mine) if (s.unauthenticated) n++;
      if (n >= maxUnauthenticatedPerIp) return this.evictFrom(mine, `${maxUnauthenticatedPerIp} unauthenticated connections from ${key}`);
    }
    if (mine && maxConnectionsPerIp > 0 && mine.size >= maxConnectionsPerIp)
      return this.evictFrom(mine, `${maxConnectionsPerIp} connections from ${key}`);
    if (this.all.size >= maxConnections) return this.evictFrom(this.all, `${maxConnections} connections in all`);
    return { kind: 'ok' };
  }

  add(key: string, s: T): void {
    this.all.add(s);
    let set = this.byIp.get(key);
    if (!set) this.byIp.set(key, (set = new Set()));
    set.add(s);
  }

  remove(key: string, s: T): void {
    this.all.delete(s);
    const set = this.byIp.get(key);
    if (set?.delete(s) && set.size === 0) this.byIp.delete(key);
  }

  /** The least advanced, then oldest (sets keep insertion order), unauthenticated connection of a scope. */
  private evictFrom(scope: Set<T>, rule: string): AdmitDecision<T> {
    let victim: T | null = null;
    for (const s of scope) {
      if (!s.unauthenticated) continue;
      if (!victim || s.progress < victim.progress) victim = s;
      if (victim.progress === 0) break;
    }
    return victim ? { kind: 'evict', victim, rule } : { kind: 'refuse', rule };
  }
}
