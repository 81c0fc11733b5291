/**
 * Limits per viewer and per address, not per connection (issue 10: 30 sockets sent 150 comments in 1.5 s; a new
 * device id escaped a mute). Per room: chat and like buckets keyed by openid and by client address (IPv4, IPv6 /64),
 * and the addresses a mute also covers for new anonymous device ids (docs/realtime.md "Limits per viewer and address").
 */
import { KeyedBuckets } from '../../lib/keyed-buckets.js';
import type { RealtimeOptions } from './options.js';

/** An address a mute covers: new anonymous device ids from it are muted too, until `until`. */
export interface MutedAddress {
  /** the muted openid whose address this is */
  by: string;
  at: number;
  until: number;
  /** openids that were already in the room from this address (never muted by it) */
  exempt: Set<string>;
}

export class RoomLimits {
  private readonly chatByViewer = new KeyedBuckets();
  private readonly chatByIp = new KeyedBuckets();
  private readonly likesByViewer = new KeyedBuckets();
  private readonly likesByIp = new KeyedBuckets();
  readonly mutedIps = new Map<string, MutedAddress>();

  /** One chat message of this viewer from this address: allowed? (both buckets must have a token) */
  chat(openid: string, ip: string, now: number, o: RealtimeOptions): boolean {
    if (this.chatByViewer.take(openid, 1, now, (o.chatBurst * 1000) / o.chatWindowMs, o.chatBurst) === 0) return false;
    if (o.chatPerIp > 0 && this.chatByIp.take(ip, 1, now, (o.chatPerIp * 1000) / o.chatWindowMs, o.chatPerIp) === 0) {
      this.chatByViewer.give(openid, 1);
      return false;
    }
    return true;
  }

  /** How many of `count` like taps count (the rest are dropped silently). */
  likes(openid: string, ip: string, count: number, now: number, o: RealtimeOptions, maxBatch: number): number {
    const n = this.likesByViewer.take(openid, count, now, o.likesPerSec, Math.max(maxBatch, o.likesPerSec));
    if (n === 0 || o.likesPerSecPerIp <= 0) return n;
    const m = this.likesByIp.take(ip, n, now, o.likesPerSecPerIp, Math.max(maxBatch, o.likesPerSecPerIp));
    if (m < n) this.likesByViewer.give(openid, n - m);
    return m;
  }

  /** A mute of `by` covers its address `ip` for `ttlMs`; `present` are the openids in the room from that address now. */
  muteAddress(ip: string, by: string, present: Iterable<string>, now: number, ttlMs: number): void {
    if (ttlMs <= 0 || !ip) return;
    const prev = this.mutedIps.get(ip);
    const exempt = new Set(prev?.exempt);
    for (const o of present) if (o !== by) exempt.add(o);
    this.mutedIps.set(ip, { by, at: prev?.at ?? now, until: now + ttlMs, exempt });
  }

  /** The mute covering new device ids from `ip`, if any (expired ones are dropped). */
  mutedAddress(ip: string, now: number): MutedAddress | undefined {
    const m = this.mutedIps.get(ip);
    if (m && m.until <= now) {
      this.mutedIps.delete(ip);
      return undefined;
    }
    return m;
  }

  /** Unmuting `by` lifts the address mutes it caused. */
  unmuteAddresses(by: string): void {
    for (const [ip, m] of this.mutedIps) if (m.by === by) this.mutedIps.delete(ip);
  }

  sweep(now: number): void {
    this.chatByViewer.sweep(now);
    this.chatByIp.sweep(now);
    this.likesByViewer.sweep(now);
    this.likesByIp.sweep(now);
    for (const [ip, m] of this.mutedIps) if (m.until <= now) this.mutedIps.delete(ip);
  }

  /** Buckets held (tests: memory stays bounded by active viewers). */
  get size(): number {
    return this.chatByViewer.size + this.chatByIp.size + this.likesByViewer.size + this.likesByIp.size;
  }
}
