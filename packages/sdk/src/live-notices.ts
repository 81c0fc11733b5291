/**
 * In-page "live now" reminders (S-SUB-3) on any page that loads the SDK: the site channel's reminders (and, in its
 * welcome, the viewer's subscribed rooms that are already live) become
 *
 * - a `zhibo:live` event on `document` (detail {@link LiveNotice}; cancelable: `preventDefault()` and render your own),
 * - else a dismissible banner, `.zhibo-live-banner` (styles have zero specificity, so any rule of the page wins; CSS
 *   variables `--zhibo-banner-bg`, `--zhibo-banner-color`, `--zhibo-banner-accent`, `--zhibo-banner-top`).
 *
 * Each room's go-live is announced once per browser (localStorage `zhibo.liveShown`), whichever page or tab saw it
 * first. Status changes of the app's rooms become `zhibo:status` events (detail {@link StatusNotice}).
 */
import type { LiveStatus } from '@zhibo/protocol';
import { sdkText, type UiLanguage } from './i18n.js';
import type { SiteChannel } from './site.js';

export interface LiveNotice {
  appid: string;
  roomId: number;
  roomName: string;
  /** the room page */
  url: string;
}

export interface StatusNotice {
  appid: string;
  roomId: number;
  liveStatus: LiveStatus;
}

export const LIVE_SHOWN_KEY = 'zhibo.liveShown';
const MAX_REMEMBERED = 50;

export interface LiveNoticesEnv {
  document: Document;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  roomUrl(roomId: number): string;
  /** show the built-in banner (script tag `data-live-banner="off"` turns it off) */
  banner: boolean;
  lang?: UiLanguage;
}

const CSS = `
:where(.zhibo-live-banner){position:fixed;z-index:2147483000;left:12px;right:12px;top:var(--zhibo-banner-top,12px);margin:0 auto;max-width:560px;
display:flex;align-items:center;gap:10px;padding:10px 10px 10px 14px;border-radius:14px;box-shadow:0 8px 28px #0003;
background:var(--zhibo-banner-bg,#1f1a17);color:var(--zhibo-banner-color,#fff);font:14px/1.35 -apple-system,BlinkMacSystemFont,"PingFang SC","Helvetica Neue",sans-serif}
:where(.zhibo-live-banner__dot){flex:none;width:9px;height:9px;border-radius:50%;background:var(--zhibo-banner-accent,#ff3b5c);box-shadow:0 0 0 4px #ff3b5c33}
:where(.zhibo-live-banner__text){flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
:where(.zhibo-live-banner__watch){flex:none;padding:7px 14px;border-radius:999px;background:var(--zhibo-banner-accent,#ff3b5c);color:#fff;text-decoration:none;font-weight:700}
:where(.zhibo-live-banner__close){flex:none;width:32px;height:32px;border:0;border-radius:50%;background:transparent;color:inherit;font-size:20px;line-height:1;cursor:pointer;opacity:.7}`;

function addStyles(doc: Document): void {
  const marker = doc as Document & { __zhiboBannerCss?: true };
  if (marker.__zhiboBannerCss) return;
  marker.__zhiboBannerCss = true;
  // A constructed stylesheet, not a <style> element: pages with a strict Content-Security-Policy allow it.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch {
    // very old browsers: the banner still works unstyled
  }
}

/** Announces go-lives and status changes of one app's rooms (one per site channel). */
export class LiveNotices {
  constructor(private readonly env: LiveNoticesEnv) {}

  /** Wire a site channel: its welcome (rooms already live) and reminders announce, its status changes notify. */
  attach(ch: SiteChannel): () => void {
    const appid = ch.opts.appid;
    const offs = [
      ch.on('welcome', (m) => {
        for (const r of m.live ?? []) this.announce({ appid, roomId: r.roomId, roomName: r.roomName, url: this.env.roomUrl(r.roomId) });
      }),
      ch.on('reminder', (m) => this.announce({ appid, roomId: m.roomId, roomName: m.roomName, url: this.env.roomUrl(m.roomId) })),
      ch.on('status', (m) => {
        const detail: StatusNotice = { appid, roomId: m.roomId, liveStatus: m.liveStatus };
        this.env.document.dispatchEvent(new CustomEvent<StatusNotice>('zhibo:status', { detail }));
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  private shown(): number[] {
    try {
      const v: unknown = JSON.parse(this.env.storage?.getItem(LIVE_SHOWN_KEY) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
    } catch {
      return [];
    }
  }

  /** Once per room and browser: the event, then (unless a listener prevented it) the banner. */
  announce(n: LiveNotice): boolean {
    const seen = this.shown();
    if (seen.includes(n.roomId) || this.env.document.querySelector(`.zhibo-live-banner[data-room-id="${n.roomId}"]`)) return false;
    try {
      this.env.storage?.setItem(LIVE_SHOWN_KEY, JSON.stringify([...seen, n.roomId].slice(-MAX_REMEMBERED)));
    } catch {
      // storage blocked: once per page then
    }
    const ev = new CustomEvent<LiveNotice>('zhibo:live', { detail: n, cancelable: true });
    const wanted = this.env.document.dispatchEvent(ev);
    if (wanted && this.env.banner) this.showBanner(n);
    return true;
  }

  private showBanner(n: LiveNotice): void {
    const doc = this.env.document;
    const t = sdkText(this.env.lang);
    addStyles(doc);
    const el = doc.createElement('div');
    el.className = 'zhibo-live-banner';
    el.setAttribute('role', 'status');
    el.dataset.roomId = String(n.roomId);
    const dot = doc.createElement('span');
    dot.className = 'zhibo-live-banner__dot';
    const text = doc.createElement('span');
    text.className = 'zhibo-live-banner__text';
    const strong = doc.createElement('strong');
    strong.textContent = `${t.liveNow} `;
    text.append(strong, n.roomName);
    const watch = doc.createElement('a');
    watch.className = 'zhibo-live-banner__watch';
    watch.href = n.url;
    watch.textContent = t.watch;
    const close = doc.createElement('button');
    close.className = 'zhibo-live-banner__close';
    close.type = 'button';
    close.setAttribute('aria-label', t.close);
    close.textContent = '×';
    close.addEventListener('click', () => el.remove());
    el.append(dot, text, watch, close);
    (doc.body ?? doc.documentElement).append(el);
  }
}
