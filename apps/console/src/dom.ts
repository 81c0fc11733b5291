/** A tiny DOM helper: h(tag, attrs, ...children). Text is always set as text (never parsed as HTML). */
export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (e: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler | Record<string, string>>;

/** An attribute value as text (numbers and booleans as written; anything else as JSON, never "[object Object]"). */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (k === 'text') el.textContent = str(v);
    else if (k === 'class') el.className = str(v);
    else if (k === 'dataset' && typeof v === 'object') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (v === true) el.setAttribute(k, '');
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = str(v);
    else el.setAttribute(k, str(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export const $ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T | null => root.querySelector<T>(sel);

/* ---------------------------------------------------------------- formatting */

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-11-23 12:00 in the browser's time zone */
export function fmtTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fmtClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  return hh ? `${hh} h ${pad(mm)} min` : mm ? `${mm} min ${pad(s % 60)} s` : `${s % 60} s`;
}

export const fen = (n: number): string => `¥${(n / 100).toFixed(2)}`;

export function priceText(g: { priceType: number; price: number; price2: number }): string {
  if (g.priceType === 2) return `${fen(g.price)} – ${fen(g.price2)}`;
  if (g.priceType === 3) return `${fen(g.price2)} (was ${fen(g.price)})`;
  return fen(g.price);
}

export const fmtCount = (n: number): string => (n >= 10_000 ? `${(n / 10_000).toFixed(1)}万` : n.toLocaleString());

/** datetime-local value ⇄ unix seconds (local time) */
export function toLocalInput(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fromLocalInput(v: string): number | null {
  if (!v) return null;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

/** "2026-11-23 20:00 – 22:00", or both dates when the end is on another day */
export function fmtRange(startSec: number, endSec: number): string {
  const a = fmtTime(startSec * 1000);
  const b = fmtTime(endSec * 1000);
  return `${a} – ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b}`;
}
