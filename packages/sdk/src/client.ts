/**
 * The SDK's connection settings and HTTP reads: the server base URL, the viewer's identity
 * (a device id kept in localStorage, or a viewer token the merchant's page passes) and the SDK version.
 */
import { PluginErrorCode, SDK_VERSION, ViewerHeaders } from '@zhibo/protocol';
import { asPluginError, isPluginError, pluginError } from './errors.js';

export interface SdkOptions {
  /** the zhibo server's base URL, e.g. https://live.example.com (default: the page's origin) */
  server?: string;
  /** a JWT (HS256, `sub` = the merchant's user id) signed by the merchant's server with the app's sign key */
  viewerToken?: string;
  /** override the stored device id (8–64 of [A-Za-z0-9_-]) */
  deviceId?: string;
  /** the version the SDK reports (tests; defaults to SDK_VERSION) */
  sdkVersion?: string;
}

/** What the SDK needs from its surroundings (a browser by default; tests pass fakes). */
export interface SdkEnv {
  fetch: typeof fetch;
  now: () => number;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** the page's location (for defaults and relative links) */
  location: { origin: string; href: string; search: string } | null;
}

export const DEVICE_KEY = 'zhibo.deviceId';
const DEVICE_RE = /^[A-Za-z0-9_-]{8,64}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function randomDeviceId(length = 24): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += ALPHABET[b & 63];
  return s;
}

export function isDeviceId(v: unknown): v is string {
  return typeof v === 'string' && DEVICE_RE.test(v);
}

export function browserEnv(): SdkEnv {
  let storage: SdkEnv['storage'] = null;
  try {
    storage = typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    storage = null; // storage blocked (private mode, sandboxed iframe): the id lives in memory only
  }
  return {
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    storage,
    location: typeof location === 'undefined' ? null : location,
  };
}

export class SdkClient {
  private opts: SdkOptions = {};
  private device: string | undefined;

  constructor(
    readonly env: SdkEnv,
    opts: SdkOptions = {},
  ) {
    this.configure(opts);
  }

  configure(opts: SdkOptions): void {
    if (opts.server !== undefined) {
      let u: URL;
      try {
        u = new URL(opts.server);
      } catch {
        throw new TypeError(`zhibo: server must be an absolute URL like https://live.example.com, not "${opts.server}"`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`zhibo: server must be http(s), not ${u.protocol}`);
    }
    if (opts.deviceId !== undefined && !isDeviceId(opts.deviceId)) throw new TypeError('zhibo: deviceId must be 8–64 of [A-Za-z0-9_-]');
    this.opts = { ...this.opts, ...opts };
    if (opts.deviceId) this.device = opts.deviceId;
  }

  /** The server's base URL without a trailing slash. */
  get server(): string {
    const s = this.opts.server ?? this.env.location?.origin;
    if (!s) throw new TypeError('zhibo: no server configured; call configure({ server: "https://live.example.com" })');
    return s.replace(/\/+$/, '');
  }

  get sdkVersion(): string {
    return this.opts.sdkVersion ?? SDK_VERSION;
  }

  get viewerToken(): string | undefined {
    return this.opts.viewerToken || undefined;
  }

  /** The anonymous viewer's device id: random, persisted in localStorage (memory when storage is blocked). */
  get deviceId(): string {
    if (this.device) return this.device;
    let id: string | null = null;
    try {
      id = this.env.storage?.getItem(DEVICE_KEY) ?? null;
    } catch {
      id = null;
    }
    if (!isDeviceId(id)) {
      id = randomDeviceId();
      try {
        this.env.storage?.setItem(DEVICE_KEY, id);
      } catch {
        // quota or blocked storage: keep it for this page only
      }
    }
    this.device = id;
    return id;
  }

  /** Identity headers for reads that need to know who is asking (openid, share params, share links). */
  identityHeaders(): Record<string, string> {
    const h: Record<string, string> = { [ViewerHeaders.sdkVersion]: this.sdkVersion, [ViewerHeaders.deviceId]: this.deviceId };
    const t = this.viewerToken;
    if (t) h[ViewerHeaders.viewerToken] = t;
    return h;
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const u = new URL(path, `${this.server}/`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * GET a plugin read. `identity: false` sends no custom headers, so the browser needs no CORS
   * preflight (status polling stays one cheap request). Rejects with a PluginError.
   */
  async get<T>(path: string, query: Record<string, string | number | undefined> = {}, opts: { identity?: boolean } = {}): Promise<T> {
    let res: Response;
    try {
      res = await this.env.fetch(this.url(path, query), {
        headers: opts.identity === false ? {} : this.identityHeaders(),
        credentials: 'omit',
      });
    } catch (e) {
      throw asPluginError(e);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (res.ok && body !== undefined) return body as T;
    if (isPluginError(body)) throw body;
    throw pluginError(PluginErrorCode.Network, `the zhibo server answered HTTP ${res.status} for ${path}`);
  }
}
