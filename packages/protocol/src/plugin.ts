/** The plugin-facing read API (S-API-PLUGIN) used by the browser SDK. */
import type { LiveStatus } from './status.js';

/** Where the browser SDK reads from (relative to the zhibo server's base URL). */
export const PluginRoutes = {
  status: '/api/plugin/v1/status',
  openid: '/api/plugin/v1/openid',
  shareParams: '/api/plugin/v1/share-params',
  room: '/api/plugin/v1/room',
  config: '/api/plugin/v1/config',
} as const;

/** Errors the SDK rejects with (S-API-PLUGIN-4). Stable codes; values only ever added. */
export const PluginErrorCode = {
  BadRequest: 'bad_request',
  RoomNotFound: 'room_not_found',
  Unauthorized: 'unauthorized',
  NotShareEntry: 'not_share_entry',
  Network: 'network',
  VersionTooOld: 'version_too_old',
} as const;
export type PluginErrorCode = (typeof PluginErrorCode)[keyof typeof PluginErrorCode];

export interface PluginError {
  errcode: PluginErrorCode;
  errmsg: string;
}

/** GET status?room_id= → S-API-PLUGIN-1 */
export interface PluginStatusResponse {
  liveStatus: LiveStatus;
  /** seconds the client should wait before asking again (S-API-PLUGIN-1: at most once a minute) */
  maxAge: number;
}

/** GET openid?room_id= (+ viewer identity headers) → S-API-PLUGIN-2 */
export interface PluginOpenidResponse {
  openid: string;
}

/** S-API-PLUGIN-3 */
export interface PluginShareParams {
  room_id: number;
  openid: string;
  share_openid: string;
  custom_params: Record<string, unknown> | string;
}

/** Viewer identity sent by the SDK: a device id (anonymous) or a merchant-signed viewer token (JWT). */
export const ViewerHeaders = {
  deviceId: 'x-zhibo-device',
  viewerToken: 'x-zhibo-viewer-token',
  sdkVersion: 'x-zhibo-sdk-version',
} as const;

export interface PluginConfigResponse {
  /** S-PLAYER-3 / S-VERSION: clients older than this get video only */
  minSdkVersion: string;
  latestSdkVersion: string;
}
