/**
 * Every setting, declared once: environment variable, command-line flag, default, parser with bounds, help text.
 * The `Config` type, the loader (app/config.ts), `zhibo --help` and docs/configuration.md are all derived from this
 * table (hls.js habit: one default-config object). Adding a setting is one entry here.
 */
import { isIP } from 'node:net';

import { parseProxyList } from '../lib/client-ip.js';

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

const int =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string, name: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(`${name}: "${v}" must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
    return n;
  };
const bool = (v: string, name: string): boolean => {
  const t = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  throw new ConfigError(`${name}: "${v}" must be true or false (1/0, yes/no, on/off)`);
};
const text = (v: string): string => v;
const baseUrl =
  (schemes: string[]) =>
  (v: string, name: string): string => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ConfigError(`${name}: "${v}" is not a URL`);
    }
    if (!schemes.includes(u.protocol)) throw new ConfigError(`${name}: "${v}" must start with ${schemes.join(' or ')}//`);
    return v.replace(/\/+$/, '');
  };
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: string, name: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new ConfigError(`${name}: "${v}" is not ${values.join('|')}`);
    return v as T;
  };

/** The push services of the major browsers (Chrome/Edge/Opera: FCM; Firefox: Mozilla autopush; Safari: Apple; legacy Edge: WNS). */
export const KNOWN_PUSH_SERVICES = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'push.services.mozilla.com',
  'push.apple.com',
  'notify.windows.com',
] as const;

const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*$/;

const hostList = (v: string, name: string): string[] => {
  const out = v
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  for (const h of out) if (h !== '*' && !HOST.test(h) && isIP(h) === 0) throw new ConfigError(`${name}: "${h}" is not a host name`);
  return out;
};

const hostsOrCidrs = (v: string, name: string): string[] => {
  const out = v
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  for (const e of out) {
    const [addr, bits, extra] = e.split('/');
    if (bits !== undefined || extra !== undefined) {
      const max = isIP(addr!) === 4 ? 32 : isIP(addr!) === 6 ? 128 : -1;
      const n = Number(bits);
      if (max < 0 || extra !== undefined || !/^\d{1,3}$/.test(bits ?? '') || n > max)
        throw new ConfigError(`${name}: "${e}" is not a CIDR like 127.0.0.1/32 or fd00::/8`);
    } else if (!HOST.test(e) && isIP(e) === 0) throw new ConfigError(`${name}: "${e}" is not a host name, an IP address or a CIDR`);
  }
  return out;
};

const ipv4 = (v: string, name: string): string => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v.trim());
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new ConfigError(`${name}: "${v}" is not an IPv4 address`);
  return v.trim();
};
const portRange = (v: string, name: string): [number, number] => {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(v.trim());
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || lo < 1024 || hi > 65535 || lo > hi)
    throw new ConfigError(`${name}: "${v}" must be a UDP port range MIN-MAX within 1024-65535 (e.g. 40000-40999)`);
  return [lo, hi];
};

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export const ACCESS_LOG_LEVELS = ['debug', 'info', 'off'] as const;

