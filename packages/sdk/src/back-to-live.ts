/**
 * S-GOODS-BACK: a goods page opened from the room offers a way back to the live room.
 * navigateBack semantics: history.back() when we came from that room page, else open the room.
 */
import { WebRoutes } from '@zhibo/protocol';
import { roomLinkFromQuery, roomPageUrl, type RoomLink } from './links.js';
import { shadowStyle } from './shadow-style.js';

export interface BackToLiveEnv {
  server: () => string;
  search: string;
  referrer: string;
  historyLength: number;
  back: () => void;
  assign: (url: string) => void;
}

export interface BackToLive {
  roomId: number;
  /** the room page URL (used when there is no history to go back to) */
  href: string;
  /** true when the previous page is this room's page (go() uses history.back()) */
  fromRoom: boolean;
  go(): void;
}

/** The way back for this page, or undefined when the page was not opened from a room (no room_id in its query). */
export function backToLive(env: BackToLiveEnv): BackToLive | undefined {
  const link = roomLinkFromQuery(env.search);
  if (!link) return undefined;
  // Back into the room keeps the entry (custom_params, share chain); openid is not part of a room link.
  const back: RoomLink = { ...link };
  const href = roomPageUrl(env.server(), back);
  let fromRoom = false;
  try {
    const r = new URL(env.referrer);
    const s = new URL(env.server());
    fromRoom = r.origin === s.origin && r.pathname === WebRoutes.roomPage && r.searchParams.get('room_id') === String(link.room_id);
  } catch {
    fromRoom = false;
  }
  return {
    roomId: link.room_id,
    href,
    fromRoom,
    go() {
      if (fromRoom && env.historyLength > 1) env.back();
      else env.assign(href);
    },
  };
}

export function browserBackEnv(server: () => string): BackToLiveEnv {
  return {
    server,
    search: location.search,
    referrer: document.referrer,
    historyLength: history.length,
    back: () => history.back(),
    assign: (u) => location.assign(u),
  };
}

/** A ready-made "back to live" link (an `<a>` so it also works without script handlers). */
export function renderBackToLive(b: BackToLive, label = '返回直播间 · Back to live'): HTMLAnchorElement {
  const a = document.createElement('a');
  a.className = 'zhibo-back-to-live';
  a.href = b.href;
  a.textContent = `◀ ${label}`;
  a.setAttribute('data-room-id', String(b.roomId));
  a.addEventListener('click', (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    b.go();
  });
  return a;
}

const STYLE = `:host{position:fixed;left:12px;bottom:calc(16px + env(safe-area-inset-bottom));z-index:2147483000}
:host([inline]){position:static}
a{display:inline-flex;align-items:center;gap:6px;padding:10px 16px;border-radius:999px;background:linear-gradient(90deg,#ff4d6d,#ff7a45);
color:#fff;font:600 14px/1.2 -apple-system,BlinkMacSystemFont,"PingFang SC","Helvetica Neue",sans-serif;text-decoration:none;box-shadow:0 4px 14px rgba(255,77,109,.35)}
a::before{content:"";width:8px;height:8px;border-radius:50%;background:#fff;animation:p 1.2s infinite}
@keyframes p{50%{opacity:.3}}`;

/** `<zhibo-back-to-live [label="…"] [inline]>`: renders nothing when the page was not opened from a room. */
export function defineBackToLive(envOf: () => BackToLiveEnv, name = 'zhibo-back-to-live'): void {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(
    name,
    class extends HTMLElement {
      connectedCallback() {
        const b = backToLive(envOf());
        const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
        root.replaceChildren();
        if (!b) return;
        const a = renderBackToLive(b, this.getAttribute('label') ?? undefined);
        a.setAttribute('part', 'link');
        root.append(...shadowStyle(root, STYLE), a);
      }
    },
  );
}
