/**
 * Every setting, declared once: environment variable, command-line flag, default, parser with bounds, help text.
 * The `Config` type, the loader (app/config.ts), `zhibo --help` and docs/configuration.md are all derived from this
 * table (hls.js habit: one default-config object). Adding a setting is one entry here.
 */

export class ConfigError extends Error {}

export interface Setting<T> {
  env: string;
  /** command-line flag (without `--`) */
  flag?: string;
  default: T;
  /** parse and validate one raw value (env or flag); throw ConfigError naming `name` */
  parse(raw: string, name: string): T;
  /** how the default reads in docs and --help */
  shown?: string;
  help: string;
}

const def = <T>(s: Setting<T>): Setting<T> => s;

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(s: string, what: string): HostPort {
  const i = s.lastIndexOf(':');
  const host = i > 0 ? s.slice(0, i) : '127.0.0.1';
  const port = Number(i >= 0 ? s.slice(i + 1) : s);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${what}: "${s}" is not HOST:PORT`);
  return { host: host.replace(/^\[|\]$/g, ''), port };
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => (v: string, name: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}: "${v}" must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  return n;
};
const bool = (v: string, name: string): boolean => {
  const t = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  throw new ConfigError(`${name}: "${v}" must be true or false (1/0, yes/no, on/off)`);
};
const text = (v: string): string => v;
const baseUrl = (schemes: string[]) => (v: string, name: string): string => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name}: "${v}" is not a URL`);
  }
  if (!schemes.includes(u.protocol)) throw new ConfigError(`${name}: "${v}" must start with ${schemes.join(' or ')}//`);
  return v.replace(/\/+$/, '');
};
const oneOf = <T extends string>(values: readonly T[]) => (v: string, name: string): T => {
  if (!(values as readonly string[]).includes(v)) throw new ConfigError(`${name}: "${v}" is not ${values.join('|')}`);
  return v as T;
};

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export const SETTINGS = {
  http: def<HostPort>({
    env: 'ZHIBO_HTTP', flag: 'http', default: { host: '127.0.0.1', port: 8080 }, shown: '127.0.0.1:8080', parse: parseHostPort,
    help: 'HTTP listen address (API, plugin reads, room page, HTTP-FLV/HLS, admin API). Port 0 picks a free port. 0.0.0.0:8080 listens on every interface.',
  }),
  rtmp: def<HostPort>({
    env: 'ZHIBO_RTMP', flag: 'rtmp', default: { host: '127.0.0.1', port: 1935 }, shown: '127.0.0.1:1935', parse: parseHostPort,
    help: 'RTMP ingest listen address (anchors push here).',
  }),
  dataDir: def<string>({
    env: 'ZHIBO_DATA', flag: 'data', default: './data', parse: text,
    help: 'Data directory: embedded database (`pg/`), recordings, `admin-token`, `demo-app.json`.',
  }),
  databaseUrl: def<string | undefined>({
    env: 'DATABASE_URL', default: undefined, shown: '(unset)', parse: baseUrl(['postgres:', 'postgresql:']),
    help: 'PostgreSQL connection string. When set, zhibo uses that server instead of the embedded PGlite.',
  }),
  publicUrl: def<string>({
    env: 'ZHIBO_PUBLIC_URL', default: '', shown: '(derived)', parse: baseUrl(['http:', 'https:']),
    help: 'Base URL viewers and merchants reach the HTTP server at (image URLs, replay `media_url`, QR links). Default `http://HOST:PORT`.',
  }),
  rtmpPublicUrl: def<string>({
    env: 'ZHIBO_RTMP_PUBLIC_URL', default: '', shown: '(derived)', parse: baseUrl(['rtmp:', 'rtmps:']),
    help: 'Base of push URLs handed out by `getpushurl`. Default `rtmp://HOST:PORT/live`.',
  }),
  dailyQuota: def<number>({
    env: 'ZHIBO_DAILY_QUOTA', default: 500, parse: int(1),
    help: "S-API-4: daily `getliveinfo` + `get_replay` calls per app (an app's own setting overrides it).",
  }),
  abnormalTimeoutMs: def<number>({
    env: 'ZHIBO_ABNORMAL_TIMEOUT_MS', default: 15 * 60 * 1000, parse: int(1),
    help: 'S-STATUS-3: time a room may stay 106 (stream lost) before the system ends it (103).',
  }),
  tokenTtlSec: def<number>({ env: 'ZHIBO_TOKEN_TTL_SEC', default: 7200, parse: int(1), help: '`expires_in` of access tokens.' }),
  tokenOverlapSec: def<number>({
    env: 'ZHIBO_TOKEN_OVERLAP_SEC', default: 300, parse: int(0),
    help: 'How long the previous access token keeps working after a new one is issued.',
  }),
  adminToken: def<string | undefined>({
    env: 'ZHIBO_ADMIN_TOKEN', default: undefined, shown: '(unset)', parse: text,
    help: 'Bearer token of the admin API. Unset: generated once into `DATA/admin-token`.',
  }),
  logLevel: def<(typeof LOG_LEVELS)[number]>({
    env: 'ZHIBO_LOG_LEVEL', default: 'info', parse: oneOf(LOG_LEVELS),
    help: '`debug`, `info`, `warn`, `error` or `silent`. Info is one line per lifecycle event.',
  }),
  timerPollMs: def<number>({
    env: 'ZHIBO_TIMER_POLL_MS', default: 1000, parse: int(10),
    help: 'How often due timers (106 timeout, plan expiry) are looked for.',
  }),
  stallTimeoutMs: def<number>({
    env: 'ZHIBO_STALL_TIMEOUT_MS', default: 5000, parse: int(100),
    help: 'A publisher that sends nothing this long is treated as gone (S-STATUS-3 reports 106 within seconds).',
  }),
  replayTtlDays: def<number>({
    env: 'ZHIBO_REPLAY_TTL_DAYS', default: 365, parse: int(1),
    help: 'S-REPLAY-1: replays are kept this many days, then deleted by a job.',
  }),
  hls: def<boolean>({
    env: 'ZHIBO_HLS', default: true, parse: bool,
    help: 'Produce Low-Latency HLS (`/live/ID/index.m3u8`, fMP4 parts, served from memory) besides HTTP-FLV. `0`/`false` turns it off.',
  }),
  mediaBatchMs: def<number>({
    env: 'ZHIBO_MEDIA_BATCH_MS', default: 20, parse: int(0, 1000),
    help: 'Media fan-out batching window: FLV tags are written to each viewer in batches this long. 20 ms costs ~20 ms of latency and saves ~37 % CPU per viewer (docs/performance.md); 0 writes every event-loop turn.',
  }),
  minSdkVersion: def<string>({
    env: 'ZHIBO_MIN_SDK_VERSION', default: '1.0.0',
    parse: (v, name) => {
      if (!/^\d+(\.\d+){0,3}$/.test(v)) throw new ConfigError(`${name}: "${v}" is not a dotted version`);
      return v;
    },
    help: 'S-PLAYER-3: SDKs older than this get the video only, with an upgrade prompt.',
  }),
  reminderRate: def<number>({
    env: 'ZHIBO_REMINDER_RATE', default: 1000, parse: int(1),
    help: 'Go-live reminders (docs/reminders.md): deliveries per second at most (token bucket); per process, or for the whole cluster in cluster mode.',
  }),
  reminderConcurrency: def<number>({
    env: 'ZHIBO_REMINDER_CONCURRENCY', default: 32, parse: int(1, 10_000),
    help: 'Reminder deliveries (webhook / Web Push requests) in flight at once.',
  }),
  reminderMaxAttempts: def<number>({
    env: 'ZHIBO_REMINDER_MAX_ATTEMPTS', default: 10, parse: int(1, 100),
    help: 'Attempts per reminder delivery before it is dead-lettered (replayable through the admin API).',
  }),
  reminderBackoffMs: def<number>({
    env: 'ZHIBO_REMINDER_BACKOFF_MS', default: 5000, parse: int(1),
    help: 'First retry delay of a failed reminder delivery; doubles per attempt (±25 % jitter, capped at 30 min).',
  }),
  reminderTimeoutMs: def<number>({
    env: 'ZHIBO_REMINDER_TIMEOUT_MS', default: 10_000, parse: int(100),
    help: 'Timeout of one webhook or Web Push request.',
  }),
  reminderLeaseMs: def<number>({
    env: 'ZHIBO_REMINDER_LEASE_MS', default: 60_000, parse: int(100),
    help: 'A claimed reminder delivery not recorded within this lease is claimed again (crash recovery). Must exceed the timeout.',
  }),
  reminderPollMs: def<number>({
    env: 'ZHIBO_REMINDER_POLL_MS', default: 1000, parse: int(10),
    help: 'How often due reminder deliveries (retries, before-start reminders) are looked for.',
  }),
  redisUrl: def<string | undefined>({
    env: 'ZHIBO_REDIS_URL', default: undefined, shown: '(unset)', parse: baseUrl(['redis:', 'rediss:']),
    help: 'Cluster mode (docs/cluster.md), with `DATABASE_URL`: Redis 7 for chat, likes and viewer counts across nodes, the publish lease, edge relays and cluster-wide limits.',
  }),
  redisPrefix: def<string>({
    env: 'ZHIBO_REDIS_PREFIX', default: 'zhibo',
    parse: (v, name) => {
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(v)) throw new ConfigError(`${name}: "${v}" must be 1-40 of A-Z a-z 0-9 _ . -`);
      return v;
    },
    help: 'Prefix of every Redis key and channel of this cluster (several clusters may share one Redis).',
  }),
  nodeUrl: def<string>({
    env: 'ZHIBO_NODE_URL', default: '', shown: '(derived)', parse: baseUrl(['http:', 'https:']),
    help: 'Cluster mode: the base URL other nodes reach this node at (edge pulls, HLS and replay fetches). Default `http://HOST:PORT` of `ZHIBO_HTTP`.',
  }),
  relayFanout: def<number>({
    env: 'ZHIBO_RELAY_FANOUT', default: 4, parse: int(1, 1000),
    help: 'Cluster mode: edges one node feeds directly; more edges pull from other edges (a relay tree).',
  }),
  pushAllowHttp: def<boolean>({
    env: 'ZHIBO_PUSH_ALLOW_HTTP', default: false, parse: bool,
    help: 'Accept `http:` Web Push endpoints (a local push service in tests or development).',
  }),
};

export type SettingKey = keyof typeof SETTINGS;

/** The typed configuration: one field per setting, typed by its parser. */
export type Config = { -readonly [K in SettingKey]: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never };

/** Rules between settings, checked after every value is parsed. */
export const CROSS_CHECKS: Array<(c: Config) => string | undefined> = [
  (c) =>
    c.reminderLeaseMs <= c.reminderTimeoutMs
      ? `ZHIBO_REMINDER_LEASE_MS (${c.reminderLeaseMs}) must be longer than ZHIBO_REMINDER_TIMEOUT_MS (${c.reminderTimeoutMs})`
      : undefined,
  (c) => (c.redisUrl && !c.databaseUrl ? 'ZHIBO_REDIS_URL (cluster mode) needs DATABASE_URL: every node shares one PostgreSQL' : undefined),
];

/** How a default reads in --help and docs/configuration.md. */
export function shownDefault(key: SettingKey): string {
  const s = SETTINGS[key] as Setting<unknown>;
  if (s.shown) return s.shown;
  return String(s.default);
}
