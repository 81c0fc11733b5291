/** Shared UI pieces: status badges, buttons, toasts, confirmation dialogs, copy fields, cards, empty states. */
import { h, type Child } from './dom.js';

/** WeChat's status names (S-STATUS) with an English gloss and a colour. */
export const STATUS = {
  101: { zh: '直播中', en: 'Live', tone: 'live' },
  102: { zh: '未开始', en: 'Not started', tone: 'upcoming' },
  103: { zh: '已结束', en: 'Ended', tone: 'ended' },
  104: { zh: '禁播', en: 'Banned', tone: 'banned' },
  105: { zh: '暂停中', en: 'Paused', tone: 'paused' },
  106: { zh: '异常', en: 'Abnormal', tone: 'abnormal' },
  107: { zh: '已过期', en: 'Expired', tone: 'ended' },
} as const;
export type StatusCode = keyof typeof STATUS;

export function badge(status: number): HTMLElement {
  const s = STATUS[status as StatusCode] ?? { zh: String(status), en: 'Unknown', tone: 'ended' };
  return h(
    'span',
    { class: `badge badge-${s.tone}`, title: `${status} ${s.en}`, dataset: { status: String(status) } },
    status === 101 ? h('span', { class: 'pulse' }) : null,
    `${s.zh} ${status}`,
    h('span', { class: 'badge-en', text: ` · ${s.en}` }),
  );
}

export function button(
  label: Child,
  onClick: (e: Event) => void,
  kind: 'primary' | 'secondary' | 'danger' | 'ghost' = 'secondary',
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  return h('button', { type: 'button', class: `btn btn-${kind}`, onclick: onClick, ...attrs }, label);
}

/** Run an async action with the button disabled and a busy state. */
export async function busy<T>(btn: HTMLButtonElement | null, fn: () => Promise<T>): Promise<T | undefined> {
  if (btn) {
    btn.disabled = true;
    btn.classList.add('is-busy');
  }
  try {
    return await fn();
  } catch (e) {
    toast((e as Error).message, 'error');
    return undefined;
  } finally {
    if (btn) {
      btn.disabled = false;
      btn.classList.remove('is-busy');
    }
  }
}

let toastHost: HTMLElement | undefined;
export function toast(message: string, tone: 'info' | 'error' | 'success' = 'info'): void {
  if (!toastHost || !toastHost.isConnected)
    document.body.append((toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' })));
  const t = h('div', { class: `toast toast-${tone}`, text: message });
  toastHost.append(t);
  setTimeout(() => t.classList.add('out'), 3600);
  setTimeout(() => t.remove(), 4000);
}

/** A modal dialog; resolves with the pressed button's value (or '' when dismissed). */
export function dialog(
  title: string,
  body: Child,
  actions: Array<{ label: string; value: string; kind?: 'primary' | 'danger' | 'secondary' }>,
): Promise<string> {
  return new Promise((resolve) => {
    const d = h('dialog', { class: 'dialog', 'aria-label': title });
    const done = (v: string) => {
      d.close();
      d.remove();
      resolve(v);
    };
    d.append(
      h(
        'form',
        { method: 'dialog', class: 'dialog-body', onsubmit: (e: Event) => e.preventDefault() },
        h('h2', { text: title }),
        h('div', { class: 'dialog-content' }, body),
        h(
          'div',
          { class: 'dialog-actions' },
          actions.map((a) => button(a.label, () => done(a.value), a.kind ?? 'secondary', { 'data-value': a.value })),
        ),
      ),
    );
    d.addEventListener('cancel', (e) => {
      e.preventDefault();
      done('');
    });
    document.body.append(d);
    d.showModal();
  });
}

export async function confirmAction(title: string, message: string, confirmLabel: string, danger = true): Promise<boolean> {
  return (
    (await dialog(title, h('p', { text: message }), [
      { label: 'Cancel', value: '' },
      { label: confirmLabel, value: 'ok', kind: danger ? 'danger' : 'primary' },
    ])) === 'ok'
  );
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { style: { position: 'fixed', opacity: '0' } });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

export function copyButton(get: () => string, label = 'Copy'): HTMLButtonElement {
  const b = button(
    label,
    async () => {
      const ok = await copyText(get());
      b.textContent = ok ? 'Copied ✓' : 'Copy failed';
      b.classList.toggle('is-done', ok);
      setTimeout(() => {
        b.textContent = label;
        b.classList.remove('is-done');
      }, 1600);
    },
    'secondary',
    { 'aria-label': `${label}` },
  );
  b.classList.add('btn-copy');
  return b;
}

/** A labelled read-only value with a copy button (optionally masked until revealed). */
export function copyField(label: string, value: string, opts: { mask?: boolean; name?: string; hint?: string } = {}): HTMLElement {
  const code = h('code', {
    class: 'copy-value',
    text: opts.mask ? '•'.repeat(Math.min(24, value.length)) : value,
    'data-copy': opts.name ?? label,
  });
  let shown = !opts.mask;
  const reveal = opts.mask
    ? button(
        'Show',
        () => {
          shown = !shown;
          code.textContent = shown ? value : '•'.repeat(Math.min(24, value.length));
          reveal!.textContent = shown ? 'Hide' : 'Show';
        },
        'ghost',
      )
    : null;
  return h(
    'div',
    { class: 'copy-field' },
    h('div', { class: 'copy-label', text: label }),
    h(
      'div',
      { class: 'copy-row' },
      code,
      reveal,
      copyButton(() => value),
    ),
    opts.hint ? h('div', { class: 'hint', text: opts.hint }) : null,
  );
}

export function card(title: Child, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, title ? h('h2', { class: 'card-title' }, title) : null, ...children);
}

export function empty(title: string, text: string, action?: HTMLElement): HTMLElement {
  return h(
    'div',
    { class: 'empty' },
    h('div', { class: 'empty-icon', 'aria-hidden': 'true', text: '◎' }),
    h('h3', { text: title }),
    h('p', { text }),
    action ?? null,
  );
}

export function stat(label: string, value: string | number, hint?: string): HTMLElement {
  return h(
    'div',
    { class: 'stat' },
    h('div', { class: 'stat-value', text: String(value) }),
    h('div', { class: 'stat-label', text: label }),
    hint ? h('div', { class: 'hint', text: hint }) : null,
  );
}
