import { describe, expect, it } from 'vitest';
import { Admission, ipKey, type Admittable } from './admission.js';

class Conn implements Admittable {
  constructor(
    readonly name: string,
    public progress = 0,
    public unauthenticated = true,
  ) {}
}

describe('ipKey', () => {
  it('ipKey keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(ipKey('203.0.113.7')).toBe('203.0.113.7');
    expect(ipKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:0db8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(ipKey(undefined)).toBe('?');
  });
});

describe('Admission', () => {
  it('check evicts the least advanced, then oldest, unauthenticated connection of the address over its limit', () => {
    const a = new Admission<Conn>({ maxConnections: 100, maxConnectionsPerIp: 0, maxUnauthenticatedPerIp: 3 });
    const connected = new Conn('connected', 2);
    const hs1 = new Conn('hs1', 0);
    const hs2 = new Conn('hs2', 0);
    for (const c of [connected, hs1, hs2]) a.add('1.1.1.1', c);
    a.add('2.2.2.2', new Conn('elsewhere'));
    expect(a.check('2.2.2.2')).toEqual({ kind: 'ok' });
    const d = a.check('1.1.1.1');
    expect(d).toMatchObject({ kind: 'evict', rule: '3 unauthenticated connections from 1.1.1.1' });
    expect(d.kind === 'evict' && d.victim).toBe(hs1);
    a.remove('1.1.1.1', hs1);
    expect(a.check('1.1.1.1')).toEqual({ kind: 'ok' });
  });

  it('check never evicts publishers: an address or a server holding only publishers refuses', () => {
    const a = new Admission<Conn>({ maxConnections: 3, maxConnectionsPerIp: 2, maxUnauthenticatedPerIp: 16 });
    a.add('1.1.1.1', new Conn('p1', 3, false));
    a.add('1.1.1.1', new Conn('p2', 3, false));
    expect(a.check('1.1.1.1')).toEqual({ kind: 'refuse', rule: '2 connections from 1.1.1.1' });
    a.add('2.2.2.2', new Conn('p3', 3, false));
    expect(a.check('3.3.3.3')).toEqual({ kind: 'refuse', rule: '3 connections in all' });
    expect(a.size).toBe(3);
    expect(a.unauthenticatedCount).toBe(0);
  });

  it('check at the global limit picks the least advanced connection of any address', () => {
    const a = new Admission<Conn>({ maxConnections: 3, maxConnectionsPerIp: 0, maxUnauthenticatedPerIp: 0 });
    const old = new Conn('old-connected', 2);
    const young = new Conn('young-handshake', 0);
    a.add('1.1.1.1', old);
    a.add('2.2.2.2', new Conn('publisher', 3, false));
    a.add('3.3.3.3', young);
    const d = a.check('4.4.4.4');
    expect(d.kind === 'evict' && d.victim).toBe(young);
    a.remove('3.3.3.3', young);
    expect(a.countFor('3.3.3.3')).toBe(0);
  });
});
