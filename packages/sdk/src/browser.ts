/**
 * The script-tag SDK (`<script src="https://live.example.com/sdk/zhibo-sdk.js" data-appid="wx…" data-viewer-token="…">`):
 * sets `window.zhibo` (and `window.requirePlugin` when the page has none), intercepts plugin links,
 * defines `<zhibo-back-to-live>`, `<zhibo-subscribe>` and `<zhibo-explanation>`, and opens the site channel of
 * `data-appid` (and of every app this browser subscribed with here) for in-page "live now" reminders (live-notices.ts;
 * `data-live-banner="off"` keeps the `zhibo:live` event and drops the banner). Works as a classic or a module script.
 * Player libraries are not included.
 */
import { SDK_VERSION } from '@zhibo/protocol';
import { browserBackEnv, defineBackToLive } from './back-to-live.js';
import { defineExplanation } from './explanation.js';
import { createSdk, type ZhiboSdk } from './sdk.js';
import { defineSubscribe } from './subscribe.js';

declare global {
  interface Window {
    zhibo?: ZhiboSdk;
    requirePlugin?: (name: string) => unknown;
  }
}

function scriptTag(): HTMLScriptElement | null {
  const cur = document.currentScript;
  if (cur instanceof HTMLScriptElement) return cur;
  return document.querySelector<HTMLScriptElement>('script[data-zhibo-sdk], script[src*="zhibo-sdk"]');
}

if (!window.zhibo) {
  const tag = scriptTag();
  let server: string | undefined = tag?.dataset.server;
  if (!server && tag?.src) {
    try {
      server = new URL(tag.src, location.href).origin; // the server that served this file
    } catch {
      server = undefined;
    }
  }
  const sdk = createSdk({
    ...(server ? { server } : {}),
    ...(tag?.dataset.viewerToken ? { viewerToken: tag.dataset.viewerToken } : {}),
    ...(tag?.dataset.pluginVersion ? { pluginVersion: tag.dataset.pluginVersion } : {}),
    ...(tag?.dataset.liveBanner === 'off' ? { liveBanner: false } : {}),
  });
  window.zhibo = sdk;
  window.requirePlugin ??= (name: string) => sdk.requirePlugin(name);
  defineBackToLive(
    () => browserBackEnv(() => sdk.client.server),
    'zhibo-back-to-live',
    () => sdk.client,
  );
  // <zhibo-subscribe room-id="ID"> (S-SUB-2): its room's app gets a site channel (status pushes, reminders)
  defineSubscribe(() => sdk.client, 'zhibo-subscribe', {
    onApp: (appid, subscribed) => void sdk.watchSite(appid, { remember: subscribed }),
    roomUrl: (id) => sdk.roomPageUrl(id),
  });
  defineExplanation(() => sdk.client); // <zhibo-explanation room-id="ID" goods-id="ID"> (a product's explanation clip)
  const start = () => {
    if (tag?.dataset.interceptLinks !== 'false') sdk.interceptPluginLinks(document);
    const apps = new Set(sdk.rememberedApps());
    const own = tag?.dataset.appid;
    if (own && /^[A-Za-z0-9_-]{1,64}$/.test(own)) apps.add(own);
    for (const appid of apps) sdk.watchSite(appid);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  document.dispatchEvent(new CustomEvent('zhibo:ready', { detail: { version: SDK_VERSION } }));
}
