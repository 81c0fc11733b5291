/**
 * Where outgoing requests may go (issue 10, SSRF): never to loopback, private, link-local (cloud metadata), CGNAT,
 * multicast, documentation or reserved addresses — judged on the addresses DNS gives, and the request then connects
 * to the address that was checked (no second lookup, so no DNS rebinding). ZHIBO_OUTBOUND_ALLOW names hosts and CIDRs
 * that may be reached all the same (tests, private deployments).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Ranges no webhook or push endpoint may resolve to (IPv4, and IPv6 including v4-mapped / NAT64 / 6to4 forms). */
const BLOCKED_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const BLOCKED_V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const blocked = new BlockList();
const kinds: Array<{ list: BlockList; kind: string }> = [];
for (const [net, bits, kind] of BLOCKED_V4) {
  blocked.addSubnet(net, bits, 'ipv4');
  const one = new BlockList();
  one.addSubnet(net, bits, 'ipv4');
  kinds.push({ list: one, kind });
}
for (const [net, bits, kind] of BLOCKED_V6) {
  blocked.addSubnet(net, bits, 'ipv6');
  const one = new BlockList();
  one.addSubnet(net, bits, 'ipv6');
  kinds.push({ list: one, kind });
}

/** The IPv4 address an IPv6 one carries (v4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
export function embeddedV4(v6: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v6);
  if (mapped) return mapped[1];
  const words = expandV6(v6);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return undefined;
}

function expandV6(a: string): number[] | undefined {
  let s = a.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const p = dotted[1]!.split('.').map(Number);
    s = `${s.slice(0, -dotted[1]!.length)}${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = s.includes('::') ? 8 - h.length - t.length : 0;
  const all = [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...t];
  if (all.length !== 8) return undefined;
  return all.map((x) => parseInt(x, 16));
}

/** Why an address may not be reached ('' when it may). */
export function blockedKind(address: string): string {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedV4(address);
    if (v4) return blockedKind(v4);
    if (!blocked.check(address, 'ipv6')) return '';
    return kinds.find((k) => k.list.check(address, 'ipv6'))?.kind ?? 'reserved';
  }
  if (!blocked.check(address, 'ipv4')) return '';
  return kinds.find((k) => k.list.check(address, 'ipv4'))?.kind ?? 'reserved';
}

export type Resolved = { ok: true; address: string; family: 4 | 6 } | { ok: false; error: string };

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export class AddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly allowed = new BlockList();
  private hasNets = false;

  /** `allow`: host names and CIDRs (`127.0.0.1/32`, `fd00::/8`; a bare IP is one address). */
  constructor(
    allow: readonly string[] = [],
    private readonly resolver: Resolver = systemResolver,
  ) {
    for (const e of allow) {
      const [addr, bits] = e.split('/');
      const fam = isIP(addr!);
      if (fam === 0) {
        this.hosts.add(e.toLowerCase());
        continue;
      }
      this.allowed.addSubnet(addr!, bits === undefined ? (fam === 4 ? 32 : 128) : Number(bits), fam === 4 ? 'ipv4' : 'ipv6');
      this.hasNets = true;
    }
  }

  private allowedAddress(a: string): boolean {
    if (!this.hasNets) return false;
    const fam = isIP(a);
    if (fam === 6) {
      const v4 = embeddedV4(a);
      if (v4 && this.allowed.check(v4, 'ipv4')) return true;
    }
    return this.allowed.check(a, fam === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * Resolve `host` and pick an address to connect to: every address DNS gives must be allowed (one private answer
   * among public ones refuses the host: an attacker's DNS may mix them).
   */
  async resolve(host: string): Promise<Resolved> {
    const name = host.replace(/^\[|\]$/g, '').toLowerCase();
    let addrs: Array<{ address: string; family: number }>;
    if (isIP(name)) addrs = [{ address: name, family: isIP(name) }];
    else {
      try {
        addrs = await this.resolver(name);
      } catch (e) {
        return { ok: false, error: `cannot resolve ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
      }
    }
    if (!addrs.length) return { ok: false, error: `cannot resolve ${name}: no address` };
    if (!this.hosts.has(name)) {
      for (const a of addrs) {
        const kind = blockedKind(a.address);
        if (kind && !this.allowedAddress(a.address))
          return {
            ok: false,
            error: `refused: ${name} resolves to ${a.address}, a ${kind} address (outgoing requests only go to public addresses unless ZHIBO_OUTBOUND_ALLOW lists it)`,
          };
      }
    }
    const first = addrs[0]!;
    return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
  }
}
