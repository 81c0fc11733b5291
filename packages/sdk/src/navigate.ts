/**
 * `navigateTo({url})` and `<navigator url=…>`-style links (S-PLAYER-1): the seed's plugin-private
 * room link reaches the room page whether it is called or clicked.
 */
import { PLUGIN_APPID } from '@zhibo/protocol';
import { resolveLink } from './links.js';

export interface NavigateOptions {
  url: string;
  success?: (r: { errMsg: string }) => void;
  fail?: (r: { errMsg: string }) => void;
  complete?: (r: { errMsg: string }) => void;
}

export type Assign = (url: string) => void;

/** WeChat-style navigateTo: callbacks and a promise. Plugin room links open the room page; other URLs open as they are. */
export function navigateTo(server: () => string, assign: Assign, opts: NavigateOptions): Promise<{ errMsg: string }> {
  let target: string;
  try {
    if (!opts || typeof opts.url !== 'string' || !opts.url.trim()) throw new TypeError('url is required');
    target = resolveLink(server(), opts.url);
  } catch (e) {
    const r = { errMsg: `navigateTo:fail ${(e as Error).message}` };
    opts?.fail?.(r);
    opts?.complete?.(r);
    return Promise.reject(r);
  }
  assign(target);
  const r = { errMsg: 'navigateTo:ok' };
  opts.success?.(r);
  opts.complete?.(r);
  return Promise.resolve(r);
}

const PLUGIN_PREFIX = `plugin-private://${PLUGIN_APPID}`;
const SELECTOR = `a[href^="plugin-private:" i], navigator[url], [data-navigator-url]`;

function pluginUrlOf(el: Element): string | undefined {
  const raw = el.getAttribute('href') ?? el.getAttribute('url') ?? el.getAttribute('data-navigator-url') ?? '';
  return raw.trim().toLowerCase().startsWith(PLUGIN_PREFIX) ? raw.trim() : undefined;
}

/**
 * Make plugin links on a page work: rewrite `<a href="plugin-private://…">` to the room page (so
 * "open in new tab" works too) and open `<navigator url="plugin-private://…">` / `[data-navigator-url]`
 * on click. Returns a function that stops intercepting.
 */
export function interceptPluginLinks(server: () => string, assign: Assign, root: Document | HTMLElement = document): () => void {
  const rewrite = (a: Element) => {
    const url = pluginUrlOf(a);
    if (!url || a.tagName !== 'A') return;
    try {
      a.setAttribute('data-plugin-href', url);
      a.setAttribute('href', resolveLink(server(), url));
    } catch {
      // not a room link (e.g. the subscribe component path): leave it alone
    }
  };
  root.querySelectorAll('a[href^="plugin-private:" i]').forEach(rewrite);
  const onClick = (ev: Event) => {
    const e = ev as MouseEvent;
    const el = (e.target as Element | null)?.closest?.(SELECTOR);
    if (!el) return;
    const url = pluginUrlOf(el);
    if (!url) return;
    if (el.tagName === 'A') {
      rewrite(el); // the browser follows the rewritten href (keeps modifier keys: new tab, new window)
      return;
    }
    if (e.defaultPrevented || e.button !== 0) return;
    e.preventDefault();
    // a click handler: navigateTo() rejects only for a link it cannot resolve, and such a link just does nothing
    void navigateTo(server, assign, { url }).catch(() => undefined);
  };
  const onOver = (ev: Event) => {
    const a = (ev.target as Element | null)?.closest?.('a[href^="plugin-private:" i]');
    if (a) rewrite(a);
  };
  root.addEventListener('click', onClick, true);
  root.addEventListener('pointerover', onOver, true);
  root.addEventListener('focusin', onOver, true);
  return () => {
    root.removeEventListener('click', onClick, true);
    root.removeEventListener('pointerover', onOver, true);
    root.removeEventListener('focusin', onOver, true);
  };
}
