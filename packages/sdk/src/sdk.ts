/**
 * One SDK instance: settings, identity, the plugin object, links and the room channel.
 * `createSdk()` makes as many as you like (no module-level singleton); browser.ts makes the
 * page's `window.zhibo`.
 */
import { PluginRoutes, compareVersions, type PluginConfigResponse, type PluginExplanationResponse } from '@zhibo/protocol';
import { backToLive, browserBackEnv, renderBackToLive, type BackToLive } from './back-to-live.js';
import { SdkClient, browserEnv, type SdkEnv, type SdkOptions } from './client.js';
import { explanation } from './explanation.js';
import { FollowApi } from './follow.js';
import { parseRoomLink, resolveLink, roomPageUrl, type RoomLink } from './links.js';
import { interceptPluginLinks, navigateTo, type NavigateOptions } from './navigate.js';
import { PLUGIN_NAME, StatusCache, createLivePlayerPlugin, type LivePlayerPlugin } from './plugin.js';
import { LiveNotices } from './live-notices.js';
import { RoomChannel, type RoomChannelOptions } from './realtime.js';
import { SiteChannel } from './site.js';

export interface ZhiboOptions extends SdkOptions {
  /** the plugin version the merchant pins (app.json `plugins["live-player-plugin"].version`); default: this SDK's */
  pluginVersion?: string;
  /** show the built-in "live now" banner for in-page reminders (default true; the `zhibo:live` event fires either way) */
  liveBanner?: boolean;
}

/** localStorage key: the apps this browser subscribed with (their site channels open on every page). */
export const APPS_KEY = 'zhibo.apps';

export interface ZhiboSdk {
  readonly version: string;
  readonly client: SdkClient;
  readonly statuses: StatusCache;
  /** follow the merchant (WeChat's long-term subscription): state, follow, unfollow */
  readonly follows: FollowApi;
  configure(opts: ZhiboOptions): void;
  /** `requirePlugin('live-player-plugin')` like a mini program (S-API-PLUGIN) */
  requirePlugin(name: string): LivePlayerPlugin;
  /** WeChat-style navigateTo: plugin room links open the room page (S-PLAYER-1) */
  navigateTo(opts: NavigateOptions): Promise<{ errMsg: string }>;
  /** make `<a href="plugin-private://…">` and `<navigator url=…>` links open the room page */
  interceptPluginLinks(root?: Document | HTMLElement): () => void;
  parseRoomLink(url: string): RoomLink | undefined;
  /** the room page URL for a plugin link, a room link object or a room id */
  roomPageUrl(link: string | number | RoomLink): string;
  /** S-GOODS-BACK: the way back to the room this page was opened from */
  backToLive(): BackToLive | undefined;
  renderBackToLive(label?: string): HTMLAnchorElement | undefined;
  /** the server's plugin config (minimum SDK version) */
  getConfig(): Promise<PluginConfigResponse>;
  /** S-PLAYER-3: is this SDK older than `min`? */
  isTooOld(min: string): boolean;
  /** a product's explanation clip from the live's replay (null when there is none, or not yet) */
  explanation(roomId: number, goodsId: number): Promise<PluginExplanationResponse | null>;
  /** open the real-time channel of a room (the caller calls connect() / close()) */
  roomChannel(roomId: number, extra?: Partial<RoomChannelOptions>): RoomChannel;
  /**
   * Open (once) the site channel of an app: in-page go-live reminders (`zhibo:live` event and banner) and status
   * changes of its rooms (`zhibo:status` event). `remember`: open it on every page of this site from now on.
   */
  watchSite(appid: string, opts?: { remember?: boolean }): SiteChannel;
  /** the apps remembered by watchSite({remember: true}) (a subscription made on this site) */
  rememberedApps(): string[];
}

export function createSdk(opts: ZhiboOptions = {}, env: SdkEnv = browserEnv()): ZhiboSdk {
  const { pluginVersion: pv, liveBanner, ...rest } = opts;
  let pluginVersion = pv;
  let banner = liveBanner !== false;
  const sites = new Map<string, SiteChannel>();
  let notices: LiveNotices | undefined;
  const remembered = (): string[] => {
    try {
      const v: unknown = JSON.parse(env.storage?.getItem(APPS_KEY) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(x)) : [];
    } catch {
      return [];
    }
  };
  const client = new SdkClient(env, rest);
  const statuses = new StatusCache(client);
  const plugin = createLivePlayerPlugin(client, statuses, () => pluginVersion ?? client.sdkVersion);
  const server = () => client.server;
  const assign = (url: string) => (typeof location !== 'undefined' ? location.assign(url) : undefined);
  return {
    get version() {
      return client.sdkVersion;
    },
    client,
    statuses,
    follows: new FollowApi(client),
    configure(o) {
      const { pluginVersion: v, liveBanner: b, ...r } = o;
      if (v !== undefined) pluginVersion = v;
      if (b !== undefined) banner = b;
      client.configure(r);
    },
    requirePlugin(name) {
      if (name !== PLUGIN_NAME) throw new Error(`zhibo: unknown plugin "${name}" (this SDK provides "${PLUGIN_NAME}")`);
      return plugin;
    },
    navigateTo: (o) => navigateTo(server, assign, o),
    interceptPluginLinks: (root) => interceptPluginLinks(server, assign, root ?? document),
    parseRoomLink,
    roomPageUrl(link) {
      if (typeof link === 'number') return roomPageUrl(client.server, { room_id: link });
      if (typeof link === 'string') return resolveLink(client.server, link);
      return roomPageUrl(client.server, link);
    },
    backToLive: () => backToLive(browserBackEnv(server)),
    renderBackToLive(label) {
      const b = backToLive(browserBackEnv(server));
      return b ? renderBackToLive(b, label) : undefined;
    },
    getConfig: () => client.get<PluginConfigResponse>(PluginRoutes.config, {}, { identity: false }),
    isTooOld: (min) => compareVersions(client.sdkVersion, min) < 0,
    explanation: (roomId, goodsId) => explanation(client, roomId, goodsId),
    roomChannel(roomId, extra = {}) {
      const ch = new RoomChannel({
        server: client.server,
        roomId,
        sdkVersion: client.sdkVersion,
        ...(client.viewerToken ? { viewerToken: client.viewerToken } : { deviceId: client.deviceId }),
        ...extra,
      });
      // S-API-PLUGIN-1: pushes refresh the status cache, so getLiveStatus callers see them without polling.
      ch.on('status', (m) => statuses.push(roomId, m.liveStatus));
      ch.on('welcome', (m) => statuses.push(roomId, m.room.liveStatus));
      return ch;
    },
    rememberedApps: remembered,
    watchSite(appid, o = {}) {
      if (o.remember && !remembered().includes(appid)) {
        try {
          env.storage?.setItem(APPS_KEY, JSON.stringify([...remembered(), appid].slice(-10)));
        } catch {
          // storage blocked: this page only
        }
      }
      const open = sites.get(appid);
      if (open) return open;
      const ch = new SiteChannel({
        server: client.server,
        appid,
        sdkVersion: client.sdkVersion,
        ...(client.viewerToken ? { viewerToken: client.viewerToken } : { deviceId: client.deviceId }),
      });
      sites.set(appid, ch);
      ch.on('status', (m) => statuses.push(m.roomId, m.liveStatus));
      if (typeof document !== 'undefined') {
        notices ??= new LiveNotices({
          document,
          storage: env.storage,
          roomUrl: (id) => roomPageUrl(client.server, { room_id: id }),
          get banner() {
            return banner;
          },
        });
        notices.attach(ch);
      }
      ch.connect();
      return ch;
    },
  };
}
