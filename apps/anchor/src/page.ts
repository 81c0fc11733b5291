/**
 * The anchor page: camera preview, the controls (flip, mute, quality, shelf), the big start/end button, and the
 * room's numbers and comments polled every 2 s. Publishing is WHIP to the room's endpoint (whip.ts), which reconnects
 * by itself within the room's 106 window when the network drops.
 */
import { type AnchorLive, type AnchorRoom, AnchorRoutes } from '@zhibo/protocol';
import { ApiError, call } from './api.js';
import { Camera, CameraError, QUALITIES, type Quality, WakeLock } from './camera.js';
import { clock, count, h, show } from './dom.js';
import { ShelfSheet } from './shelf.js';
import { ChatOverlay, confirmSheet, STATUS_TEXT, toast } from './ui.js';
import { type PublishState, WhipError, WhipPublisher } from './whip.js';

const FINAL = new Set([103, 104, 107]);
const POLL_MS = 2000;

export class AnchorPage {
  readonly camera: Camera;
  publisher: WhipPublisher | null = null;
  readonly wakeLock = new WakeLock();
  status: number;
  private live: AnchorLive | null = null;
  private clockOffset = 0;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private sentBytes = { at: 0, bytes: 0 };
  private finished = false;

  private readonly video = h('video', {
    class: 'an-preview is-mirrored',
    autoplay: true,
    muted: true,
    playsinline: true,
    'aria-label': '摄像头预览 · Camera preview',
  });
  private readonly statusEl = h('span', { class: 'an-status' });
  private readonly elapsed = h('span', { class: 'an-elapsed', 'aria-label': '直播时长 · Elapsed' });
  private readonly viewers = h('span', { class: 'an-viewers', text: '0' });
  private readonly likes = h('span', { class: 'an-likes', text: '0' });
  private readonly net = h('div', { class: 'an-net', hidden: true, role: 'status' });
  private readonly rate = h('span', { class: 'an-rate' });
  private readonly rotate = h('div', {
    class: 'an-rotate',
    hidden: true,
    text: '横屏直播间：请把手机横过来 · Landscape room: turn your phone sideways',
  });
  private readonly presentedEl = h('div', { class: 'an-presented', hidden: true });
  private readonly chat = new ChatOverlay();
  private readonly shelf: ShelfSheet;
  private readonly go = h('button', { type: 'button', class: 'an-go', 'data-action': 'go-live' });
  private readonly mic = h('button', { type: 'button', class: 'an-ctl', 'data-action': 'mute', 'aria-pressed': 'false' });
  private readonly quality = h(
    'select',
    { class: 'an-ctl an-quality', name: 'quality', 'aria-label': '画质 · Quality' },
    ...Object.keys(QUALITIES).map((k) => h('option', { value: k, text: k })),
  );

  constructor(
    private readonly root: HTMLElement,
    private readonly room: AnchorRoom,
  ) {
    this.status = room.status;
    this.camera = new Camera(room.screenType === 0);
    this.shelf = new ShelfSheet(room, (m) => toast(this.root, m, 'error'));
  }

  async start(): Promise<void> {
    this.render();
    this.setStatus(this.room.status);
    void this.poll(); // a loop that runs for the page's life: poll() catches everything (401 → toast) and reschedules itself
    this.renderClock();
    this.tick = setInterval(() => this.renderClock(), 1000);
    if (FINAL.has(this.status)) return;
    try {
      this.video.srcObject = await this.camera.open();
    } catch (e) {
      this.setState('error');
      toast(this.root, e instanceof CameraError ? e.message : String(e), 'error');
    }
  }

