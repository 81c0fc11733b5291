/**
 * S-SUB-2: the subscribe button, `<zhibo-subscribe room-id="ID">`, usable on any page of the
 * merchant's site (WeChat's `<subscribe>` plugin component). It shows subscribe / subscribed /
 * not available, calls the plugin API with the SDK's identity headers, and — when the app
 * delivers reminders by Web Push — registers the service worker and a PushSubscription first.
 *
 * Attributes: `room-id` (required); `push="off"` never asks for notification permission;
 * `sw-url` the service worker's URL on THIS page's origin (default `/zhibo-sw.js`: a service worker
 * must come from the page's own origin — serve or proxy zhibo's /zhibo-sw.js there); `label`,
 * `subscribed-label`, `unavailable-label`, `live-label` override the texts (default: the browser's language).
 * When the room goes live (a `zhibo:status` event from the SDK's site channel, or the state read) it turns into
 * "Watch now", which opens the room page; when it ends, "The live has ended".
 * Events: `zhibo-subscribe` (detail `{subscribed, push}`) and `zhibo-subscribe-error` (detail a PluginError).
 */
import {
  PluginErrorCode,
  ReminderRoutes,
  SubscribeErrorCode,
  type PushSubscriptionJson,
  type SubscribeResponse,
  type SubscriptionState,
  type VapidKeyResponse,
} from '@zhibo/protocol';
import type { SdkClient } from './client.js';
import { sdkText } from './i18n.js';
import type { StatusNotice } from './live-notices.js';
import { asPluginError, isPluginError, pluginError } from './errors.js';
import { shadowStyle } from './shadow-style.js';

/** The subscribe calls of the plugin API (also usable without the component). */
export class SubscribeApi {
  constructor(private readonly client: SdkClient) {}

  state(roomId: number): Promise<SubscriptionState> {
    return this.client.get<SubscriptionState>(ReminderRoutes.subscription, { room_id: roomId });
  }

  vapidPublicKey(roomId: number): Promise<string> {
    return this.client
      .get<VapidKeyResponse>(ReminderRoutes.vapidPublicKey, { room_id: roomId }, { identity: false })
      .then((r) => r.publicKey);
  }

  subscribe(roomId: number, pushSubscription?: PushSubscriptionJson | null): Promise<SubscribeResponse> {
    return this.post(ReminderRoutes.subscribe, { room_id: roomId, ...(pushSubscription ? { push_subscription: pushSubscription } : {}) });
  }

  unsubscribe(roomId: number): Promise<SubscribeResponse> {
    return this.post(ReminderRoutes.unsubscribe, { room_id: roomId });
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.client.env.fetch(this.client.url(path), {
        method: 'POST',
        headers: { ...this.client.identityHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
      });
    } catch (e) {
      throw asPluginError(e);
    }
    let out: unknown;
    try {
      out = await res.json();
    } catch {
      out = undefined;
    }
    if (res.ok && out !== undefined) return out as T;
    if (isPluginError(out)) throw out;
    throw pluginError(PluginErrorCode.Network, `the zhibo server answered HTTP ${res.status} for ${path}`);
  }
}

function b64urlBytes(s: string): Uint8Array {
  const b64 = s
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(s.length / 4) * 4, '=');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Register the service worker and subscribe to push with the app's VAPID key. Undefined when the
 * browser can not (no service worker / PushManager, permission refused): the other channels still work.
 */
export async function browserPushSubscription(api: SubscribeApi, roomId: number, swUrl: string): Promise<PushSubscriptionJson | undefined> {
  if (
    typeof navigator === 'undefined' ||
    !('serviceWorker' in navigator) ||
    typeof PushManager === 'undefined' ||
    typeof Notification === 'undefined'
  )
    return undefined;
  try {
    const key = await api.vapidPublicKey(roomId);
    const perm = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    if (perm !== 'granted') return undefined;
    const reg = await navigator.serviceWorker.register(swUrl);
    await navigator.serviceWorker.ready;
    const existing = await reg.pushManager.getSubscription();
    const sub =
      existing ??
      (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlBytes(key) as Uint8Array<ArrayBuffer> }));
    return sub.toJSON() as PushSubscriptionJson;
  } catch {
    // e.g. the app changed its VAPID key (InvalidStateError), or the service worker is not served on this origin
    return undefined;
  }
}

const STYLE = `:host{display:inline-block}
button{font:600 14px/1.2 -apple-system,BlinkMacSystemFont,"PingFang SC","Helvetica Neue",sans-serif;padding:9px 18px;border-radius:999px;border:0;cursor:pointer;
background:linear-gradient(90deg,#ff4d6d,#ff7a45);color:#fff}
button[data-state=subscribed]{background:#f2f2f2;color:#666}
button[data-state=unavailable],button[data-state=loading],button[data-state=ended]{background:#e6e6e6;color:#999;cursor:default}
button[data-state=live]{background:#ff3b5c}`;

type UiState = 'loading' | 'subscribe' | 'subscribed' | 'unavailable' | 'live' | 'ended';

