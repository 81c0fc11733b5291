/** Status overlays (S-PLAYER-2): 102 countdown + subscribe, 103 ended + replays, 104 banned, 105 paused, 106 reconnecting, 107 expired. */
import type { LiveStatus, PluginRoomResponse, ReplayEntry } from '@zhibo/protocol';
import { formatCountdown } from '@zhibo/sdk';
import { avatar, h, icon } from './dom.js';
import { ICONS } from './icons.js';
import { ReplayPanel } from './ui-replays.js';

export interface OverlayContext {
  room: PluginRoomResponse;
  /** the server's clock now (ms) */
  serverNow: () => number;
  /** the subscribe button for a room that has not started (S-SUB-1) */
  subscribe: () => HTMLElement;
  /** the room's replays (S-PLAYER-5) and how many segments are still being prepared */
  replays: () => Promise<{ replays: ReplayEntry[]; pending: number }>;
}

const pad = (n: number) => String(n).padStart(2, '0');
function startLabel(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())} 开播`;
}

export class StatusOverlay {
  readonly el = h('div', { class: 'zb-overlay', hidden: true, role: 'status' });
  private timer: ReturnType<typeof setInterval> | undefined;
  private replay: ReplayPanel | undefined;
  private shown: LiveStatus | undefined;

  /** A replay segment became ready (room channel): the ended room's replay list follows at once. */
  replaysChanged(): void {
    void this.replay?.refresh();
  }

  set(status: LiveStatus, ctx: OverlayContext): void {
    if (status === this.shown) return;
    this.shown = status;
    clearInterval(this.timer);
    this.replay?.stop();
    this.replay = undefined;
    this.el.dataset.status = String(status);
    if (status === 101) {
      this.el.hidden = true;
      this.el.replaceChildren();
      return;
    }
    this.el.hidden = false;
    this.el.replaceChildren(this.body(status, ctx));
  }

  private card(cls: string, ic: string, title: string, sub: string, ...extra: Array<Node | null>): HTMLElement {
    return h('div', { class: `zb-ov-card ${cls}` }, h('div', { class: 'zb-ov-icon' }, icon(ic)), h('h2', { class: 'zb-ov-title', text: title }), h('p', { class: 'zb-ov-sub', text: sub }), ...extra);
  }

  private body(status: LiveStatus, ctx: OverlayContext): HTMLElement {
    const r = ctx.room;
    switch (status) {
      case 102: {
        const count = h('div', { class: 'zb-countdown', 'data-testid': 'countdown' });
        const tick = () => {
          const left = r.startTime * 1000 - ctx.serverNow();
          count.replaceChildren(
            left > 0
              ? h('span', {}, h('span', { class: 'zb-cd-label', text: '距开播 ' }), h('span', { class: 'zb-cd-digits', text: formatCountdown(left) }))
              : h('span', { class: 'zb-cd-soon', text: '主播即将开播，敬请期待' }),
          );
        };
        tick();
        this.timer = setInterval(tick, 1000);
        return h('div', { class: 'zb-ov-card zb-ov-102' },
          h('span', { class: 'zb-ov-badge', text: '直播预告' }),
          avatar(r.anchorImg, r.anchorName, 'zb-ov-avatar'),
          h('div', { class: 'zb-ov-anchor', text: r.anchorName }),
          h('h2', { class: 'zb-ov-title', text: r.name }),
          h('p', { class: 'zb-ov-sub', text: startLabel(r.startTime) }),
          count,
          h('div', { class: 'zb-ov-subscribe' }, ctx.subscribe()));
      }
      case 103: {
        if (r.closeReplay) return this.card('zb-ov-103', ICONS.end, '直播已结束', `${r.anchorName} · ${r.name}`, h('p', { class: 'zb-ov-sub', text: '本场直播不提供回放' }));
        this.replay = new ReplayPanel({ load: ctx.replays }, { preparing: '回放生成中，马上就好 · The replay is being prepared', replay: '观看回放 · Replay', part: '片段', failed: '回放暂不可用' });
        return this.card('zb-ov-103', ICONS.end, '直播已结束', `${r.anchorName} · ${r.name}`, this.replay.el);
      }
      case 104:
        return this.card('zb-ov-104', ICONS.ban, '直播间已被封禁', '该直播间因违反平台规范已被禁播 · This room was banned');
      case 105:
        return this.card('zb-ov-105', ICONS.pause, '主播暂时离开', '直播已暂停，马上回来 · The live is paused');
      case 106:
        return this.card('zb-ov-106', ICONS.signal, '主播网络不稳定', '正在重新连接… · Reconnecting', h('div', { class: 'zb-spinner' }));
      case 107:
        return this.card('zb-ov-107', ICONS.clock, '直播已过期', '这场直播没有按计划开播 · This live has expired');
      default:
        return this.card('', ICONS.clock, '', '');
    }
  }
}