  private render(): void {
    const portrait = this.room.screenType === 0;
    const orient = matchMedia('(orientation: portrait)');
    const hint = () => show(this.rotate, !portrait && orient.matches);
    orient.addEventListener('change', hint);
    hint();
    this.renderMic();
    this.mic.addEventListener('click', () => {
      this.camera.setMuted(!this.camera.muted);
      this.renderMic();
    });
    this.quality.addEventListener('change', () => void this.setQuality(this.quality.value as Quality));
    this.go.addEventListener('click', () => void this.onGo());
    this.root.replaceChildren(
      h(
        'div',
        { class: `an ${portrait ? 'an-portrait' : 'an-landscape'}` },
        h('div', { class: 'an-stage' }, this.video),
        h(
          'header',
          { class: 'an-top' },
          h('div', { class: 'an-title' }, h('strong', { text: this.room.name }), this.statusEl),
          h(
            'div',
            { class: 'an-stats' },
            this.elapsed,
            h('span', { class: 'an-stat' }, '观看 ', this.viewers),
            h('span', { class: 'an-stat' }, '♥ ', this.likes),
            this.rate,
          ),
          this.net,
          this.rotate,
        ),
        h(
          'div',
          { class: 'an-bottom' },
          this.presentedEl,
          this.chat.el,
          h(
            'div',
            { class: 'an-controls' },
            h(
              'button',
              { type: 'button', class: 'an-ctl', 'data-action': 'flip', onclick: () => void this.flip() },
              '翻转',
              h('small', { text: 'Flip' }),
            ),
            this.mic,
            this.quality,
            h(
              'button',
              { type: 'button', class: 'an-ctl', 'data-action': 'shelf', onclick: () => void this.shelf.open() },
              '商品',
              h('small', { text: 'Goods' }),
            ),
          ),
          this.go,
        ),
        this.shelf.el,
      ),
    );
  }

  private renderMic(): void {
    this.mic.replaceChildren(this.camera.muted ? '已静音' : '麦克风', h('small', { text: this.camera.muted ? 'Muted' : 'Mic on' }));
    this.mic.setAttribute('aria-pressed', String(this.camera.muted));
  }

  /** `data-state` on <body>: preview, connecting, live, reconnecting, ended, error (tests and CSS read it). */
  private setState(s: string): void {
    document.body.dataset.state = s;
    const publishing = this.publisher !== null && this.publisher.state !== 'stopped';
    this.go.textContent = publishing ? '结束直播 · End live' : this.status === 106 ? '继续直播 · Resume live' : '开始直播 · Go live';
    this.go.classList.toggle('is-live', publishing);
    this.go.disabled = s === 'ended' || s === 'error';
  }

  private setStatus(status: number): void {
    this.status = status;
    this.statusEl.textContent = STATUS_TEXT[status] ?? String(status);
    this.statusEl.dataset.status = String(status);
    if (status !== 106 && this.publisher?.state !== 'reconnecting') show(this.net, false);
    if (FINAL.has(status))
      void this.finish(); // fire-and-forget (called from sync code); finish() never rejects: stop() and release() do not
    else if (!this.publisher || this.publisher.state === 'stopped') this.setState('preview');
  }

  private async onGo(): Promise<void> {
    if (this.publisher && this.publisher.state !== 'stopped') {
      if (
        !(await confirmSheet(
          this.root,
          '结束直播？End the live?',
          '所有观众的直播都会结束（已结束 103），不能再开始；回放会自动生成。The live ends for everyone and cannot be restarted; the replay is prepared.',
          '结束直播 · End live',
          true,
        ))
      )
        return;
      try {
        this.setStatus((await call<{ status: number }>('POST', AnchorRoutes.end(this.room.roomId))).status);
      } catch (e) {
        toast(this.root, (e as ApiError).message, 'error');
      }
      return;
    }
    if (!this.camera.stream) return toast(this.root, '摄像头未打开 · The camera is not open', 'error');
    if (
      !(await confirmSheet(
        this.root,
        '开始直播？Go live?',
        '观众会看到并听到这个摄像头。Viewers will see and hear this camera.',
        '开始直播 · Go live',
        false,
      ))
    )
      return;
    const p = new WhipPublisher({
      endpoint: this.room.whipPath,
      maxBitrate: QUALITIES[this.camera.quality].bitrate,
      reconnectWindowMs: this.room.abnormalTimeoutMs,
      token: async () => (await call<AnchorRoom>('GET', AnchorRoutes.room(this.room.roomId)).catch(() => this.room)).streamKey,
    });
    this.publisher = p;
    p.on('state', (s) => this.onPublish(s));
    p.on('error', (e) => toast(this.root, e.message, 'error'));
    this.setState('connecting');
    try {
      await p.start(this.camera.stream);
    } catch (e) {
      this.publisher = null;
      this.setState('preview');
      const err = e as WhipError;
      toast(
        this.root,
        err.status === 409
          ? '这个直播间已经有人在推流（OBS 或另一台设备）· Another device or OBS is already streaming to this room'
          : err.message,
        'error',
      );
    }
  }

