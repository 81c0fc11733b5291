/** Small UI pieces of the anchor page: status labels, a confirmation sheet, a toast, the comment overlay. */
import type { ChatComment } from '@zhibo/protocol';
import { h, show } from './dom.js';

export const STATUS_TEXT: Record<number, string> = {
  101: '直播中 · Live',
  102: '未开播 · Not live',
  103: '已结束 · Ended',
  104: '已禁播 · Banned',
  105: '已暂停 · Paused',
  106: '信号中断 · Stream lost',
  107: '已过期 · Expired',
};

/** A bottom sheet asking to confirm; resolves true on the confirm button. */
export function confirmSheet(host: HTMLElement, title: string, text: string, ok: string, danger: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const close = (v: boolean) => {
      sheet.remove();
      resolve(v);
    };
    const sheet = h(
      'div',
      { class: 'an-modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
      h(
        'div',
        { class: 'an-modal-card' },
        h('h2', { text: title }),
        h('p', { text }),
        h(
          'div',
          { class: 'an-modal-actions' },
          h('button', { type: 'button', class: 'an-btn', 'data-action': 'cancel', onclick: () => close(false), text: '取消 · Cancel' }),
          h('button', {
            type: 'button',
            class: `an-btn ${danger ? 'an-btn-danger' : 'an-btn-primary'}`,
            'data-action': 'confirm',
            onclick: () => close(true),
            text: ok,
          }),
        ),
      ),
    );
    host.append(sheet);
    sheet.querySelector<HTMLButtonElement>('[data-action=confirm]')?.focus();
  });
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function toast(host: HTMLElement, text: string, kind: 'info' | 'error' = 'info'): void {
  let el = host.querySelector<HTMLElement>('.an-toast');
  if (!el) host.append((el = h('div', { class: 'an-toast', role: 'status', 'aria-live': 'polite' })));
  el.textContent = text;
  el.dataset.kind = kind;
  show(el, true);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => show(el, false), kind === 'error' ? 6000 : 3000);
}

/** The latest comments over the preview, newest at the bottom (text only: never parsed as HTML). */
export class ChatOverlay {
  readonly el = h('ol', { class: 'an-chat', 'aria-label': '评论 · Comments', 'aria-live': 'polite' });
  private shown = '';

  render(comments: ChatComment[]): void {
    const last = comments.slice(-6);
    const key = last.map((c) => c.id).join(',');
    if (key === this.shown) return;
    this.shown = key;
    this.el.replaceChildren(
      ...last.map((c) => h('li', { class: 'an-comment', 'data-id': c.id }, h('b', { text: `${c.nick || '观众'}：` }), c.text)),
    );
  }
}
