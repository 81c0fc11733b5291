/** A tiny DOM helper: h(tag, attrs, ...children). Text is always set as text (never parsed as HTML). */
export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (e: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler | Record<string, string>>;

/** An attribute value as text (numbers and booleans as written; anything else as JSON, never "[object Object]"). */
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

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

/* ---------------------------------------------------------------- formatting */

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * One time zone everywhere (issue 12 §9): the app's (App settings; default Asia/Shanghai, the zone the API quota's day
 * follows), never the browser's. 24-hour, ISO-like.
 */
let zone = 'Asia/Shanghai';
export function setTimeZone(z: string | undefined): void {
  zone = z || 'Asia/Shanghai';
}
export const timeZone = (): string => zone;

function parts(ms: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value])) as Record<
    'year' | 'month' | 'day' | 'hour' | 'minute' | 'second',
    string
  >;
}

/** 2026-11-23 12:00 in the app's time zone */
export function fmtTime(ms: number): string {
  const p = parts(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function fmtClock(ms: number): string {
  const p = parts(ms);
  return `${p.hour}:${p.minute}:${p.second}`;
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

/** datetime-local value ⇄ unix seconds, as wall time in the app's time zone */
export function toLocalInput(sec: number): string {
  const p = parts(sec * 1000);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
export function fromLocalInput(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  // the zone's offset at that wall time (twice: once near it, once at the answer, for days that change offset)
  const offset = (ms: number) => {
    const p = parts(ms);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
  };
  const guess = wall - offset(wall);
  const t = wall - offset(guess);
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

/** "2026-11-23 20:00 – 22:00", or both dates when the end is on another day */
export function fmtRange(startSec: number, endSec: number): string {
  const a = fmtTime(startSec * 1000);
  const b = fmtTime(endSec * 1000);
  return `${a} – ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b}`;
}
