/** Forms with a message slot next to every field; server messages (`fields`) land next to their field. */
import { ApiError, type Api } from './api.js';
import { h, type Child } from './dom.js';
import { toast } from './ui.js';

interface Slot {
  wrap: HTMLElement;
  error: HTMLElement;
}

let uid = 0;

export class Form {
  readonly el: HTMLFormElement;
  private readonly slots = new Map<string, Slot>();
  private readonly general: HTMLElement;
  private submitting = false;

  constructor(onSubmit: (f: Form) => Promise<void>, attrs: Record<string, string> = {}) {
    this.general = h('div', { class: 'form-error', role: 'alert', hidden: true });
    this.el = h('form', { class: 'form', novalidate: true, ...attrs }, this.general);
    this.el.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit(onSubmit); // an event handler; submit() never rejects: failures are shown in the form (showErrors)
    });
  }

  /** A labelled field; `name` is the server's field name for its messages. */
  field(name: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
    const id = control.id || `f${++uid}`;
    const input = control.matches('input,select,textarea') ? control : control.querySelector('input,select,textarea');
    if (input && !input.id) input.id = id;
    const error = h('div', { class: 'field-error', id: `${id}-err`, role: 'alert', 'data-error-for': name });
    input?.setAttribute('aria-describedby', `${id}-err`);
    const wrap = h(
      'div',
      { class: 'field', dataset: { field: name } },
      h('label', { class: 'field-label', for: input?.id ?? id, text: label }),
      control,
      hint ? h('div', { class: 'hint', text: hint }) : null,
      error,
    );
    this.slots.set(name, { wrap, error });
    return wrap;
  }

  add(...children: Child[]): this {
    for (const c of children) if (c) this.el.append(c as Node);
    return this;
  }

  clearErrors(): void {
    this.general.hidden = true;
    for (const s of this.slots.values()) {
      s.error.textContent = '';
      s.wrap.classList.remove('has-error');
    }
  }

  setError(name: string, message: string): boolean {
    const s = this.slots.get(name);
    if (!s) return false;
    s.error.textContent = message;
    s.wrap.classList.add('has-error');
    return true;
  }

  showErrors(e: unknown): void {
    const err = e instanceof ApiError ? e : new ApiError(0, 'error', (e as Error).message);
    let placed = false;
    for (const [k, v] of Object.entries(err.fields)) placed = this.setError(k, v) || placed;
    if (!placed) {
      this.general.textContent = err.message;
      this.general.hidden = false;
    }
    const first = this.el.querySelector<HTMLElement>('.has-error input, .has-error select, .has-error textarea');
    first?.focus();
  }

  private async submit(fn: (f: Form) => Promise<void>): Promise<void> {
    if (this.submitting) return;
    this.submitting = true;
    const btn = this.el.querySelector<HTMLButtonElement>('button[type=submit]');
    if (btn) btn.disabled = true;
    this.clearErrors();
    try {
      await fn(this);
    } catch (e) {
      this.showErrors(e);
    } finally {
      this.submitting = false;
      if (btn) btn.disabled = false;
    }
  }
}

export function input(name: string, attrs: Record<string, string | number | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { name, type: 'text', class: 'input', ...attrs });
}

export function select(name: string, options: Array<[string, string]>, value: string): HTMLSelectElement {
  const s = h(
    'select',
    { name, class: 'input' },
    options.map(([v, l]) => h('option', { value: v, text: l })),
  );
  s.value = value;
  return s;
}

/** A segmented radio group. */
export function segmented(name: string, options: Array<[string, string]>, value: string): HTMLElement {
  return h(
    'div',
    { class: 'segmented', role: 'radiogroup' },
    options.map(([v, l]) =>
      h('label', { class: 'segment' }, h('input', { type: 'radio', name, value: v, checked: v === value }), h('span', { text: l })),
    ),
  );
}

export function radioValue(root: ParentNode, name: string): string {
  return root.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';
}

/** An on/off switch (a checkbox styled as a switch). */
export function toggle(name: string, label: string, on: boolean, hint?: string): HTMLElement {
  return h(
    'label',
    { class: 'switch-row' },
    h('span', { class: 'switch-text' }, h('span', { text: label }), hint ? h('small', { class: 'hint', text: hint }) : null),
    h('input', { type: 'checkbox', role: 'switch', name, checked: on, class: 'switch' }),
  );
}

export const checked = (root: ParentNode, name: string): boolean =>
  root.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.checked ?? false;
export const valueOf = (root: ParentNode, name: string): string =>
  (root.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value ?? '').trim();

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

export interface ImageField {
  el: HTMLElement;
  /** the media_id of a new upload, or the current image URL, or '' */
  value(): string;
  pending(): boolean;
}

/**
 * An image picker that uploads at once (type and size are checked here for a quick answer, and again by the
 * server, which sniffs the bytes). Messages go to the form's slot for `kind`.
 */
export function imageField(
  api: Api,
  appid: string,
  form: Form,
  kind: string,
  opts: { label: string; maxBytes: number; current?: string; hint: string; shape?: 'wide' | 'tall' | 'square' },
): ImageField {
  let value = opts.current ?? '';
  let uploading = false;
  const img = h('img', { class: 'thumb-img', alt: '', src: opts.current || undefined, hidden: !opts.current });
  const placeholder = h('span', { class: 'thumb-empty', text: 'No image', hidden: !!opts.current });
  const status = h('span', { class: 'upload-status' });
  const file = h('input', { type: 'file', name: kind, accept: IMAGE_TYPES.join(','), class: 'file-input' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    form.setError(kind, '');
    form.el.querySelector(`[data-field="${kind}"]`)?.classList.remove('has-error');
    if (!f) return;
    if (!IMAGE_TYPES.includes(f.type)) {
      form.setError(kind, `${opts.label}: “${f.name}” is not a PNG, JPEG, GIF or WebP image`);
      file.value = '';
      return;
    }
    if (f.size > opts.maxBytes) {
      form.setError(kind, `${opts.label} is ${fmtBytes(f.size)}; the limit is ${fmtBytes(opts.maxBytes)}. Choose a smaller file.`);
      file.value = '';
      return;
    }
    uploading = true;
    status.textContent = 'Uploading…';
    try {
      const fd = new FormData();
      fd.append('file', f, f.name);
      const r = await api.call<{ mediaId: string }>('POST', `/apps/${appid}/images?kind=${kind}`, fd);
      value = r.mediaId;
      img.src = URL.createObjectURL(f);
      img.hidden = false;
      placeholder.hidden = true;
      status.textContent = `Uploaded ✓ ${fmtBytes(f.size)}`;
    } catch (e) {
      status.textContent = '';
      if (e instanceof ApiError && e.fields[kind]) form.setError(kind, e.fields[kind]);
      else toast((e as Error).message, 'error');
      file.value = '';
    } finally {
      uploading = false;
    }
  });
  const el = h(
    'div',
    { class: 'image-field' },
    h('div', { class: `thumb thumb-${opts.shape ?? 'square'}` }, img, placeholder),
    h('div', { class: 'image-side' }, h('label', { class: 'btn btn-secondary file-btn' }, 'Choose image…', file), status),
  );
  return { el: form.field(kind, opts.label, el, opts.hint), value: () => value, pending: () => uploading };
}