  private onPublish(s: PublishState): void {
    // an event handler; the wake lock is best effort: hold() and release() catch a refused or lost lock and never reject
    if (s === 'live') void this.wakeLock.hold();
    if (s === 'stopped') void this.wakeLock.release();
    const n = this.publisher?.attempts ?? 0;
    show(this.net, s === 'reconnecting');
    if (s === 'reconnecting') this.net.textContent = `网络中断，正在重连… · Reconnecting${n ? ` (attempt ${n})` : ''}`;
    this.setState(s === 'stopped' ? (FINAL.has(this.status) ? 'ended' : 'preview') : s);
  }

  private async flip(): Promise<void> {
    try {
      const track = await this.camera.flip();
      this.video.classList.toggle('is-mirrored', this.camera.facing === 'user');
      await this.publisher?.replaceVideo(track);
    } catch (e) {
      toast(this.root, `不能切换摄像头 · Cannot switch camera (${(e as Error).message})`, 'error');
    }
  }

  private async setQuality(q: Quality): Promise<void> {
    await this.camera.setQuality(q);
    await this.publisher?.setMaxBitrate(QUALITIES[q].bitrate).catch(() => undefined);
    toast(this.root, `画质 · Quality ${QUALITIES[q].label}`);
  }

  /** The room ended (by us, the console, the operator or the 15-minute timer): stop everything, say so. */
  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.pollTimer);
    clearInterval(this.tick);
    const p = this.publisher;
    await p?.stop();
    this.camera.close();
    this.video.srcObject = null;
    await this.wakeLock.release();
    this.setState('ended');
    show(this.net, false);
    this.go.textContent = STATUS_TEXT[this.status] ?? '已结束 · Ended';
  }

  private async poll(): Promise<void> {
    try {
      const live = await call<AnchorLive>('GET', AnchorRoutes.live(this.room.roomId));
      this.live = live;
      this.clockOffset = live.serverTime - Date.now();
      this.viewers.textContent = count(live.viewers);
      this.likes.textContent = count(live.likes);
      this.chat.render(live.comments);
      this.shelf.setPresented(live.presented);
      const g = this.room.goods.find((x) => x.goods_id === live.presented);
      show(this.presentedEl, live.presented !== null);
      this.presentedEl.textContent = live.presented !== null ? `讲解中 · Presenting: ${g?.name ?? `#${live.presented}`}` : '';
      if (live.status !== this.status) this.setStatus(live.status);
      await this.renderRate();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        toast(this.root, e.message, 'error');
        return;
      }
    }
    if (!FINAL.has(this.status)) this.pollTimer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private renderClock(): void {
    const since = this.live?.liveSince;
    const on = since !== null && since !== undefined && [101, 105, 106].includes(this.status);
    this.elapsed.textContent = on ? clock(Date.now() + this.clockOffset - since) : '0:00';
    const lost = this.live?.lostAt;
    if (this.status === 106 && lost && this.publisher?.state !== 'reconnecting') {
      show(this.net, true);
      this.net.textContent = `信号中断 · Stream lost: ${clock(this.room.abnormalTimeoutMs - (Date.now() + this.clockOffset - lost))} 内可继续直播 · left to resume`;
    }
  }

  private async renderRate(): Promise<void> {
    const bytes = (await this.publisher?.videoBytesSent().catch(() => 0)) ?? 0;
    const now = performance.now();
    const kbps = this.sentBytes.at && bytes >= this.sentBytes.bytes ? ((bytes - this.sentBytes.bytes) * 8) / (now - this.sentBytes.at) : 0;
    this.sentBytes = { at: now, bytes };
    this.rate.textContent = this.publisher?.state === 'live' ? `${Math.round(kbps)} kbps` : '';
  }
}
