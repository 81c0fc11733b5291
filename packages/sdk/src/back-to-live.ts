/**
 * S-GOODS-BACK: a goods page opened from the room offers a way back to the live room.
 * navigateBack semantics: history.back() when we came from that room page (the room page says so explicitly with
 * `zb_back=1` on the link: the referrer is hidden by its referrer policy), so the running room comes back without a
 * reload where the browser keeps it (back/forward cache); else the room replaces this page, so Back never loops.
 */
import { WebRoutes } from '@zhibo/protocol';
import type { SdkClient } from './client.js';
import { roomLinkFromQuery, roomPageUrl, type RoomLink } from './links.js';
import { shadowStyle } from './shadow-style.js';
import { miniPlayer } from './mini-player.js';

export interface BackToLiveEnv {
  server: () => string;
  search: string;
  referrer: string;
  historyLength: number;
  back: () => void;
  assign: (url: string) => void;
  /** open without a new history entry (no Back-button loop) */
  replace?: (url: string) => void;
  /** run later (the fallback when history.back() did not leave the page) */
  later?: (fn: () => void, ms: number) => void;
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
  // The room page marks its links (zb_back=1). Its referrer policy leaves at most its origin in the referrer: a
  // referrer from anywhere else means the link was passed on (shared, opened from another site), not followed here.
  const marked = new URLSearchParams(env.search).get('zb_back') === '1';
  let fromRoom = false;
  try {
    const r = new URL(env.referrer);
    const s = new URL(env.server());
    fromRoom =
      r.origin === s.origin && (marked || (r.pathname === WebRoutes.roomPage && r.searchParams.get('room_id') === String(link.room_id)));
  } catch {
    fromRoom = marked && !env.referrer; // no referrer at all (some in-app browsers): trust the mark
  }
  return {
    roomId: link.room_id,
    href,
    fromRoom,
    go() {
      const open = env.replace ?? env.assign;
      if (fromRoom && env.historyLength > 1) {
        env.back();
        // opened in a new tab with the mark copied: nothing to go back to, so open the room instead
        env.later?.(() => open(href), 800);
      } else open(href);
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
    replace: (u) => location.replace(u),
    later: (fn, ms) => {
      const t = setTimeout(fn, ms);
      addEventListener('pagehide', () => clearTimeout(t), { once: true });
    },
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
.mini{position:fixed;right:12px;bottom:calc(76px + env(safe-area-inset-bottom));width:108px;height:192px;border-radius:12px;overflow:hidden;background:#000;
box-shadow:0 6px 22px rgba(0,0,0,.35);cursor:pointer}
.mini video{width:100%;height:100%;object-fit:cover;display:block}
.mini button{position:absolute;top:4px;width:24px;height:24px;border:0;border-radius:50%;background:rgba(0,0,0,.55);color:#fff;font-size:15px;line-height:1;cursor:pointer}
.mini .x{right:4px}.mini .pip{left:4px;font-size:13px}
a{display:inline-flex;align-items:center;gap:6px;padding:10px 16px;border-radius:999px;background:linear-gradient(90deg,#ff4d6d,#ff7a45);
color:#fff;font:600 14px/1.2 -apple-system,BlinkMacSystemFont,"PingFang SC","Helvetica Neue",sans-serif;text-decoration:none;box-shadow:0 4px 14px rgba(255,77,109,.35)}
a::before{content:"";width:8px;height:8px;border-radius:50%;background:#fff;animation:p 1.2s infinite}
@keyframes p{50%{opacity:.3}}`;

/**
 * `<zhibo-back-to-live [label="…"] [inline] [mini="off"]>`: renders nothing when the page was not opened from a room;
 * while that room is live it also floats a muted mini-player of it (tap: back to the room) unless `mini="off"`.
 */
export function defineBackToLive(envOf: () => BackToLiveEnv, name = 'zhibo-back-to-live', clientOf?: () => SdkClient): void {
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
        // fire-and-forget from a DOM callback: miniPlayer() gives undefined when the room cannot be read; the mini-player
        // is an extra, so any other failure (building the player) only leaves it out, with a note on the console
        if (clientOf && this.getAttribute('mini') !== 'off')
          void miniPlayer(clientOf(), b.roomId, () => b.go())
            .then((m) => {
              if (m && this.isConnected) root.append(m.el);
              else m?.close();
            })
            .catch((e: unknown) => console.info(`zhibo mini-player: not shown (${e instanceof Error ? e.message : String(e)})`));
      }
    },
  );
}
