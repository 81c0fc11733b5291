/** The like button: a floating heart at once on every tap, a merged count from the server. */
import { formatCount } from '@zhibo/sdk';
import { h, icon } from './dom.js';
import { ICONS } from './icons.js';
import { T } from './text.js';

const COLORS = ['#ff4d6d', '#ff8fab', '#ffb703', '#fb5607', '#8338ec', '#3a86ff', '#06d6a0'];

export class LikeButton {
  readonly el: HTMLButtonElement;
  readonly layer = h('div', { class: 'zb-hearts', 'aria-hidden': 'true' });
  private readonly count = h('span', { class: 'zb-like-count', text: '0' });
  private total = 0;
  private recent: number[] = [];
  private tapsSinceTick = 0;

  constructor(onTap: () => void) {
    this.el = h('button', { class: 'zb-like', type: 'button', 'aria-label': T.like }, icon(ICONS.heart), this.count);
    this.el.addEventListener('click', () => {
      this.recent.push(performance.now());
      this.tapsSinceTick++;
      this.setTotal(this.total + 1, true);
      this.float();
      this.el.classList.remove('zb-pop');
      void this.el.offsetWidth; // not a promise: forces a reflow so the pop animation restarts
      this.el.classList.add('zb-pop');
      onTap();
    });
  }

  /** A `likes` push: the room's total; hearts for other viewers' taps. */
  serverTotal(total: number, delta: number): void {
    const now = performance.now();
    this.recent = this.recent.filter((t) => now - t < 3000);
    // Our own taps of the last seconds may not be in the server's total yet.
    this.setTotal(Math.max(total, Math.min(this.total, total + this.recent.length)));
    const others = Math.max(0, delta - this.tapsSinceTick);
    this.tapsSinceTick = 0;
    for (let i = 0; i < Math.min(others, 4); i++) setTimeout(() => this.float(), i * 160);
  }

  setTotal(n: number, _own = false): void {
    this.total = n;
    this.count.textContent = formatCount(n);
  }

  float(): void {
    if (this.layer.childElementCount > 24) return;
    const heart = icon(ICONS.heart, 'zb-heart');
    heart.style.color = COLORS[Math.floor(Math.random() * COLORS.length)]!;
    heart.style.setProperty('--dx', `${Math.round(Math.random() * 60 - 30)}px`);
    heart.style.setProperty('--rot', `${Math.round(Math.random() * 40 - 20)}deg`);
    heart.addEventListener('animationend', () => heart.remove(), { once: true });
    this.layer.append(heart);
  }

  setEnabled(on: boolean): void {
    this.el.hidden = !on;
  }
}
