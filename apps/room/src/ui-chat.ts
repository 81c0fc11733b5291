/** The comment stream (bottom-left, newest at the bottom, auto-scroll) and the comment input. */
import { RealtimeLimits, type ChatComment } from '@zhibo/protocol';
import { h } from './dom.js';
import { T } from './text.js';

const MAX_ITEMS = 200;

export class ChatView {
  readonly el = h('div', { class: 'zb-chat', role: 'log', 'aria-live': 'polite', 'aria-label': T.comments });
  private readonly list = h('div', { class: 'zb-chat-list' });
  private readonly more = h('button', { class: 'zb-chat-more', type: 'button', hidden: true }, T.newMessages(0));
  /** the notice the merchant pinned above the chat */
  private readonly pinned = h('div', { class: 'zb-notice', hidden: true, 'data-testid': 'notice' });
  private stick = true;
  private unseen = 0;

  constructor(private readonly selfOpenid: () => string) {
    this.el.append(this.pinned, this.list, this.more);
    this.list.addEventListener(
      'scroll',
      () => {
        this.stick = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 24;
        if (this.stick) this.clearUnseen();
      },
      { passive: true },
    );
    this.more.addEventListener('click', () => {
      this.stick = true;
      this.scroll();
    });
  }

  /** Replace the list with a snapshot (oldest first). */
  reset(comments: ChatComment[], welcome?: string): void {
    this.list.replaceChildren();
    if (welcome) this.system(welcome);
    for (const c of comments) this.add(c, false);
    this.stick = true;
    this.scroll();
  }

  add(c: ChatComment, animate = true): void {
    if (this.list.querySelector(`[data-id="${CSS.escape(c.id)}"]`)) return;
    const anchor = c.role === 'anchor';
    const row = h(
      'div',
      {
        class: `zb-msg${c.openid === this.selfOpenid() ? ' zb-msg-self' : ''}${anchor ? ' zb-msg-anchor' : ''}${animate ? ' zb-in' : ''}`,
        'data-id': c.id,
      },
      anchor ? h('span', { class: 'zb-badge-anchor', text: T.anchor }) : null,
      h('span', { class: 'zb-nick', text: `${c.nick}：` }),
      h('span', { class: 'zb-text', text: c.text }),
    );
    this.list.append(row);
    this.trim();
    if (this.stick) this.scroll();
    else {
      this.unseen++;
      this.more.textContent = T.newMessages(this.unseen);
      this.more.hidden = false;
    }
  }

  /** The merchant's pinned notice (null: none). */
  setNotice(text: string | null | undefined): void {
    this.pinned.hidden = !text;
    this.pinned.replaceChildren(h('span', { class: 'zb-notice-tag', text: T.notice }), h('span', { text: text ?? '' }));
  }

  remove(id: string): void {
    this.list.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
  }

  system(text: string, cls = 'zb-msg-sys'): void {
    this.list.append(h('div', { class: `zb-msg ${cls}`, text }));
    this.trim();
    if (this.stick) this.scroll();
  }

  private trim(): void {
    while (this.list.childElementCount > MAX_ITEMS) this.list.firstElementChild?.remove();
  }

  private scroll(): void {
    this.list.scrollTop = this.list.scrollHeight;
    this.clearUnseen();
  }

  private clearUnseen(): void {
    this.unseen = 0;
    this.more.hidden = true;
  }
}

export class Composer {
  readonly el: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly placeholder = T.saySomething;

  /** the viewer's display name in the chat; tap to change it */
  readonly nameButton = h('button', {
    class: 'zb-name',
    type: 'button',
    'aria-label': T.changeName,
    title: T.changeName,
    'data-testid': 'my-name',
  });

  constructor(onSend: (text: string) => boolean) {
    this.input = h('input', {
      class: 'zb-input',
      type: 'text',
      enterkeyhint: 'send',
      maxlength: RealtimeLimits.chatMaxChars,
      placeholder: this.placeholder,
      'aria-label': T.comments,
      autocomplete: 'off',
    });
    this.el = h(
      'form',
      { class: 'zb-composer', action: '#' },
      this.nameButton,
      this.input,
      h('button', { class: 'zb-send', type: 'submit', text: T.send }),
    );
    this.el.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      if (onSend(text)) this.input.value = '';
    });
  }

  /** Show the viewer's name (hidden until known). */
  setName(nick: string): void {
    this.nameButton.textContent = nick;
    this.nameButton.hidden = !nick;
  }

  setEnabled(on: boolean, placeholder?: string): void {
    this.input.disabled = !on;
    this.input.placeholder = placeholder ?? this.placeholder;
    this.el.classList.toggle('zb-disabled', !on);
  }
}
