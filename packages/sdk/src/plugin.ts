/**
 * `requirePlugin('live-player-plugin')` (S-API-PLUGIN-1..4): getLiveStatus, getOpenid, getShareParams
 * with the seed's promise shapes; failures reject with `{errcode, errmsg}`.
 */
import {
  PluginErrorCode,
  PluginRoutes,
  compareVersions,
  isLiveStatus,
  type LiveStatus,
  type PluginOpenidResponse,
  type PluginShareParams,
  type PluginStatusResponse,
} from '@zhibo/protocol';
import type { SdkClient } from './client.js';
import { pluginError } from './errors.js';

export const PLUGIN_NAME = 'live-player-plugin';
/** S-VERSION: getOpenid and getShareParams exist from plugin version 1.0.4. */
export const OPENID_MIN_VERSION = '1.0.4';
/** S-API-PLUGIN-1: callers ask the server at most once a minute. */
export const STATUS_MIN_INTERVAL_MS = 60_000;

export type RoomIdArg = { room_id: number | string };

export interface LivePlayerPlugin {
  getLiveStatus(opts: RoomIdArg): Promise<{ liveStatus: LiveStatus }>;
  getOpenid(opts: RoomIdArg): Promise<{ openid: string }>;
  /** The share-card entry of the current page (its query: room_id, share_openid, share_sig, custom_params). */
  getShareParams(query?: string | URLSearchParams): Promise<PluginShareParams>;
}

function roomIdOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
}

interface Entry {
  status?: LiveStatus;
  error?: unknown;
  /** when the value was fetched or pushed (ms) */
  at: number;
  maxAgeMs: number;
  inflight?: Promise<LiveStatus>;
}

/**
 * Live status per room: the first call goes to the server at once; then callers are served from
 * memory until the answer is a minute old (or a push from the real-time channel refreshes it).
 * Concurrent callers share one request.
 */
export class StatusCache {
  private readonly rooms = new Map<number, Entry>();
  /** requests sent (tests and diagnostics) */
  requests = 0;

  constructor(private readonly client: SdkClient) {}

  get(roomId: number): Promise<LiveStatus> {
    const now = this.client.env.now();
    const e = this.rooms.get(roomId);
    if (e?.inflight) return e.inflight;
    if (e && now - e.at < e.maxAgeMs) return e.status !== undefined ? Promise.resolve(e.status) : Promise.reject(e.error);
    const inflight = this.fetch(roomId, e);
    this.rooms.set(roomId, { ...(e ?? { at: now, maxAgeMs: STATUS_MIN_INTERVAL_MS }), inflight });
    return inflight;
  }

  private async fetch(roomId: number, prev: Entry | undefined): Promise<LiveStatus> {
    this.requests++;
    try {
      const r = await this.client.get<PluginStatusResponse>(PluginRoutes.status, { room_id: roomId }, { identity: false });
      if (!isLiveStatus(r.liveStatus)) throw pluginError(PluginErrorCode.Network, 'the server answered an unknown live status');
      const maxAgeMs = Math.max(STATUS_MIN_INTERVAL_MS, (Number(r.maxAge) || 0) * 1000);
      this.rooms.set(roomId, { status: r.liveStatus, at: this.client.env.now(), maxAgeMs });
      return r.liveStatus;
    } catch (err) {
      // Keep to one request a minute even when failing; a network failure serves the last known status.
      const stale = (err as { errcode?: string }).errcode === PluginErrorCode.Network ? prev?.status : undefined;
      this.rooms.set(roomId, { status: stale, error: err, at: this.client.env.now(), maxAgeMs: STATUS_MIN_INTERVAL_MS });
      if (stale !== undefined) return stale;
      throw err;
    }
  }

  /** A status pushed by the real-time channel: fresher than any poll. */
  push(roomId: number, status: LiveStatus): void {
    const e = this.rooms.get(roomId);
    this.rooms.set(roomId, {
      status,
      at: this.client.env.now(),
      maxAgeMs: e?.maxAgeMs ?? STATUS_MIN_INTERVAL_MS,
      ...(e?.inflight ? { inflight: e.inflight } : {}),
    });
  }

  peek(roomId: number): LiveStatus | undefined {
    return this.rooms.get(roomId)?.status;
  }
}

export function createLivePlayerPlugin(client: SdkClient, statuses: StatusCache, pluginVersion: () => string): LivePlayerPlugin {
  const badRoom = () => Promise.reject(pluginError(PluginErrorCode.BadRequest, 'room_id must be a positive integer'));
  const gate = (what: string) =>
    compareVersions(pluginVersion(), OPENID_MIN_VERSION) < 0
      ? Promise.reject(
          pluginError(
            PluginErrorCode.VersionTooOld,
            `${what} needs plugin version ${OPENID_MIN_VERSION} or newer (pinned: ${pluginVersion()})`,
          ),
        )
      : undefined;
  return {
    getLiveStatus(opts) {
      const id = roomIdOf(opts?.room_id);
      if (id === undefined) return badRoom();
      return statuses.get(id).then((liveStatus) => ({ liveStatus }));
    },
    getOpenid(opts) {
      const gated = gate('getOpenid');
      if (gated) return gated;
      const id = roomIdOf(opts?.room_id);
      if (id === undefined) return badRoom();
      return client.get<PluginOpenidResponse>(PluginRoutes.openid, { room_id: id }).then((r) => ({ openid: r.openid }));
    },
    getShareParams(query) {
      const gated = gate('getShareParams');
      if (gated) return gated;
      const q = query instanceof URLSearchParams ? query : new URLSearchParams(query ?? client.env.location?.search ?? '');
      const id = roomIdOf(q.get('room_id') ?? undefined);
      if (id === undefined)
        return Promise.reject(
          pluginError(
            PluginErrorCode.NotShareEntry,
            'this page was not opened from a live room or its share card (no room_id in the query)',
          ),
        );
      return client
        .get<PluginShareParams>(PluginRoutes.shareParams, {
          room_id: id,
          share_openid: q.get('share_openid') ?? undefined,
          share_sig: q.get('share_sig') ?? undefined,
          custom_params: q.get('custom_params') ?? undefined,
        })
        .then((r) => ({ room_id: r.room_id, openid: r.openid, share_openid: r.share_openid, custom_params: r.custom_params }));
    },
  };
}
