/**
 * The replay's controls: play/pause, the time, and a seek bar with the markers (看点) drawn on it — tap anywhere to
 * seek, tap a marker to jump to its start. Positions are set through the CSSOM (the page's CSP allows no style
 * attributes).
 */
import type { ReplayMarker } from '@zhibo/protocol';
import { h, icon } from '../dom.js';
import { ICONS } from '../icons.js';
import { clock } from './markers.js';

export class ReplayControls {
  readonly el = h('div', { class: 'zb-rp-controls' });
  private readonly play = h('button', { class: 'zb-rp-play', type: 'button', 'aria-label': '播放 Play' });
  private readonly time = h('span', { class: 'zb-rp-time', text: '00:00' });
  private readonly total = h('span', { class: 'zb-rp-time zb-rp-total', text: '00:00' });
  private readonly track = h('div', { class: 'zb-rp-track', role: 'slider', 'aria-label': '进度 Seek', tabindex: 0 });
  private readonly fill = h('div', { class: 'zb-rp-fill' });

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly duration: number,
    markers: ReplayMarker[],
    jump: (m: ReplayMarker) => void,
  ) {
    this.track.append(this.fill);
    for (const m of markers) {
      const tick = h('button', {
        class: 'zb-rp-tick',
        type: 'button',
        'data-goods-id': m.goods_id,
        'aria-label': `看点 ${m.goods?.name ?? m.goods_id} ${clock(m.start)}`,
      });
      tick.style.left = `${(100 * m.start) / duration}%`;
      tick.style.width = `${Math.max(1.2, (100 * (m.end - m.start)) / duration)}%`;
      tick.addEventListener('click', (e) => {
        e.stopPropagation();
        jump(m);
      });
      this.track.append(tick);
    }
    this.total.textContent = clock(duration);
    this.el.append(this.play, this.time, this.track, this.total);
    this.play.addEventListener('click', () => (video.paused ? void video.play().catch(() => undefined) : video.pause()));
    this.track.addEventListener('click', (e) => {
      const r = this.track.getBoundingClientRect();
      video.currentTime = Math.min(duration, Math.max(0, ((e.clientX - r.left) / r.width) * duration));
    });
    this.track.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') video.currentTime = Math.min(duration, video.currentTime + 5);
      else if (e.key === 'ArrowLeft') video.currentTime = Math.max(0, video.currentTime - 5);
    });
    for (const ev of ['play', 'pause', 'ended']) video.addEventListener(ev, () => this.paint());
    this.paint();
  }

  /** Update to the playhead. */
  paint(): void {
    const t = this.video.currentTime;
    this.time.textContent = clock(t);
    this.fill.style.width = `${Math.min(100, (100 * t) / this.duration)}%`;
    this.track.setAttribute('aria-valuenow', String(Math.round(t)));
    const playing = !this.video.paused && !this.video.ended;
    this.play.replaceChildren(icon(playing ? ICONS.pause : ICONS.play));
    this.play.setAttribute('aria-label', playing ? '暂停 Pause' : '播放 Play');
  }
}
