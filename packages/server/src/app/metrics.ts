/**
 * The metrics component (issue 16): one prom-client registry per server (no global), built from the catalog
 * (metrics-catalog.ts). Counters of events are fed as they happen (HTTP requests, database statements, timer and
 * reminder measurements on the domain bus); gauges and the counters modules keep themselves are read at scrape time
 * through small explicit sources (MetricSources) — modules own their numbers, this file only names them.
 */
import { hostname } from 'node:os';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type MediaStatsSnapshot, VIEWER_PROTOCOLS } from '@zhibo/media';
import { SDK_VERSION } from '@zhibo/protocol';
import type { DomainBus } from '../lib/domain-events.js';
import type { RequestDone } from '../http/request-log.js';
import { METRICS, type MetricKey } from './metrics-catalog.js';

/** Where scrape-time numbers come from (each a module service or the media plane). */
export interface MetricSources {
  events: DomainBus;
  rooms: { statusCounts(): Map<number, number> };
  media: { statsSnapshot(): MediaStatsSnapshot };
  realtime: { counts(): { connections: number; rooms: number }; totals(): { comments: number; likes: number } };
  quota: { snapshot(): Array<{ appid: string; used: number; limit: number }> };
  outbox: { depth(): Promise<Array<{ kind: string; state: string; n: number }>> };
  db: { pool(): { total: number; idle: number; waiting: number } };
}

type Labels = Record<string, string | number>;
type Collect = () => void | Promise<void>;

