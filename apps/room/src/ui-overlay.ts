/** Status overlays (S-PLAYER-2): 102 countdown + subscribe, 103 ended + replays, 104 banned, 105 paused, 106 reconnecting, 107 expired. */
import type { LiveStatus, PluginRoomResponse, ReplayEntry } from '@zhibo/protocol';
import { formatCountdown } from '@zhibo/sdk';
import { avatar, h, icon, img } from './dom.js';
import { ICONS } from './icons.js';
import { ReplayPanel } from './ui-replays.js';
import { T } from './text.js';

export interface OverlayContext {
  room: PluginRoomResponse;
  /** the server's clock now (ms) */
  serverNow: () => number;
  /** the subscribe button for a room that has not started (S-SUB-1) */
  subscribe: () => HTMLElement;
  /** the room's replays (S-PLAYER-5) and how many segments are still being prepared */
  replays: () => Promise<{ replays: ReplayEntry[]; pending: number }>;
}

/** The planned start in the app's time zone, 24-hour and ISO-like: `2026-12-01 20:00` (the poster prints the same). */
export function startLabel(sec: number, timeZone: string): string {
  let p: Record<string, string>;
  try {
    p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(new Date(sec * 1000))
        .map((x) => [x.type, x.value]),
    );
  } catch {
    return startLabel(sec, 'Asia/Shanghai');
  }
  return T.startsAt(`${p.year}-${p.month}-${p.day}`, `${p.hour}:${p.minute}`);
}

export class StatusOverlay {
  readonly el = h('div', { class: 'zb-overlay', hidden: true, role: 'status' });
  private timer: ReturnType<typeof setInterval> | undefined;
  private replay: ReplayPanel | undefined;
  private shown: LiveStatus | undefined;

  /** A replay segment became ready (room channel): the ended room's replay list follows at once. */
  replaysChanged(): void {
    void this.replay?.refresh(); // a room-channel event: refresh() handles a failed load itself (retries)
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
    return h(
      'div',
      { class: `zb-ov-card ${cls}` },
      h('div', { class: 'zb-ov-icon' }, icon(ic)),
      h('h2', { class: 'zb-ov-title', text: title }),
      h('p', { class: 'zb-ov-sub', text: sub }),
      ...extra,
    );
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
              ? h(
                  'span',
                  {},
                  h('span', { class: 'zb-cd-label', text: T.countdown }),
                  h('span', { class: 'zb-cd-digits', text: formatCountdown(left) }),
                )
              : h('span', { class: 'zb-cd-soon', text: T.soon }),
          );
        };
        tick();
        this.timer = setInterval(tick, 1000);
        // WeChat's preview shows the cover itself (not only blurred behind), with the countdown and subscribe.
        return h(
          'div',
          { class: 'zb-ov-card zb-ov-102' },
          h(
            'div',
            { class: 'zb-ov-cover' },
            img(r.coverImg, r.name, 'zb-ov-cover-img'),
            h('span', { class: 'zb-ov-badge', text: T.preview }),
          ),
          avatar(r.anchorImg, r.anchorName, 'zb-ov-avatar'),
          h('div', { class: 'zb-ov-anchor', text: r.anchorName }),
          h('h2', { class: 'zb-ov-title', text: r.name }),
          h('p', { class: 'zb-ov-sub', 'data-testid': 'start-time', text: startLabel(r.startTime, r.timeZone ?? 'Asia/Shanghai') }),
          count,
          h('div', { class: 'zb-ov-subscribe' }, ctx.subscribe()),
        );
      }
      case 103: {
        if (r.closeReplay)
          return this.card(
            'zb-ov-103',
            ICONS.end,
            T.ended,
            `${r.anchorName} · ${r.name}`,
            h('p', { class: 'zb-ov-sub', text: T.noReplay }),
          );
        this.replay = new ReplayPanel(
          { load: ctx.replays },
          { preparing: T.preparing, replay: T.replay, part: T.part, failed: T.replayFailed },
        );
        return this.card('zb-ov-103', ICONS.end, T.ended, `${r.anchorName} · ${r.name}`, this.replay.el);
      }
      case 104:
        return this.card('zb-ov-104', ICONS.ban, T.banned, T.bannedSub);
      case 105:
        return this.card('zb-ov-105', ICONS.pause, T.paused, T.pausedSub);
      case 106:
        return this.card('zb-ov-106', ICONS.signal, T.abnormal, T.abnormalSub, h('div', { class: 'zb-spinner' }));
      case 107:
        return this.card('zb-ov-107', ICONS.clock, T.expired, T.expiredSub);
      default:
        return this.card('', ICONS.clock, '', '');
    }
  }
}
