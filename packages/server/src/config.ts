/**
 * Typed configuration: one defaults object, environment overrides, CLI flags over both,
 * validated on merge. Every key is documented in docs/configuration.md (checked by a test).
 */
import { resolve } from 'node:path';

export interface Config {
  http: { host: string; port: number };
  rtmp: { host: string; port: number };
  /** Directory for the embedded database, recordings, HLS and keys. */
  dataDir: string;
  /** When set, PostgreSQL server instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** Base URL viewers and merchants reach the HTTP server at (defaults to http://HOST:PORT). */
  publicUrl: string;
  /** Base of push URLs (defaults to rtmp://HOST:PORT/live). */
  rtmpPublicUrl: string;
  /** S-API-4: daily getliveinfo/get_replay calls per app (an app setting overrides it). */
  dailyQuota: number;
  /** S-STATUS-3: time in 106 before the system ends the live. */
  abnormalTimeoutMs: number;
  tokenTtlSec: number;
  /** A new access_token replaces the old one after this overlap (WeChat: 5 minutes). */
  tokenOverlapSec: number;
  /** Bearer token of the admin API; generated into DATA/admin-token when unset. */
  adminToken: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** How often due timers are looked for. */
  timerPollMs: number;
  /** Publisher silent this long is treated as gone (S-STATUS-3: report within seconds). */
  stallTimeoutMs: number;
  /** S-REPLAY-1: how long replays are kept. */
  replayTtlDays: number;
  hls: boolean;
  /** Media fan-out batching window (ms): tags are written to viewers in batches this long (0 = every event-loop turn). */
  mediaBatchMs: number;
  /** S-PLAYER-3: SDKs older than this get video only. */
  minSdkVersion: string;
  /** Go-live reminders (issue 6): deliveries sent per second at most (token bucket). */
  reminderRate: number;
  /** Reminder deliveries in flight at once. */
  reminderConcurrency: number;
  /** Attempts per reminder delivery before it is dead-lettered. */
  reminderMaxAttempts: number;
  /** First retry delay; doubles per attempt (capped at 30 min), with jitter. */
  reminderBackoffMs: number;
  /** Timeout of one webhook / Web Push request. */
  reminderTimeoutMs: number;
  /** A claimed delivery not finished within this lease is claimed again (crash recovery). */
  reminderLeaseMs: number;
  /** How often due reminder deliveries (retries, before-start reminders) are looked for. */
  reminderPollMs: number;
  /** Accept http: Web Push endpoints (a local push service in tests or development). */
  pushAllowHttp: boolean;
}

export const DEFAULTS: Config = {
  http: { host: '127.0.0.1', port: 8080 },
  rtmp: { host: '127.0.0.1', port: 1935 },
  dataDir: './data',
  databaseUrl: undefined,
  publicUrl: '',
  rtmpPublicUrl: '',
  dailyQuota: 500,
  abnormalTimeoutMs: 15 * 60 * 1000,
  tokenTtlSec: 7200,
  tokenOverlapSec: 300,
  adminToken: undefined,
  logLevel: 'info',
  timerPollMs: 1000,
  stallTimeoutMs: 5000,
  replayTtlDays: 365,
  hls: true,
  mediaBatchMs: 20,
  minSdkVersion: '1.0.0',
  reminderRate: 1000,
  reminderConcurrency: 32,
  reminderMaxAttempts: 10,
  reminderBackoffMs: 5000,
  reminderTimeoutMs: 10_000,
  reminderLeaseMs: 60_000,
  reminderPollMs: 1000,
  pushAllowHttp: false,
};

