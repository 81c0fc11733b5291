/** @zhibo/sdk — the browser SDK (S-API-PLUGIN, S-PLAYER, S-PARAMS, S-GOODS-BACK). Docs: docs/sdk.md. */
export { createSdk, APPS_KEY, type ZhiboSdk, type ZhiboOptions } from './sdk.js';
export { SiteChannel, siteSocketUrl, type SiteChannelEvents, type SiteChannelOptions } from './site.js';
export { LiveNotices, LIVE_SHOWN_KEY, type LiveNotice, type StatusNotice, type LiveNoticesEnv } from './live-notices.js';
export { pickLanguage, sdkText, SDK_TEXT, type UiLanguage } from './i18n.js';
export { SdkClient, browserEnv, randomDeviceId, isDeviceId, DEVICE_KEY, type SdkEnv, type SdkOptions } from './client.js';
export {
  StatusCache,
  createLivePlayerPlugin,
  PLUGIN_NAME,
  OPENID_MIN_VERSION,
  STATUS_MIN_INTERVAL_MS,
  type LivePlayerPlugin,
  type RoomIdArg,
} from './plugin.js';
export {
  parseRoomLink,
  roomLinkFromQuery,
  roomLinkQuery,
  roomPageUrl,
  pluginRoomLink,
  resolveLink,
  isPluginRoomLink,
  merchantPageUrl,
  SHARE_SCENES,
  type RoomLink,
  type ShareScene,
  type EntryType,
  type OutboundParams,
} from './links.js';
export { navigateTo, interceptPluginLinks, type NavigateOptions } from './navigate.js';
export { backToLive, browserBackEnv, renderBackToLive, defineBackToLive, type BackToLive, type BackToLiveEnv } from './back-to-live.js';
export { RoomChannel, roomSocketUrl, type RoomChannelEvents, type RoomChannelOptions, type ChannelState } from './realtime.js';
export {
  LivePlayer,
  detectCaps,
  pickTech,
  type PlayerTech,
  type PlayerCaps,
  type LivePlayerOptions,
  type LivePlayerEvents,
  type MpegtsModule,
  type HlsModule,
} from './player.js';
export { LiveLatencyController, LIVE_LATENCY_DEFAULTS, type LiveLatencyOptions, type LiveLatencyStats } from './live-latency.js';
export { formatFen, priceLabel, formatCount, formatCountdown, type PriceLabel } from './format.js';
export { pluginError, isPluginError } from './errors.js';
export { Emitter } from '@zhibo/protocol';
export { SubscribeApi, defineSubscribe, browserPushSubscription, type SubscribeHooks } from './subscribe.js';
export { FollowApi } from './follow.js';
export { explanation, defineExplanation } from './explanation.js';