export const SETTINGS = {
  http: def<HostPort>({
    env: 'ZHIBO_HTTP',
    flag: 'http',
    default: { host: '127.0.0.1', port: 8080 },
    shown: '127.0.0.1:8080',
    parse: parseHostPort,
    help: 'HTTP listen address (API, plugin reads, room page, HTTP-FLV/HLS, admin API). Port 0 picks a free port. 0.0.0.0:8080 listens on every interface, so phones on the same network can open the links (through `npm start`: `npm start -- --http 0.0.0.0:8080`).',
  }),
  rtmp: def<HostPort>({
    env: 'ZHIBO_RTMP',
    flag: 'rtmp',
    default: { host: '127.0.0.1', port: 1935 },
    shown: '(HTTP host):1935',
    parse: parseHostPort,
    help: 'RTMP ingest listen address (anchors push here). Unset: port 1935 on the HTTP listen host, so `--http 0.0.0.0:8080` also takes pushes from the network.',
  }),
  dataDir: def<string>({
    env: 'ZHIBO_DATA',
    flag: 'data',
    default: './data',
    parse: text,
    help: 'Data directory: embedded database (`pg/`), recordings, `admin-token`, `demo-app.json`.',
  }),
  databaseUrl: def<string | undefined>({
    env: 'DATABASE_URL',
    default: undefined,
    shown: '(unset)',
    parse: baseUrl(['postgres:', 'postgresql:']),
    help: 'PostgreSQL connection string. When set, zhibo uses that server instead of the embedded PGlite.',
  }),
  publicUrl: def<string>({
    env: 'ZHIBO_PUBLIC_URL',
    default: '',
    shown: '(derived)',
    parse: baseUrl(['http:', 'https:']),
    help: "The address every link zhibo hands out starts with (room links, QR codes, posters, image URLs in getliveinfo, replay `media_url`), e.g. `https://live.example.com`. Unset: each link uses the address its request came in by (the Host header; see ZHIBO_TRUST_PROXY), or, for requests to 127.0.0.1 and links made without a request, the listen address with 0.0.0.0 replaced by this machine's LAN address. Set it when zhibo runs behind a domain or a proxy.",
  }),
  rtmpPublicUrl: def<string>({
    env: 'ZHIBO_RTMP_PUBLIC_URL',
    default: '',
    shown: '(derived)',
    parse: baseUrl(['rtmp:', 'rtmps:']),
    help: 'The start of push URLs (`getpushurl`, the console), e.g. `rtmp://live.example.com:1935/live`. Unset: `rtmp://HOST:PORT/live` with the host the request came in by when RTMP listens on every interface, else the RTMP listen address.',
  }),
  dailyQuota: def<number>({
    env: 'ZHIBO_DAILY_QUOTA',
    default: 500,
    parse: int(1),
    help: "S-API-4: daily `getliveinfo` + `get_replay` calls per app (an app's own setting overrides it).",
  }),
  abnormalTimeoutMs: def<number>({
    env: 'ZHIBO_ABNORMAL_TIMEOUT_MS',
    default: 15 * 60 * 1000,
    parse: int(1),
    help: 'S-STATUS-3: time a room may stay 106 (stream lost) before the system ends it (103).',
  }),
  tokenTtlSec: def<number>({ env: 'ZHIBO_TOKEN_TTL_SEC', default: 7200, parse: int(1), help: '`expires_in` of access tokens.' }),
  tokenOverlapSec: def<number>({
    env: 'ZHIBO_TOKEN_OVERLAP_SEC',
    default: 300,
    parse: int(0),
    help: 'How long the previous access token keeps working after a new one is issued.',
  }),
  adminToken: def<string | undefined>({
    env: 'ZHIBO_ADMIN_TOKEN',
    default: undefined,
    shown: '(unset)',
    parse: text,
    help: 'Bearer token of the admin API. Unset: generated once into `DATA/admin-token`.',
  }),
  logLevel: def<(typeof LOG_LEVELS)[number]>({
    env: 'ZHIBO_LOG_LEVEL',
    default: 'info',
    parse: oneOf(LOG_LEVELS),
    help: '`debug`, `info`, `warn`, `error` or `silent`. Info is one line per lifecycle event.',
  }),
  timerPollMs: def<number>({
    env: 'ZHIBO_TIMER_POLL_MS',
    default: 1000,
    parse: int(10),
    help: 'How often due timers (106 timeout, plan expiry) are looked for.',
  }),
  stallTimeoutMs: def<number>({
    env: 'ZHIBO_STALL_TIMEOUT_MS',
    default: 5000,
    parse: int(100),
    help: 'A publisher that sends nothing this long is treated as gone (S-STATUS-3 reports 106 within seconds).',
  }),
  replayTtlDays: def<number>({
    env: 'ZHIBO_REPLAY_TTL_DAYS',
    default: 365,
    parse: int(1),
    help: 'S-REPLAY-1: replays are kept this many days, then deleted by a job.',
  }),
  hls: def<boolean>({
    env: 'ZHIBO_HLS',
    default: true,
    parse: bool,
    help: 'Produce Low-Latency HLS (`/live/ID/index.m3u8`, fMP4 parts, served from memory) besides HTTP-FLV. `0`/`false` turns it off.',
  }),
  mediaBatchMs: def<number>({
    env: 'ZHIBO_MEDIA_BATCH_MS',
    default: 20,
    parse: int(0, 1000),
    help: 'Media fan-out batching window: FLV tags are written to each viewer in batches this long. 20 ms costs ~20 ms of latency and saves ~37 % CPU per viewer (docs/performance.md); 0 writes every event-loop turn.',
  }),
  whip: def<boolean>({
    env: 'ZHIBO_WHIP',
    default: true,
    parse: bool,
    help: 'WebRTC ingest over WHIP (RFC 9725) at `/whip/ROOMID` (Bearer token = the stream key): OBS 30+, browsers, the anchor page `/anchor/`. `0` turns it off.',
  }),
  whipUdpPorts: def<[number, number]>({
    env: 'ZHIBO_WHIP_UDP_PORTS',
    flag: 'whip-udp-ports',
    default: [40000, 40999],
    shown: '40000-40999',
    parse: portRange,
    help: 'UDP ports of WHIP sessions (ICE, DTLS, SRTP; one port per publisher per address): **open them inbound in the firewall**. The range limits concurrent WHIP publishers.',
  }),
  whipBindAddress: def<string | undefined>({
    env: 'ZHIBO_WHIP_BIND',
    default: undefined,
    shown: '(every non-loopback IPv4)',
    parse: ipv4,
    help: 'Bind WHIP UDP sockets to this IPv4 address only (the public interface); answers then carry only its candidates. Unset: every non-loopback IPv4 address (each costs a port per publisher).',
  }),
  whipAnnouncedIp: def<string | undefined>({
    env: 'ZHIBO_WHIP_ANNOUNCED_IP',
    default: undefined,
    shown: '(unset)',
    parse: ipv4,
    help: 'Advertise this IPv4 address in WHIP answers instead of the local one (1:1 NAT, a container with published UDP ports).',
  }),
  whipIceLite: def<boolean>({
    env: 'ZHIBO_WHIP_ICE_LITE',
    default: false,
    parse: bool,
    help: 'Answer WHIP offers as an ICE-lite agent (the publisher runs the connectivity checks); full ICE otherwise.',
  }),
  whipMediaTimeoutMs: def<number>({
    env: 'ZHIBO_WHIP_MEDIA_TIMEOUT_MS',
    default: 15_000,
    parse: int(1000),
    help: 'A WHIP session without a video keyframe this long after its POST (ICE never connected, or no media) is closed and its UDP port freed.',
  }),
  minSdkVersion: def<string>({
    env: 'ZHIBO_MIN_SDK_VERSION',
    default: '1.0.0',
    parse: (v, name) => {
      if (!/^\d+(\.\d+){0,3}$/.test(v)) throw new ConfigError(`${name}: "${v}" is not a dotted version`);
      return v;
    },
    help: 'S-PLAYER-3: SDKs older than this get the video only, with an upgrade prompt.',
  }),
  reminderRate: def<number>({
    env: 'ZHIBO_REMINDER_RATE',
    default: 1000,
    parse: int(1),
    help: 'Go-live reminders (docs/reminders.md): deliveries per second at most (token bucket); per process, or for the whole cluster in cluster mode.',
  }),
  reminderConcurrency: def<number>({
    env: 'ZHIBO_REMINDER_CONCURRENCY',
    default: 32,
    parse: int(1, 10_000),
    help: 'Reminder deliveries (webhook / Web Push requests) in flight at once.',
  }),
  reminderMaxAttempts: def<number>({
    env: 'ZHIBO_REMINDER_MAX_ATTEMPTS',
    default: 10,
    parse: int(1, 100),
    help: 'Attempts per reminder delivery before it is dead-lettered (replayable through the admin API).',
  }),
  reminderBackoffMs: def<number>({
    env: 'ZHIBO_REMINDER_BACKOFF_MS',
    default: 5000,
    parse: int(1),
    help: 'First retry delay of a failed reminder delivery; doubles per attempt (±25 % jitter, capped at 30 min).',
  }),
  reminderTimeoutMs: def<number>({
    env: 'ZHIBO_REMINDER_TIMEOUT_MS',
    default: 10_000,
    parse: int(100),
    help: 'Timeout of one webhook or Web Push request.',
  }),
  reminderLeaseMs: def<number>({
    env: 'ZHIBO_REMINDER_LEASE_MS',
    default: 60_000,
    parse: int(100),
    help: 'A claimed reminder delivery not recorded within this lease is claimed again (crash recovery). Must exceed the timeout.',
  }),
  reminderPollMs: def<number>({
    env: 'ZHIBO_REMINDER_POLL_MS',
    default: 1000,
    parse: int(10),
    help: 'How often due reminder deliveries (retries, before-start reminders) are looked for.',
  }),
  consoleUrl: def<string>({
    env: 'ZHIBO_CONSOLE_URL',
    default: '',
    shown: '(same origin)',
    parse: baseUrl(['http:', 'https:']),
    help: 'Serve the merchant console on its own origin (e.g. `https://console.example.com`): the console then answers only on that host, and nothing else does there (docs/security.md). Unset: `/console/` on the main origin.',
  }),
  outboundAllow: def<string[]>({
    env: 'ZHIBO_OUTBOUND_ALLOW',
    default: [],
    shown: '(none)',
    parse: hostsOrCidrs,
    help: 'Outgoing requests (webhooks, Web Push) never go to loopback, private, link-local, CGNAT, multicast or metadata addresses, checked after DNS resolution — except to these comma-separated hosts or CIDRs (e.g. `127.0.0.1/32,hooks.internal`) for tests and private deployments.',
  }),
  pushServices: def<string[]>({
    env: 'ZHIBO_PUSH_SERVICES',
    default: [...KNOWN_PUSH_SERVICES],
    shown: 'FCM, Mozilla, Apple, Microsoft (docs/security.md)',
    parse: hostList,
    help: 'Web Push endpoints a viewer may subscribe with: comma-separated hosts, each also matching its subdomains. `*` accepts any https endpoint (still subject to ZHIBO_OUTBOUND_ALLOW).',
  }),
  subscribePerIpPerMin: def<number>({
    env: 'ZHIBO_SUBSCRIBE_PER_IP_PER_MIN',
    default: 30,
    parse: int(1),
    help: "Subscribe calls (go-live reminders) per client IP per minute (burst of the same size). Behind a proxy every viewer has the proxy's IP: raise it.",
  }),
  subscriptionsPerViewer: def<number>({
    env: 'ZHIBO_SUBSCRIPTIONS_PER_VIEWER',
    default: 200,
    parse: int(1),
    help: 'Rooms one viewer (openid) may be subscribed to at once.',
  }),
  subscriptionsPerRoom: def<number>({
    env: 'ZHIBO_SUBSCRIPTIONS_PER_ROOM',
    default: 1_000_000,
    parse: int(1),
    help: 'Subscriptions one room takes at most (counted per process, refreshed every minute).',
  }),
  sourceMaps: def<boolean>({
    env: 'ZHIBO_SOURCE_MAPS',
    default: false,
    parse: bool,
    help: "Serve the browser bundles' source maps (`*.map`). Off by default (production); turn it on in development.",
  }),
  redisUrl: def<string | undefined>({
    env: 'ZHIBO_REDIS_URL',
    default: undefined,
    shown: '(unset)',
    parse: baseUrl(['redis:', 'rediss:']),
    help: 'Cluster mode (docs/cluster.md), with `DATABASE_URL`: Redis 7 for chat, likes and viewer counts across nodes, the publish lease, edge relays and cluster-wide limits.',
  }),
  redisPrefix: def<string>({
    env: 'ZHIBO_REDIS_PREFIX',
    default: 'zhibo',
    parse: (v, name) => {
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(v)) throw new ConfigError(`${name}: "${v}" must be 1-40 of A-Z a-z 0-9 _ . -`);
      return v;
    },
    help: 'Prefix of every Redis key and channel of this cluster (several clusters may share one Redis).',
  }),
  nodeUrl: def<string>({
    env: 'ZHIBO_NODE_URL',
    default: '',
    shown: '(derived)',
    parse: baseUrl(['http:', 'https:']),
    help: "Cluster mode: the base URL other nodes reach this node at (edge pulls, HLS and replay fetches). Default `http://HOST:PORT` of `ZHIBO_HTTP` (this machine's LAN address when bound to all interfaces).",
  }),
  relayFanout: def<number>({
    env: 'ZHIBO_RELAY_FANOUT',
    default: 4,
    parse: int(1, 1000),
    help: 'Cluster mode: edges one node feeds directly; more edges pull from other edges (a relay tree).',
  }),
  pushAllowHttp: def<boolean>({
    env: 'ZHIBO_PUSH_ALLOW_HTTP',
    default: false,
    parse: bool,
    help: 'Accept `http:` Web Push endpoints (a local push service in tests or development).',
  }),
  // Storage (docs/operations.md "Storage", "Disk space").
  diskMinFreeMb: def<number>({
    env: 'ZHIBO_DISK_MIN_FREE_MB',
    default: 512,
    parse: int(0),
    help: 'Free space kept in the data directory: below it recordings stop and uploads, taps, subscriptions and stored chat/entries are refused (`disk_low`) while video and the API go on; `/healthz` says `disk_low`. 0: no watermark.',
  }),
  gcIntervalMs: def<number>({
    env: 'ZHIBO_GC_INTERVAL_MS',
    default: 3_600_000,
    parse: int(1000),
    help: 'How often the storage collector runs (expired temporary media and unused images, old taps and entries, finished reminders, stale HLS files).',
  }),
  retentionDays: def<number>({
    env: 'ZHIBO_RETENTION_DAYS',
    default: 365,
    parse: int(1),
    help: "Goods taps and room entries (the console's numbers) are kept this many days.",
  }),
  reminderRetentionDays: def<number>({
    env: 'ZHIBO_REMINDER_RETENTION_DAYS',
    default: 30,
    parse: int(1),
    help: 'Finished reminder deliveries (sent or dead, with their attempts) and subscriptions of rooms that ended or were deleted are kept this many days.',
  }),
  quotaTapsPerIpHour: def<number>({
    env: 'ZHIBO_QUOTA_TAPS_PER_IP_HOUR',
    default: 600,
    parse: int(0),
    help: 'Goods taps stored per client address and hour (more answer 429). 0: no limit.',
  }),
  quotaTapsPerAppDay: def<number>({
    env: 'ZHIBO_QUOTA_TAPS_PER_APP_DAY',
    default: 200_000,
    parse: int(0),
    help: 'Goods taps stored per app and day (UTC), per process. 0: no limit.',
  }),
  quotaEntriesPerViewerHour: def<number>({
    env: 'ZHIBO_QUOTA_ENTRIES_PER_VIEWER_HOUR',
    default: 60,
    parse: int(0),
    help: 'Room entries stored per viewer and hour (a viewer joining more often is not counted again). 0: no limit.',
  }),
  quotaEntriesPerIpHour: def<number>({
    env: 'ZHIBO_QUOTA_ENTRIES_PER_IP_HOUR',
    default: 1200,
    parse: int(0),
    help: 'Room entries stored per client address and hour, whatever the device ids. 0: no limit.',
  }),
  quotaEntriesPerAppDay: def<number>({
    env: 'ZHIBO_QUOTA_ENTRIES_PER_APP_DAY',
    default: 1_000_000,
    parse: int(0),
    help: 'Room entries stored per app and day (UTC), per process. 0: no limit.',
  }),
  quotaSubscriptionsPerAppDay: def<number>({
    env: 'ZHIBO_QUOTA_SUBSCRIPTIONS_PER_APP_DAY',
    default: 100_000,
    parse: int(0),
    help: 'Subscribe calls per app and day (UTC), per process (more answer 429). 0: no limit.',
  }),
  // RTMP guards (packages/media/README.md "Connection limits and deadlines"; docs/operations.md "Limits").
  rtmpHandshakeTimeoutMs: def<number>({
    env: 'ZHIBO_RTMP_HANDSHAKE_TIMEOUT_MS',
    default: 5000,
    parse: int(0),
    help: 'An RTMP connection must finish its handshake this long after TCP accept, or it is closed (0: no deadline).',
  }),
  rtmpConnectTimeoutMs: def<number>({
    env: 'ZHIBO_RTMP_CONNECT_TIMEOUT_MS',
    default: 10_000,
    parse: int(0),
    help: 'An RTMP connection must send `connect` this long after TCP accept, or it is closed (0: no deadline).',
  }),
  rtmpPublishTimeoutMs: def<number>({
    env: 'ZHIBO_RTMP_PUBLISH_TIMEOUT_MS',
    default: 10_000,
    parse: int(0),
    help: 'An RTMP connection must be authorised to publish this long after `connect`, or it is closed (0: no deadline).',
  }),
  rtmpIdleTimeoutMs: def<number>({
    env: 'ZHIBO_RTMP_IDLE_TIMEOUT_MS',
    default: 10_000,
    parse: int(1000),
    help: 'An RTMP connection that is not publishing and sends nothing this long is closed.',
  }),
  rtmpMaxConnections: def<number>({
    env: 'ZHIBO_RTMP_MAX_CONNECTIONS',
    default: 1000,
    parse: int(1),
    help: 'Most RTMP connections in all; over it the oldest connection that is not publishing is evicted (publishers never are).',
  }),
  rtmpMaxConnectionsPerIp: def<number>({
    env: 'ZHIBO_RTMP_MAX_CONNECTIONS_PER_IP',
    default: 64,
    parse: int(0),
    help: "Most RTMP connections from one address (IPv4, IPv6 /64). 0: no per-address limit — set 0 behind a TCP proxy, where every connection has the proxy's address.",
  }),
  rtmpMaxUnauthenticatedPerIp: def<number>({
    env: 'ZHIBO_RTMP_MAX_UNAUTHENTICATED_PER_IP',
    default: 16,
    parse: int(0),
    help: "Most RTMP connections not (yet) publishing from one address; over it that address's least advanced one is evicted. 0: no limit (behind a TCP proxy).",
  }),
  rtmpPreAuthMaxBytes: def<number>({
    env: 'ZHIBO_RTMP_PREAUTH_MAX_BYTES',
    default: 64 * 1024,
    parse: int(4096, 8 * 1024 * 1024),
    help: 'Largest RTMP message, and most bytes of unfinished messages, a connection may send before it is authorised to publish.',
  }),
  rtmpMaxMessageBytes: def<number>({
    env: 'ZHIBO_RTMP_MAX_MESSAGE_BYTES',
    default: 8 * 1024 * 1024,
    parse: int(64 * 1024, 64 * 1024 * 1024),
    help: 'Largest RTMP message of an authorised publisher (unfinished messages may hold twice this).',
  }),
  // Viewers: who they are and how many connections they may hold (docs/operations.md "Limits").
  trustProxy: def<string[]>({
    env: 'ZHIBO_TRUST_PROXY',
    flag: 'trust-proxy',
    default: [],
    shown: '(none)',
    parse: (v, name) => {
      try {
        return parseProxyList(v);
      } catch (e) {
        throw new ConfigError(`${name}: ${(e as Error).message}`);
      }
    },
    help: 'Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host` and `X-Request-Id` headers are believed, as a comma-separated list of IP addresses, CIDR ranges or `loopback`, `linklocal`, `uniquelocal` (e.g. `loopback` when nginx on the same machine forwards to zhibo). Per-IP limits then count the client, not the proxy, and links use the host the client asked for. From any other address these headers are ignored, so nobody can make zhibo hand out links to another host or dodge a limit.',
  }),
  viewerConnectionsPerDevice: def<number>({
    env: 'ZHIBO_VIEWER_CONNECTIONS_PER_DEVICE',
    default: 3,
    parse: int(0, 1000),
    help: "Video (HTTP-FLV / WS-FLV) connections per device id and room; a new one beyond it closes that device's oldest. 0: no cap.",
  }),
  viewerConnectionsPerIp: def<number>({
    env: 'ZHIBO_VIEWER_CONNECTIONS_PER_IP',
    default: 100,
    parse: int(0),
    help: 'Video connections per client address (IPv4, IPv6 /64) and room, whatever device ids they claim; more are refused with 429. 0: no cap.',
  }),
  pluginRatePerIp: def<number>({
    env: 'ZHIBO_PLUGIN_RATE_PER_IP',
    default: 50,
    parse: int(0),
    help: 'Plugin API requests (room reads, shares, subscriptions …; not the status read) per second per client address, bursts of 4×; more answer 429. 0: no limit.',
  }),
  renderRatePerIp: def<number>({
    env: 'ZHIBO_RENDER_RATE_PER_IP',
    default: 5,
    parse: int(0),
    help: 'Rendered images (`/qr`, `/poster`, `/card`) per second per client address, bursts of 4×; more answer 429. 0: no limit.',
  }),
  realtimeConnectionsPerIp: def<number>({
    env: 'ZHIBO_REALTIME_CONNECTIONS_PER_IP',
    default: 200,
    parse: int(0),
    help: 'Open realtime WebSockets (`/ws/room`, `/ws/site`) per client address; more are refused with 429. 0: no cap.',
  }),
  chatPerIp: def<number>({
    env: 'ZHIBO_CHAT_PER_IP',
    default: 30,
    parse: int(0),
    help: 'Chat messages per client address and room per 10 s, whatever device ids it uses (each viewer: 5 per 10 s). 0: no per-address limit.',
  }),
  muteByIpMs: def<number>({
    env: 'ZHIBO_MUTE_BY_IP_MS',
    default: 3_600_000,
    parse: int(0),
    help: "A mute also covers new anonymous device ids from the muted viewer's address in that room for this long (docs/realtime.md). 0: off.",
  }),
  metricsListen: def<HostPort | undefined>({
    env: 'ZHIBO_METRICS',
    flag: 'metrics',
    default: undefined,
    shown: '(unset)',
    parse: parseHostPort,
    help: 'Also serve `/metrics` (Prometheus), `/healthz` and `/readyz` on this HOST:PORT without a token (keep it private). `/metrics` on the HTTP port always needs the admin token.',
  }),
  accessLog: def<(typeof ACCESS_LOG_LEVELS)[number]>({
    env: 'ZHIBO_ACCESS_LOG',
    default: 'debug',
    parse: oneOf(ACCESS_LOG_LEVELS),
    help: 'Level of the access log (one line per request: id, method, route, status, time, app): `debug`, `info` or `off`.',
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
  (c) =>
    c.rtmpPreAuthMaxBytes > c.rtmpMaxMessageBytes
      ? `ZHIBO_RTMP_PREAUTH_MAX_BYTES (${c.rtmpPreAuthMaxBytes}) must not exceed ZHIBO_RTMP_MAX_MESSAGE_BYTES (${c.rtmpMaxMessageBytes})`
      : undefined,
  (c) => (c.redisUrl && !c.databaseUrl ? 'ZHIBO_REDIS_URL (cluster mode) needs DATABASE_URL: every node shares one PostgreSQL' : undefined),
];

/** How a default reads in --help and docs/configuration.md. */
export function shownDefault(key: SettingKey): string {
  const s = SETTINGS[key] as Setting<unknown>;
  if (s.shown) return s.shown;
  return String(s.default);
}
