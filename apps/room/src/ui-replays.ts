/**
 * The replay of a live that ended (S-PLAYER-5), seen from the room without a reload: the segments play one after the
 * other as one replay; the list follows the server (a `replays` push on the room channel, else polling while
 * segments are still being prepared), without interrupting what is playing.
 */
import type { ReplayEntry } from '@zhibo/protocol';
import { formatCountdown } from '@zhibo/sdk';
import { h, icon } from './dom.js';
import { ICONS } from './icons.js';

export interface ReplaySource {
  /** the ready segments (oldest first) and how many are still being prepared */
  load(): Promise<{ replays: ReplayEntry[]; pending: number }>;
}

export class ReplayPanel {
  readonly el = h('div', { class: 'zb-replays', 'data-testid': 'replays' });
  private readonly video = h('video', { class: 'zb-replay-video', controls: true, playsinline: true, preload: 'metadata' });
  private list: ReplayEntry[] = [];
  private current = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly source: ReplaySource,
    private readonly text: { preparing: string; replay: string; part: string; failed: string },
  ) {
    this.el.append(h('p', { class: 'zb-ov-sub', text: text.preparing }));
    // one replay: when a segment ends, the next one plays
    this.video.addEventListener('ended', () => {
      if (this.current + 1 < this.list.length) this.play(this.current + 1, true);
    });
    void this.refresh(); // fire-and-forget: refresh() handles a failed load itself (the 'failed' text, then retries)
  }

  /** Ask again now (the room channel said a segment became ready). */
  refresh(): Promise<void> {
    clearTimeout(this.timer);
    return this.source.load().then(
      ({ replays, pending }) => {
        if (this.stopped) return;
        this.render(replays, pending);
        // segments still being prepared (the last one right after the end): look again, less often as time goes on
        if ((pending > 0 || replays.length === 0) && this.attempt < 60)
          this.timer = setTimeout(() => void this.refresh(), Math.min(30_000, 3_000 + this.attempt++ * 2_000));
      },
      () => {
        if (this.stopped) return;
        if (!this.list.length) this.el.replaceChildren(h('p', { class: 'zb-ov-sub', text: this.text.failed }));
        if (this.attempt < 60) this.timer = setTimeout(() => void this.refresh(), Math.min(30_000, 3_000 + this.attempt++ * 2_000));
      },
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.video.pause();
  }

  private render(replays: ReplayEntry[], pending: number): void {
    const changed = replays.length !== this.list.length || replays.some((r, i) => r.media_url !== this.list[i]?.media_url);
    this.el.dataset.pending = String(pending);
    this.el.dataset.segments = String(replays.length);
    if (!replays.length) {
      this.list = [];
      this.el.replaceChildren(h('p', { class: 'zb-ov-sub', text: this.text.preparing }));
      return;
    }
    if (!changed && this.el.contains(this.video)) return;
    const first = !this.list.length;
    this.list = replays;
    const total = replays.reduce((s, r) => s + (r.duration_sec ?? 0), 0);
    const head = h('p', {
      class: 'zb-ov-sub zb-replay-head',
      text: `${this.text.replay}${total ? ` · ${formatCountdown(total * 1000)}` : ''}`,
    });
    const parts =
      replays.length > 1
        ? h(
            'div',
            { class: 'zb-replay-list' },
            ...replays.map((x, i) =>
              h(
                'button',
                {
                  class: `zb-replay-item${i === this.current ? ' zb-active' : ''}`,
                  type: 'button',
                  'data-url': x.media_url,
                  onclick: () => this.play(i, true),
                },
                icon(ICONS.play),
                `${this.text.part} ${i + 1}${x.duration_sec ? ` · ${formatCountdown(x.duration_sec * 1000)}` : ''}`,
              ),
            ),
          )
        : null;
    const more = pending > 0 ? h('p', { class: 'zb-ov-sub zb-replay-more', text: this.text.preparing }) : null;
    this.el.replaceChildren(head, this.video, ...(parts ? [parts] : []), ...(more ? [more] : []));
    if (first) this.play(0, false);
  }

  private play(i: number, start: boolean): void {
    const x = this.list[i];
    if (!x) return;
    this.current = i;
    if (this.video.getAttribute('src') !== x.media_url) this.video.src = x.media_url;
    if (start) void this.video.play().catch(() => undefined); // refused autoplay: the viewer has the video's own controls
    this.el.querySelectorAll('.zb-replay-item').forEach((b, j) => b.classList.toggle('zb-active', j === i));
  }
}
