/**
 * Every metric zhibo exports, declared once: name, type, labels, meaning. app/metrics.ts builds the Prometheus
 * series from this table and docs/operations.md's metrics table is generated from it (app/docs.ts).
 * Label values are bounded: apps, route templates, statuses, protocols, errcodes; a room only while it is published;
 * never a viewer.
 */

export interface MetricDef {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  labels: readonly string[];
  help: string;
  buckets?: number[];
}

const def = (d: MetricDef): MetricDef => d;

export const METRICS = {
  info: def({
    name: 'zhibo_info',
    type: 'gauge',
    labels: ['node', 'db', 'sdk'],
    help: 'Always 1; `node` is this process (host:pid), so a cluster of processes on one PostgreSQL is told apart per node.',
  }),
  httpRequests: def({
    name: 'zhibo_http_requests_total',
    type: 'counter',
    labels: ['transport', 'method', 'route', 'status'],
    help: 'HTTP requests answered, by transport (wx, plugin, admin, console, web), route template and status code.',
  }),
  httpSeconds: def({
    name: 'zhibo_http_request_duration_seconds',
    type: 'histogram',
    labels: ['transport'],
    help: 'Time to answer an HTTP request (HTTP-FLV streams are not answers; LL-HLS blocking reloads wait for their part).',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  wxCalls: def({
    name: 'zhibo_wechat_api_calls_total',
    type: 'counter',
    labels: ['app', 'api', 'errcode'],
    help: 'WeChat-compatible API calls by app (empty before authentication), API path and the errcode answered (0 = ok).',
  }),
  quotaUsed: def({
    name: 'zhibo_api_quota_used',
    type: 'gauge',
    labels: ['app'],
    help: 'getliveinfo + get_replay calls counted today (Asia/Shanghai day) for apps that called since this process started.',
  }),
  quotaLimit: def({ name: 'zhibo_api_quota_limit', type: 'gauge', labels: ['app'], help: 'The daily quota of those apps.' }),
  rooms: def({
    name: 'zhibo_rooms',
    type: 'gauge',
    labels: ['status'],
    help: 'Rooms by live_status (101 live, 102 not started, … 107 expired); deleted rooms not counted.',
  }),
  publishers: def({
    name: 'zhibo_publishers',
    type: 'gauge',
    labels: ['protocol'],
    help: 'Streams being published, by ingest protocol (rtmp, whip).',
  }),
  viewers: def({
    name: 'zhibo_viewers',
    type: 'gauge',
    labels: ['protocol', 'room'],
    help: 'Viewers of rooms being published, by protocol: flv and ws-flv connections; hls clients (addresses) that fetched in the last 10 s.',
  }),
  bytesOut: def({
    name: 'zhibo_media_bytes_out_total',
    type: 'counter',
    labels: ['protocol'],
    help: 'Media bytes handed to viewers, by protocol (flv, ws-flv, hls).',
  }),
  gopCache: def({
    name: 'zhibo_gop_cache_bytes',
    type: 'gauge',
    labels: ['room'],
    help: 'Bytes in the GOP cache (tags since the last keyframe) of each room being published.',
  }),
  skippedFrames: def({
    name: 'zhibo_viewer_skipped_frames_total',
    type: 'counter',
    labels: [],
    help: 'Media frames (FLV tags) viewers did not get because they fell behind and skipped to a later keyframe.',
  }),
  droppedViewers: def({
    name: 'zhibo_viewer_dropped_total',
    type: 'counter',
    labels: [],
    help: 'Viewers closed for being too slow (send buffer or lag over the hard limit).',
  }),
  realtimeConnections: def({
    name: 'zhibo_realtime_connections',
    type: 'gauge',
    labels: [],
    help: 'Open realtime WebSocket connections (/ws/room, /ws/site).',
  }),
  realtimeRooms: def({ name: 'zhibo_realtime_rooms', type: 'gauge', labels: [], help: 'Rooms with a realtime channel in memory.' }),
  comments: def({
    name: 'zhibo_comments_total',
    type: 'counter',
    labels: [],
    help: 'Chat comments accepted (rate() gives comments per second).',
  }),
  likes: def({ name: 'zhibo_likes_total', type: 'counter', labels: [], help: 'Like taps accepted (rate() gives likes per second).' }),
  outbox: def({
    name: 'zhibo_reminder_outbox_rows',
    type: 'gauge',
    labels: ['kind', 'state'],
    help: 'Reminder outbox rows not done, by kind (delivery, fanout) and state: pending (due), scheduled (due later), dead (dead letters).',
  }),
  deliveries: def({
    name: 'zhibo_reminder_deliveries_total',
    type: 'counter',
    labels: ['channel', 'state'],
    help: 'Reminder delivery attempts by channel and outcome (sent, pending = will retry, dead, gone, skipped).',
  }),
  deliveryLatency: def({
    name: 'zhibo_reminder_delivery_latency_seconds',
    type: 'histogram',
    labels: ['channel'],
    help: 'From a delivery row being queued (go-live) to an attempt ending.',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 7200],
  }),
  timerLag: def({
    name: 'zhibo_timer_lag_seconds',
    type: 'histogram',
    labels: ['kind'],
    help: 'How late a room timer (abnormal_timeout, plan_expiry) fired after it was due.',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 60, 600],
  }),
  dbConnections: def({
    name: 'zhibo_db_connections',
    type: 'gauge',
    labels: ['state'],
    help: 'Database connections: open, idle, and waiting (callers queued for one). PGlite is one connection.',
  }),
  dbSeconds: def({
    name: 'zhibo_db_query_duration_seconds',
    type: 'histogram',
    labels: ['op'],
    help: 'Database statements (query, exec) and whole transactions (tx), including the wait for a connection.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  }),
  dbErrors: def({
    name: 'zhibo_db_errors_total',
    type: 'counter',
    labels: ['op'],
    help: 'Database statements and transactions that failed.',
  }),
} as const;

export type MetricKey = keyof typeof METRICS;

/** The process metrics prom-client adds (collectDefaultMetrics), for the docs table. */
export const DEFAULT_METRICS_ROW =
  '| `process_*`, `nodejs_*` | (several) | | prom-client defaults: CPU, memory, open files, heap, GC, and `nodejs_eventloop_lag_seconds` (event-loop lag, with p50/p90/p99) |';
