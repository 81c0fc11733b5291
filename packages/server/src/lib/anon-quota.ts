/**
 * Quotas on what anonymous viewers make the server store (issue 10, storage growth): goods taps, entries,
 * subscriptions. Per viewer and per client address per hour (token buckets), per app per day (a counter per UTC day).
 * In memory, per process: with several processes on one PostgreSQL each counts its own share.
 */
import { KeyedBuckets } from './keyed-buckets.js';

export type AnonWrite = 'goods_taps' | 'entries' | 'subscriptions';

export interface AnonQuotaLimits {
  /** per viewer (openid) and hour; 0: no limit */
  perViewerPerHour: number;
  /** per client address (IPv4, IPv6 /64) and hour; 0: no limit */
  perIpPerHour: number;
  /** per app and UTC day; 0: no limit */
  perAppPerDay: number;
}

/** Which limit refused a write. */
export type QuotaRefusal = 'viewer' | 'address' | 'app';

const DAY_MS = 86_400_000;

export class AnonQuota {
  private readonly viewers = new KeyedBuckets();
  private readonly ips = new KeyedBuckets();
  private readonly apps = new Map<string, { day: number; n: number }>();
  private takes = 0;

  constructor(
    private readonly limits: Record<AnonWrite, AnonQuotaLimits>,
    private readonly now: () => number,
  ) {}

  /** Count one write of `kind`; undefined when allowed, else the limit that refused it (nothing is counted then). */
  take(kind: AnonWrite, appid: string, who: { viewer?: string; ip?: string }): QuotaRefusal | undefined {
    const l = this.limits[kind];
    const now = this.now();
    if (++this.takes % 10_000 === 0) this.sweep(now);
    const vk = who.viewer && l.perViewerPerHour > 0 ? `${kind}\0${who.viewer}` : undefined;
    const ik = who.ip && l.perIpPerHour > 0 ? `${kind}\0${who.ip}` : undefined;
    if (vk && this.viewers.take(vk, 1, now, l.perViewerPerHour / 3600, l.perViewerPerHour) === 0) return 'viewer';
    if (ik && this.ips.take(ik, 1, now, l.perIpPerHour / 3600, l.perIpPerHour) === 0) {
      if (vk) this.viewers.give(vk, 1);
      return 'address';
    }
    if (l.perAppPerDay > 0) {
      const day = Math.floor(now / DAY_MS);
      const ak = `${kind}\0${appid}`;
      let a = this.apps.get(ak);
      if (!a || a.day !== day) this.apps.set(ak, (a = { day, n: 0 }));
      if (a.n >= l.perAppPerDay) {
        if (vk) this.viewers.give(vk, 1);
        if (ik) this.ips.give(ik, 1);
        return 'app';
      }
      a.n++;
    }
    return undefined;
  }

  private sweep(now: number): void {
    this.viewers.sweep(now);
    this.ips.sweep(now);
    const day = Math.floor(now / DAY_MS);
    for (const [k, a] of this.apps) if (a.day !== day) this.apps.delete(k);
  }
}