export class Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<MetricKey, Counter>();
  private readonly gauges = new Map<MetricKey, Gauge>();
  private readonly histograms = new Map<MetricKey, Histogram>();
  private readonly collectors = new Map<MetricKey, Collect>();
  private readonly offs: Array<() => void> = [];
  /** requests and WeChat calls by label set, counted in plain maps on the hot path, exported at scrape time */
  private readonly requests = new Map<string, { labels: Labels; n: number }>();
  private readonly wxCalls = new Map<string, { labels: Labels; n: number }>();

  constructor(dbKind: string) {
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const d = METRICS[key];
      const base = { name: d.name, help: d.help, labelNames: [...d.labels], registers: [this.registry] };
      const collectors = this.collectors;
      const collect = async () => collectors.get(key)?.();
      if (d.type === 'counter') this.counters.set(key, new Counter({ ...base, collect }));
      else if (d.type === 'gauge') this.gauges.set(key, new Gauge({ ...base, collect }));
      else this.histograms.set(key, new Histogram({ ...base, buckets: d.buckets }));
    }
    collectDefaultMetrics({ register: this.registry });
    this.counterFrom('httpRequests', () => [...this.requests.values()].map((r) => [r.labels, r.n]));
    this.counterFrom('wxCalls', () => [...this.wxCalls.values()].map((r) => [r.labels, r.n]));
    this.gauge('info').set({ node: `${hostname()}:${process.pid}`, db: dbKind, sdk: SDK_VERSION }, 1);
  }

  private counter(k: MetricKey): Counter {
    return this.counters.get(k)!;
  }

  private gauge(k: MetricKey): Gauge {
    return this.gauges.get(k)!;
  }

  private histogram(k: MetricKey): Histogram {
    return this.histograms.get(k)!;
  }

  /** Set a gauge's series from scratch at each scrape (series that vanished — a room that ended — are gone). */
  private gaugeFrom(k: MetricKey, read: () => Array<[Labels, number]> | Promise<Array<[Labels, number]>>): void {
    const g = this.gauge(k);
    this.collectors.set(k, async () => {
      const rows = await read();
      g.reset();
      for (const [labels, v] of rows) g.set(labels, v);
    });
  }

  /** A counter whose total a module keeps (monotonic within the process): exported as that total. */
  private counterFrom(k: MetricKey, read: () => Array<[Labels, number]>): void {
    const c = this.counter(k);
    this.collectors.set(k, () => {
      c.reset();
      for (const [labels, v] of read()) c.inc(labels, v);
    });
  }

  /** An HTTP request was answered (http/request-log.ts). */
  observeRequest(r: RequestDone): void {
    const key = `${r.transport} ${r.method} ${r.route} ${r.status}`;
    const seen = this.requests.get(key);
    if (seen) seen.n++;
    else this.requests.set(key, { labels: { transport: r.transport, method: r.method, route: r.route, status: r.status }, n: 1 });
    this.histogram('httpSeconds').observe({ transport: r.transport }, r.seconds);
    if (r.transport !== 'wx') return;
    const errcode = r.errcode ?? (r.status === 200 ? 0 : -1);
    const wkey = `${r.app ?? ''} ${r.route} ${errcode}`;
    const w = this.wxCalls.get(wkey);
    if (w) w.n++;
    else this.wxCalls.set(wkey, { labels: { app: r.app ?? '', api: r.route, errcode }, n: 1 });
  }

  /** A database statement or transaction ended (db/instrument.ts). */
  readonly observeDb = (op: 'query' | 'exec' | 'tx', seconds: number, ok: boolean): void => {
    this.histogram('dbSeconds').observe({ op }, seconds);
    if (!ok) this.counter('dbErrors').inc({ op });
  };

  /** Wire the scrape-time sources and the measurements on the domain bus. */
  bind(s: MetricSources): void {
    this.gaugeFrom('rooms', () => [...s.rooms.statusCounts()].map(([status, n]) => [{ status }, n]));
    // One media snapshot serves every media series of a scrape.
    let media: { at: number; snap: MediaStatsSnapshot } | undefined;
    const snap = () => {
      const now = performance.now();
      if (!media || now - media.at > 500) media = { at: now, snap: s.media.statsSnapshot() };
      return media.snap;
    };
    this.gaugeFrom('publishers', () => {
      const by = new Map<string, number>([
        ['rtmp', 0],
        ['whip', 0],
      ]);
      for (const p of snap().publishers) by.set(p.protocol, (by.get(p.protocol) ?? 0) + 1);
      return [...by].map(([protocol, n]) => [{ protocol }, n]);
    });
    this.gaugeFrom('viewers', () => snap().viewers.map((v) => [{ protocol: v.protocol, room: v.streamId }, v.count]));
    this.gaugeFrom('gopCache', () => snap().publishers.map((p) => [{ room: p.streamId }, p.gopBytes]));
    this.counterFrom('bytesOut', () => VIEWER_PROTOCOLS.map((protocol) => [{ protocol }, snap().bytesOut[protocol]]));
    this.counterFrom('skippedFrames', () => [[{}, snap().skippedTags]]);
    this.counterFrom('droppedViewers', () => [[{}, snap().droppedViewers]]);
    this.gaugeFrom('realtimeConnections', () => [[{}, s.realtime.counts().connections]]);
    this.gaugeFrom('realtimeRooms', () => [[{}, s.realtime.counts().rooms]]);
    this.counterFrom('comments', () => [[{}, s.realtime.totals().comments]]);
    this.counterFrom('likes', () => [[{}, s.realtime.totals().likes]]);
    this.gaugeFrom('quotaUsed', () => s.quota.snapshot().map((q) => [{ app: q.appid }, q.used]));
    this.gaugeFrom('quotaLimit', () => s.quota.snapshot().map((q) => [{ app: q.appid }, q.limit]));
    this.gaugeFrom('outbox', async () => (await s.outbox.depth()).map((r) => [{ kind: r.kind, state: r.state }, r.n]));
    this.gaugeFrom('dbConnections', () => {
      const p = s.db.pool();
      return [
        [{ state: 'open' }, p.total],
        [{ state: 'idle' }, p.idle],
        [{ state: 'waiting' }, p.waiting],
      ];
    });
    this.offs.push(
      s.events.on('timerFired', (e) => this.histogram('timerLag').observe({ kind: e.kind }, e.lagMs / 1000)),
      s.events.on('reminderDelivered', (e) => {
        this.counter('deliveries').inc({ channel: e.channel, state: e.state });
        this.histogram('deliveryLatency').observe({ channel: e.channel }, e.latencyMs / 1000);
      }),
    );
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.registry.clear();
  }
}
