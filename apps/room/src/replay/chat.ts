/**
 * The chat replay: comments and the merchant's events appear beside the replay at the second they happened in the
 * live. Fetched in windows of two minutes ahead of the playhead; a seek rebuilds the list up to the new time. Deleted
 * comments and muted viewers' never come from the server. A toggle hides it (remembered in this browser).
 */
import { PluginRoutes, type PluginReplayChatResponse, type ReplayChatItem } from '@zhibo/protocol';
import type { SdkClient } from '@zhibo/sdk';
import { h } from '../dom.js';

const WINDOW_SEC = 120;
const SHOWN = 40;
const PREF = 'zb-replay-chat';

export class ChatReplay {
  readonly el = h('div', { class: 'zb-rp-chat', role: 'log', 'aria-label': '评论回放 Chat replay' });
  readonly toggle = h('button', { class: 'zb-rp-chat-toggle', type: 'button', 'aria-pressed': 'true' });
  private readonly list = h('div', { class: 'zb-rp-chat-list' });
  private readonly windows = new Map<number, Promise<ReplayChatItem[]>>();
  private shownUpTo = -1;
  private seq = 0;

  constructor(
    private readonly client: SdkClient,
    private readonly roomId: number,
  ) {
    this.el.append(this.list);
    let on = true;
    try {
      on = localStorage.getItem(PREF) !== 'off';
    } catch {
      /* storage blocked: on */
    }
    this.setOn(on);
    this.toggle.addEventListener('click', () => {
      const next = this.el.hidden;
      this.setOn(next);
      try {
        localStorage.setItem(PREF, next ? 'on' : 'off');
      } catch {
        /* not remembered */
      }
    });
  }

  private setOn(on: boolean): void {
    this.el.hidden = !on;
    this.toggle.setAttribute('aria-pressed', String(on));
    this.toggle.textContent = on ? '评论回放 开 · Chat on' : '评论回放 关 · Chat off';
  }

  private window(i: number): Promise<ReplayChatItem[]> {
    let w = this.windows.get(i);
    if (!w) {
      w = this.client
        .get<PluginReplayChatResponse>(
          PluginRoutes.replayChat,
          { room_id: this.roomId, from: i * WINDOW_SEC, to: (i + 1) * WINDOW_SEC },
          { identity: false },
        )
        .then(
          (r) => r.items,
          () => {
            this.windows.delete(i); // ask again next time
            return [];
          },
        );
      this.windows.set(i, w);
    }
    return w;
  }

  /** The playhead is at `t`: show what was said up to then (a jump back or far ahead rebuilds the list). */
  async at(t: number): Promise<void> {
    const seq = ++this.seq;
    const i = Math.floor(t / WINDOW_SEC);
    void this.window(i + 1); // prefetch the next two minutes
    const rebuild = t < this.shownUpTo - 0.5 || t > this.shownUpTo + 5;
    const from = rebuild ? Math.max(0, t - WINDOW_SEC) : this.shownUpTo;
    const items = (await Promise.all([...new Set([Math.floor(from / WINDOW_SEC), i])].map((w) => this.window(w)))).flat();
    if (seq !== this.seq) return; // a newer position won
    const fresh = items.filter((x) => (rebuild ? x.t <= t : x.t > this.shownUpTo && x.t <= t)).sort((a, b) => a.t - b.t);
    if (rebuild) this.list.replaceChildren();
    for (const x of fresh.slice(-SHOWN)) this.list.append(this.row(x));
    while (this.list.childElementCount > SHOWN) this.list.firstElementChild?.remove();
    this.shownUpTo = t;
    if (fresh.length) this.list.scrollTop = this.list.scrollHeight;
  }

  private row(x: ReplayChatItem): HTMLElement {
    switch (x.kind) {
      case 'comment':
        return h(
          'div',
          { class: 'zb-msg', 'data-t': x.t },
          h('span', { class: 'zb-nick', text: `${x.nick}：` }),
          h('span', { class: 'zb-text', text: x.text }),
        );
      case 'present':
        return h('div', {
          class: 'zb-msg zb-msg-sys',
          'data-t': x.t,
          text: x.goods_id ? `主播开始讲解「${x.name}」· Now explaining` : '讲解结束 · Explanation over',
        });
      case 'comments':
        return h('div', {
          class: 'zb-msg zb-msg-sys',
          'data-t': x.t,
          text: x.closed ? '评论已关闭 · Comments closed' : '评论已开启 · Comments open',
        });
      default:
        return h('div', { class: 'zb-msg zb-msg-sys zb-rp-notice', 'data-t': x.t, text: x.text ? `公告：${x.text}` : '公告已撤下' });
    }
  }
}
