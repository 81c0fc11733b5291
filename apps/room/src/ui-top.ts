/** The translucent top bar (anchor, viewers, share, home), the toast, and the small banners. */
import { formatCount } from '@zhibo/sdk';
import { avatar, h, icon } from './dom.js';
import { ICONS } from './icons.js';
import { T } from './text.js';

export class TopBar {
  readonly el: HTMLElement;
  readonly shareButton: HTMLButtonElement;
  readonly homeButton: HTMLButtonElement;
  /** follow the merchant (WeChat's long-term subscription); hidden until its state is known */
  readonly followButton: HTMLButtonElement;
  /** customer service (closeKf 0 and the app's kfUrl) */
  readonly kfButton: HTMLButtonElement;
  /** full screen (desktop viewers; hidden on phones by CSS) */
  readonly fullscreenButton: HTMLButtonElement;
  private readonly avatarBox = h('span', { class: 'zb-avatar-slot' });
  private readonly name = h('span', { class: 'zb-anchor-name' });
  private readonly viewers = h('span', { class: 'zb-viewers', 'data-testid': 'viewers' });
  private readonly live = h('span', { class: 'zb-live-badge', hidden: true }, h('i', {}), h('i', {}), h('i', {}), T.live);
  private readonly title = h('div', { class: 'zb-room-title' });

  constructor() {
    this.shareButton = h('button', { class: 'zb-round zb-share', type: 'button', 'aria-label': T.share }, icon(ICONS.share));
    this.followButton = h(
      'button',
      { class: 'zb-follow', type: 'button', hidden: true, 'data-testid': 'follow', 'aria-pressed': 'false' },
      T.follow,
    );
    this.homeButton = h('button', { class: 'zb-round zb-home', type: 'button', 'aria-label': T.home, hidden: true }, icon(ICONS.home));
    this.kfButton = h('button', { class: 'zb-round zb-kf', type: 'button', 'aria-label': T.kf, hidden: true }, icon(ICONS.kf));
    this.fullscreenButton = h(
      'button',
      { class: 'zb-round zb-fullscreen', type: 'button', 'aria-label': T.fullscreen, title: T.fullscreen },
      icon(ICONS.fullscreen),
    );
    this.el = h(
      'header',
      { class: 'zb-topbar' },
      h(
        'div',
        { class: 'zb-anchor' },
        this.avatarBox,
        h('span', { class: 'zb-anchor-text' }, this.name, h('span', { class: 'zb-anchor-sub' }, this.live, this.viewers)),
        this.followButton,
      ),
      h('div', { class: 'zb-top-actions' }, this.kfButton, this.homeButton, this.fullscreenButton, this.shareButton),
      this.title,
    );
  }

  setRoom(anchorName: string, anchorImg: string, roomName: string): void {
    this.name.textContent = anchorName;
    this.avatarBox.replaceChildren(avatar(anchorImg, anchorName, 'zb-avatar-top'));
    this.title.textContent = roomName;
  }

  /** Show the follow state: "+ 关注" (follow) or "已关注" (following). */
  setFollowing(on: boolean): void {
    this.followButton.hidden = false;
    this.followButton.textContent = on ? T.following : T.follow;
    this.followButton.setAttribute('aria-pressed', String(on));
    this.followButton.setAttribute('aria-label', on ? T.followingLabel : T.followLabel);
    this.followButton.classList.toggle('zb-following', on);
  }

  /** viewers now; null hides the count (a live that is over has nobody watching it) */
  setViewers(n: number | null): void {
    this.viewers.hidden = n === null;
    if (n === null) return;
    this.viewers.replaceChildren(icon(ICONS.eye, 'zb-icon zb-icon-sm'), T.viewers(formatCount(n)));
  }

  setLive(on: boolean): void {
    this.live.hidden = !on;
  }
}

export class Toast {
  readonly el = h('div', { class: 'zb-toast', role: 'alert', hidden: true });
  private timer: ReturnType<typeof setTimeout> | undefined;

  show(text: string, ms = 2200): void {
    this.el.textContent = text;
    this.el.hidden = false;
    this.el.classList.remove('zb-in');
    void this.el.offsetWidth; // not a promise: forces a reflow so the animation restarts
    this.el.classList.add('zb-in');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.el.hidden = true), ms);
  }
}

/** A pill under the top bar: "tap to unmute", "reconnecting…", "upgrade". */
export class Pill {
  readonly el: HTMLButtonElement;
  constructor(cls: string, ic: string | null, text: string) {
    this.el = h(
      'button',
      { class: `zb-pill ${cls}`, type: 'button', hidden: true },
      ic ? icon(ic, 'zb-icon zb-icon-sm') : null,
      h('span', { text }),
    );
  }
  set(on: boolean, text?: string): void {
    this.el.hidden = !on;
    if (text !== undefined) this.el.lastElementChild!.textContent = text;
  }
}
