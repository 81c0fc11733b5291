/** A tiny element builder. Text always goes through textContent: nothing from the network is parsed as HTML. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Icons are fixed SVG markup written here (never data from the network). */
export function icon(svg: string, cls = 'zb-icon'): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = cls;
  s.setAttribute('aria-hidden', 'true');
  s.innerHTML = svg; // trusted constant from icons.ts
  return s;
}

/** An http(s) URL for src (this server's images arrive as paths, `/img/ID`), or '' for anything else. */
export function httpUrl(src: string): string {
  try {
    const u = new URL(src, location.href);
    return src && (u.protocol === 'http:' || u.protocol === 'https:') ? u.toString() : '';
  } catch {
    return '';
  }
}

/** Safe image: only http(s) URLs (paths resolve against the page); a broken image hides itself. */
export function img(src: string, alt: string, cls: string): HTMLImageElement {
  const i = document.createElement('img');
  i.className = cls;
  i.alt = alt;
  i.decoding = 'async';
  i.loading = 'lazy';
  i.referrerPolicy = 'no-referrer';
  const url = httpUrl(src);
  if (url) i.src = url;
  else i.classList.add('zb-img-empty');
  i.addEventListener('error', () => i.classList.add('zb-img-empty'), { once: true });
  return i;
}

export function show(el: Element, on: boolean): void {
  el.toggleAttribute('hidden', !on);
}

/** A round avatar: the first letter of the name behind the picture (shown when there is none or it fails). */
export function avatar(src: string, name: string, cls: string): HTMLSpanElement {
  return h(
    'span',
    { class: `zb-avatar ${cls}` },
    h('span', { class: 'zb-avatar-fallback', text: [...name][0] ?? '' }),
    img(src, name, 'zb-avatar-img'),
  );
}