const LIVE: readonly number[] = [101, 105, 106];
const FINAL: readonly number[] = [103, 104, 107];

/** What the component asks of the SDK around it (the script-tag SDK passes these). */
export interface SubscribeHooks {
  /** the room's app is known: open its site channel (status pushes); `subscribed`: remember it for other pages */
  onApp?(appid: string, subscribed: boolean): void;
  /** the room page of a room ("Watch now") */
  roomUrl?(roomId: number): string;
}

/** Define `<zhibo-subscribe>` (once per page); `clientOf` gives the SDK client (server, identity). */
export function defineSubscribe(clientOf: () => SdkClient, name = 'zhibo-subscribe', hooks: SubscribeHooks = {}): void {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(
    name,
    class extends HTMLElement {
      static get observedAttributes() {
        return ['room-id'];
      }
      private button: HTMLButtonElement | undefined;
      private state: UiState = 'loading';
      private busy = false;
      private readonly onStatus = (e: Event) => {
        const d = (e as CustomEvent<StatusNotice>).detail;
        if (!d || d.roomId !== this.roomId) return;
        if (LIVE.includes(d.liveStatus)) this.render('live');
        else if (FINAL.includes(d.liveStatus)) this.render('ended');
      };

      disconnectedCallback() {
        document.removeEventListener('zhibo:status', this.onStatus);
      }

      connectedCallback() {
        document.addEventListener('zhibo:status', this.onStatus);
        const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
        this.button = document.createElement('button');
        this.button.setAttribute('part', 'button');
        this.button.addEventListener('click', () => void this.toggle());
        root.replaceChildren(...shadowStyle(root, STYLE), this.button);
        void this.refresh(); // fire-and-forget: refresh() catches everything (button 'unavailable' + a zhibo-subscribe-error event)
      }

      attributeChangedCallback() {
        if (this.button) void this.refresh(); // a DOM callback; refresh() never rejects (see connectedCallback)
      }

      private get roomId(): number | undefined {
        const n = Number(this.getAttribute('room-id'));
        return Number.isInteger(n) && n > 0 ? n : undefined;
      }

      private render(state: UiState) {
        this.state = state;
        const b = this.button;
        if (!b) return;
        b.dataset.state = state;
        b.disabled = state === 'loading' || state === 'unavailable' || state === 'ended';
        const t = sdkText();
        b.textContent =
          state === 'subscribed'
            ? (this.getAttribute('subscribed-label') ?? t.subscribed)
            : state === 'unavailable'
              ? (this.getAttribute('unavailable-label') ?? t.unavailable)
              : state === 'live'
                ? (this.getAttribute('live-label') ?? t.watchNow)
                : state === 'ended'
                  ? t.ended
                  : state === 'loading'
                    ? '…'
                    : (this.getAttribute('label') ?? t.subscribe);
      }

      private fail(e: unknown) {
        this.dispatchEvent(new CustomEvent('zhibo-subscribe-error', { detail: asPluginError(e), bubbles: true, composed: true }));
      }

      private async refresh() {
        const id = this.roomId;
        if (id === undefined) return this.render('unavailable');
        this.render('loading');
        try {
          const s = await new SubscribeApi(clientOf()).state(id);
          if (s.appid) hooks.onApp?.(s.appid, s.subscribed);
          this.render(
            LIVE.includes(s.liveStatus)
              ? 'live'
              : FINAL.includes(s.liveStatus)
                ? 'ended'
                : !s.available
                  ? 'unavailable'
                  : s.subscribed
                    ? 'subscribed'
                    : 'subscribe',
          );
        } catch (e) {
          this.render('unavailable');
          this.fail(e);
        }
      }

      private async toggle() {
        const id = this.roomId;
        if (id === undefined || this.busy || this.state === 'unavailable' || this.state === 'loading' || this.state === 'ended') return;
        if (this.state === 'live') {
          location.assign(hooks.roomUrl?.(id) ?? `${clientOf().server}/room/?room_id=${id}`);
          return;
        }
        this.busy = true;
        const api = new SubscribeApi(clientOf());
        try {
          if (this.state === 'subscribed') {
            await api.unsubscribe(id);
            this.render('subscribe');
            this.dispatchEvent(
              new CustomEvent('zhibo-subscribe', { detail: { subscribed: false, push: false }, bubbles: true, composed: true }),
            );
            return;
          }
          const s = await api.state(id);
          const push =
            s.webpush && this.getAttribute('push') !== 'off'
              ? await browserPushSubscription(api, id, this.getAttribute('sw-url') ?? '/zhibo-sw.js')
              : undefined;
          await api.subscribe(id, push);
          if (s.appid) hooks.onApp?.(s.appid, true);
          this.render('subscribed');
          this.dispatchEvent(
            new CustomEvent('zhibo-subscribe', { detail: { subscribed: true, push: !!push }, bubbles: true, composed: true }),
          );
        } catch (e) {
          if (isPluginError(e) && (e.errcode as string) === SubscribeErrorCode.NotSubscribable) this.render('unavailable');
          this.fail(e);
        } finally {
          this.busy = false;
        }
      }
    },
  );
}
