/**
 * The replay page (issue 15): when a room has ended (103) and its one replay is ready, the room page becomes a shop
 * window over it — the whole live as one video (MP4 faststart: seeking works on phones), the markers (看点) on the seek
 * bar and as a strip of products with "jump to the explanation", "讲解中" while inside one, the explanation clips, and
 * the chat replay in step with the video. Until the replay is ready the status overlay stays (and this keeps asking).
 */
import './replay.css';
import { type LiveInfoGoods, PluginRoutes, type PluginReplayResponse, type ReplayMarker } from '@zhibo/protocol';
import type { SdkClient } from '@zhibo/sdk';
import { h } from '../dom.js';
import { ChatReplay } from './chat.js';
import { ReplayControls } from './controls.js';
import { ClipPlayer, MarkerStrip, NowCard } from './markers.js';

export interface ReplayViewOptions {
  client: SdkClient;
  roomId: number;
  /** the room's cover: the video's poster until it plays */
  poster: string;
  /** open the merchant's goods page with the room's parameters (the room page's own way) */
  buy(g: LiveInfoGoods): void;
}

export class ReplayView {
  readonly el = h('div', { class: 'zb-rp', 'data-state': 'loading' });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = false;
  private shown = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly o: ReplayViewOptions,
  ) {}

  /** Ask for the replay (again while it is being prepared); it takes over the page once ready. */
  start(): void {
    if (this.shown || this.stopped) return;
    clearTimeout(this.timer);
    this.o.client.get<PluginReplayResponse>(PluginRoutes.replay, { room_id: this.o.roomId }, { identity: false }).then(
      (r) => {
        if (this.stopped) return;
        this.el.dataset.state = r.state;
        if (r.state === 'ready' && r.media_url && r.duration_sec) this.show(r.media_url, r.duration_sec, r.markers);
        else if (r.state === 'preparing' || r.state === 'none') this.again();
      },
      () => this.again(),
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.el.querySelector('video')?.pause();
  }

  private again(): void {
    if (this.stopped || this.attempt >= 60) return;
    this.timer = setTimeout(() => this.start(), Math.min(20_000, 2_000 + this.attempt++ * 1_500));
  }

  private show(src: string, duration: number, markers: ReplayMarker[]): void {
    this.shown = true;
    const video = h('video', {
      class: 'zb-rp-video',
      playsinline: true,
      'webkit-playsinline': true,
      'x5-playsinline': true,
      preload: 'metadata',
      src,
    });
    if (/^https?:\/\//.test(this.o.poster)) video.poster = this.o.poster;
    video.addEventListener('loadedmetadata', () => this.el.classList.toggle('zb-rp-wide', video.videoWidth > video.videoHeight));
    video.addEventListener('click', () => (video.paused ? void video.play().catch(() => undefined) : video.pause()));
    const jump = (m: ReplayMarker) => {
      video.currentTime = m.start;
      void video.play().catch(() => undefined);
    };
    const chat = new ChatReplay(this.o.client, this.o.roomId);
    const clip = new ClipPlayer();
    const controls = new ReplayControls(video, duration, markers, jump);
    const strip = new MarkerStrip(
      markers,
      {
        jump,
        buy: (g) => this.o.buy(g),
        clip: (m) => {
          video.pause();
          clip.open(m);
        },
      },
      chat.toggle,
    );
    const now = new NowCard((g) => this.o.buy(g));
    const badge = h('span', { class: 'zb-rp-badge', text: '回放 · Replay' });
    const panel = h('div', { class: 'zb-rp-panel' }, chat.el, now.el, controls.el, strip.el);
    this.el.replaceChildren(video, badge, panel, clip.el);
    // whatever played before (the ended overlay's segment player) stops: this replay takes over
    for (const v of this.root.querySelectorAll('video')) v.pause();
    this.root.append(this.el);
    this.root.classList.add('zb-replay-mode');
    let last = -1;
    const follow = () => {
      const t = video.currentTime;
      controls.paint();
      const m = markers.find((x) => t >= x.start && t < x.end) ?? null;
      now.set(m);
      strip.setCurrent(m);
      if (Math.abs(t - last) >= 0.25) {
        last = t;
        // not awaited: a timeupdate handler; at() never rejects (a failed window of comments reads as empty and is asked again)
        void chat.at(t);
      }
    };
    video.addEventListener('timeupdate', follow);
    video.addEventListener('seeked', follow);
    follow();
  }
}