/** Environment variables, documented in docs/configuration.md. */
export const ENV_KEYS = {
  ZHIBO_HTTP: 'http',
  ZHIBO_RTMP: 'rtmp',
  ZHIBO_DATA: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  ZHIBO_PUBLIC_URL: 'publicUrl',
  ZHIBO_RTMP_PUBLIC_URL: 'rtmpPublicUrl',
  ZHIBO_DAILY_QUOTA: 'dailyQuota',
  ZHIBO_ABNORMAL_TIMEOUT_MS: 'abnormalTimeoutMs',
  ZHIBO_TOKEN_TTL_SEC: 'tokenTtlSec',
  ZHIBO_TOKEN_OVERLAP_SEC: 'tokenOverlapSec',
  ZHIBO_ADMIN_TOKEN: 'adminToken',
  ZHIBO_LOG_LEVEL: 'logLevel',
  ZHIBO_TIMER_POLL_MS: 'timerPollMs',
  ZHIBO_STALL_TIMEOUT_MS: 'stallTimeoutMs',
  ZHIBO_REPLAY_TTL_DAYS: 'replayTtlDays',
  ZHIBO_HLS: 'hls',
  ZHIBO_MEDIA_BATCH_MS: 'mediaBatchMs',
  ZHIBO_MIN_SDK_VERSION: 'minSdkVersion',
  ZHIBO_REMINDER_RATE: 'reminderRate',
  ZHIBO_REMINDER_CONCURRENCY: 'reminderConcurrency',
  ZHIBO_REMINDER_MAX_ATTEMPTS: 'reminderMaxAttempts',
  ZHIBO_REMINDER_BACKOFF_MS: 'reminderBackoffMs',
  ZHIBO_REMINDER_TIMEOUT_MS: 'reminderTimeoutMs',
  ZHIBO_REMINDER_LEASE_MS: 'reminderLeaseMs',
  ZHIBO_REMINDER_POLL_MS: 'reminderPollMs',
  ZHIBO_PUSH_ALLOW_HTTP: 'pushAllowHttp',
} as const satisfies Record<string, keyof Config>;

export class ConfigError extends Error {}

export function parseHostPort(s: string, what: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  const host = i > 0 ? s.slice(0, i) : '127.0.0.1';
  const port = Number(i >= 0 ? s.slice(i + 1) : s);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${what}: "${s}" is not HOST:PORT`);
  return { host: host.replace(/^\[|\]$/g, ''), port };
}

type Raw = Partial<Record<keyof Config, string | undefined>>;

function int(v: string, key: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${key}: "${v}" must be an integer ≥ ${min}`);
  return n;
}

/** Merge defaults ← environment ← flags (already keyed by Config names) and validate. */
export function loadConfig(env: NodeJS.ProcessEnv, flags: Raw = {}): Config {
  const raw: Raw = {};
  for (const [envKey, key] of Object.entries(ENV_KEYS)) if (env[envKey] !== undefined && env[envKey] !== '') raw[key] = env[envKey];
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k as keyof Config] = v;
  const c: Config = { ...DEFAULTS, http: { ...DEFAULTS.http }, rtmp: { ...DEFAULTS.rtmp } };
  if (raw.http) c.http = parseHostPort(raw.http, '--http');
  if (raw.rtmp) c.rtmp = parseHostPort(raw.rtmp, '--rtmp');
  if (raw.dataDir) c.dataDir = raw.dataDir;
  c.dataDir = resolve(c.dataDir);
  c.databaseUrl = raw.databaseUrl;
  if (raw.publicUrl) c.publicUrl = raw.publicUrl.replace(/\/+$/, '');
  if (raw.rtmpPublicUrl) c.rtmpPublicUrl = raw.rtmpPublicUrl.replace(/\/+$/, '');
  if (raw.dailyQuota) c.dailyQuota = int(raw.dailyQuota, 'ZHIBO_DAILY_QUOTA', 1);
  if (raw.abnormalTimeoutMs) c.abnormalTimeoutMs = int(raw.abnormalTimeoutMs, 'ZHIBO_ABNORMAL_TIMEOUT_MS', 1);
  if (raw.tokenTtlSec) c.tokenTtlSec = int(raw.tokenTtlSec, 'ZHIBO_TOKEN_TTL_SEC', 1);
  if (raw.tokenOverlapSec) c.tokenOverlapSec = int(raw.tokenOverlapSec, 'ZHIBO_TOKEN_OVERLAP_SEC', 0);
  if (raw.adminToken) c.adminToken = raw.adminToken;
  if (raw.logLevel) {
    if (!['debug', 'info', 'warn', 'error', 'silent'].includes(raw.logLevel)) throw new ConfigError(`ZHIBO_LOG_LEVEL: "${raw.logLevel}" is not debug|info|warn|error|silent`);
    c.logLevel = raw.logLevel as Config['logLevel'];
  }
  if (raw.timerPollMs) c.timerPollMs = int(raw.timerPollMs, 'ZHIBO_TIMER_POLL_MS', 10);
  if (raw.stallTimeoutMs) c.stallTimeoutMs = int(raw.stallTimeoutMs, 'ZHIBO_STALL_TIMEOUT_MS', 100);
  if (raw.replayTtlDays) c.replayTtlDays = int(raw.replayTtlDays, 'ZHIBO_REPLAY_TTL_DAYS', 1);
  if (raw.mediaBatchMs) c.mediaBatchMs = int(raw.mediaBatchMs, 'ZHIBO_MEDIA_BATCH_MS', 0);
  if (raw.hls) c.hls = !['0', 'false', 'no', 'off'].includes(raw.hls.toLowerCase());
  if (raw.minSdkVersion) {
    if (!/^\d+(\.\d+){0,3}$/.test(raw.minSdkVersion)) throw new ConfigError(`ZHIBO_MIN_SDK_VERSION: "${raw.minSdkVersion}" is not a dotted version`);
    c.minSdkVersion = raw.minSdkVersion;
  }
  if (raw.reminderRate) c.reminderRate = int(raw.reminderRate, 'ZHIBO_REMINDER_RATE', 1);
  if (raw.reminderConcurrency) c.reminderConcurrency = int(raw.reminderConcurrency, 'ZHIBO_REMINDER_CONCURRENCY', 1);
  if (raw.reminderMaxAttempts) c.reminderMaxAttempts = int(raw.reminderMaxAttempts, 'ZHIBO_REMINDER_MAX_ATTEMPTS', 1);
  if (raw.reminderBackoffMs) c.reminderBackoffMs = int(raw.reminderBackoffMs, 'ZHIBO_REMINDER_BACKOFF_MS', 1);
  if (raw.reminderTimeoutMs) c.reminderTimeoutMs = int(raw.reminderTimeoutMs, 'ZHIBO_REMINDER_TIMEOUT_MS', 100);
  if (raw.reminderLeaseMs) c.reminderLeaseMs = int(raw.reminderLeaseMs, 'ZHIBO_REMINDER_LEASE_MS', 100);
  if (raw.reminderPollMs) c.reminderPollMs = int(raw.reminderPollMs, 'ZHIBO_REMINDER_POLL_MS', 10);
  if (c.reminderLeaseMs <= c.reminderTimeoutMs) throw new ConfigError(`ZHIBO_REMINDER_LEASE_MS (${c.reminderLeaseMs}) must be longer than ZHIBO_REMINDER_TIMEOUT_MS (${c.reminderTimeoutMs})`);
  if (raw.pushAllowHttp) c.pushAllowHttp = ['1', 'true', 'yes', 'on'].includes(raw.pushAllowHttp.toLowerCase());
  return c;
}

/** Fill in URLs that depend on the bound ports (port 0 is only known after listen). */
export function withBoundUrls(c: Config, httpPort: number, rtmpPort: number): Config {
  const hostFor = (h: string) => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h);
  return {
    ...c,
    publicUrl: c.publicUrl || `http://${hostFor(c.http.host)}:${httpPort}`,
    rtmpPublicUrl: c.rtmpPublicUrl || `rtmp://${hostFor(c.rtmp.host)}:${rtmpPort}/live`,
  };
}
