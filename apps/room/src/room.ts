/**
 * The room page controller: loads the room, plays the video, keeps the status overlay, chat, likes,
 * shelf and viewer count in step with the real-time channel, and sends the viewer on to the
 * merchant's pages with the S-PARAMS-2 query.
 */
import {
  CloseCode,
  LiveStatus,
  PluginErrorCode,
  WebRoutes,
  isLiveStatus,
  type EntryInfo,
  type PluginError,
  type PluginReplaysResponse,
  type PluginRoomResponse,
  type WelcomeMsg,
} from '@zhibo/protocol';
import { LivePlayer, type HlsModule, type MpegtsModule, type PlayerTech, type RoomChannel, type RoomLink, type ZhiboSdk } from '@zhibo/sdk';
import { h, img, show } from './dom.js';
import { ICONS } from './icons.js';
import { ChatView, Composer } from './ui-chat.js';
import { PresentCard, Shelf } from './ui-goods.js';
import { LikeButton } from './ui-likes.js';
import { StatusOverlay } from './ui-overlay.js';
import { RoomExits, SOUND_KEY } from './room-exits.js';
import { ReplayView } from './replay/view.js';
import { Pill, Toast, TopBar } from './ui-top.js';
import { T } from './text.js';

export interface RoomPageOptions {
  /** where build/vendor/*.js are (…/build/ with the page's ?v=) */
  vendorUrl: (name: string) => string;
  prefer?: PlayerTech;
  /** FLV live-edge target (seconds buffered ahead of the playhead); the SDK's default when absent */
  latencyTargetSec?: number;
}

const WELCOME = T.welcome;
const NICK_KEY = 'zhibo.nick';
const savedNick = (): string => {
  try {
    return localStorage.getItem(NICK_KEY) ?? '';
  } catch {
    return '';
  }
};
const ERR_TEXT: Record<string, string> = T.err;

export class RoomPage {
  private readonly video = h('video', {
    class: 'zb-video',
    muted: true,
    autoplay: true,
    playsinline: true,
    'webkit-playsinline': true,
    'x5-playsinline': true,
    disablepictureinpicture: true,
  });
  private readonly poster = h('div', { class: 'zb-poster' });
  private readonly loading = h('div', { class: 'zb-loading', hidden: true }, h('div', { class: 'zb-spinner' }));
  private readonly overlay = new StatusOverlay();
  private readonly top = new TopBar();
  private readonly toast = new Toast();
  private readonly unmute = new Pill('zb-unmute', ICONS.muted, T.tapToUnmute);
  private readonly conn = new Pill('zb-conn', null, T.reconnecting);
  private readonly upgrade = new Pill('zb-upgrade', null, '');
  private readonly chat: ChatView;
  private readonly composer: Composer;
  private readonly likes: LikeButton;
  private readonly shelf: Shelf;
  private readonly present: PresentCard;
  private readonly side = h('div', { class: 'zb-side' });
  private room: PluginRoomResponse | undefined;
  private status: LiveStatus = LiveStatus.NotStarted;
  private openid = '';
  private channel: RoomChannel | undefined;
  private player: LivePlayer | undefined;
  private videoOnly = false;
  private serverOffset = 0;
  private poll: ReturnType<typeof setInterval> | undefined;
  private commentsClosed = false;
  private mutedSelf = false;
  private readonly exits: RoomExits;
  /** 103: the one replay with its markers and chat replay (issue 15) */
  private replayView: ReplayView | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly sdk: ZhiboSdk,
    private readonly link: RoomLink,
    private readonly opts: RoomPageOptions,
  ) {
    this.exits = new RoomExits({
      sdk,
      link,
      root,
      toast: this.toast,
      room: () => this.room,
      openid: () => this.openid,
      setOpenid: (o) => (this.openid = o),
      muted: () => this.video.muted,
    });
    this.chat = new ChatView(() => this.openid);
    this.composer = new Composer((t) => this.sendChat(t));
    this.likes = new LikeButton(() => this.channel?.like(1));
    this.shelf = new Shelf((g) => this.exits.openGoods(g));
    this.present = new PresentCard((g) => this.exits.openGoods(g));
    this.top.shareButton.addEventListener('click', () => void this.exits.share());
    this.top.homeButton.addEventListener('click', () => this.exits.openHome());
    this.top.kfButton.addEventListener('click', () => this.exits.openKf());
    this.top.fullscreenButton.addEventListener('click', () => this.toggleFullscreen());
    this.composer.nameButton.addEventListener('click', () => this.changeName());
  }

  /** A stable read-only view for tests and the console (window.__zhiboRoom). */
  debug() {
    return {
      status: this.status,
      openid: this.openid,
      mutedSelf: this.mutedSelf,
      videoOnly: this.videoOnly,
      channel: this.channel?.state ?? 'none',
      tech: this.player?.currentTech ?? null,
      currentTime: this.video.currentTime,
      latency: this.player?.latencyStats() ?? null,
    };
  }

  async start(): Promise<void> {
    this.render();
    const room = await this.loadRoom();
    if (!room) return;
    this.room = room;
    this.serverOffset = room.serverTime - Date.now();
    this.videoOnly = this.sdk.isTooOld(room.minSdkVersion);
    this.root.classList.toggle('zb-video-only', this.videoOnly);
    this.root.classList.toggle('zb-landscape', room.screenType === 1);
    this.top.setRoom(room.anchorName, room.anchorImg, room.name);
    this.top.setViewers(0);
    this.top.shareButton.hidden = room.closeShare || this.videoOnly;
    this.top.homeButton.hidden = !room.homeUrl || this.videoOnly;
    this.top.kfButton.hidden = !room.kfUrl || this.videoOnly;
    this.poster.replaceChildren(img(room.coverImg, '', 'zb-poster-img'));
    this.shelf.set(room.goods);
    show(this.shelf.bagButton, !room.closeGoods && room.goods.length > 0);
    this.likes.setEnabled(!room.closeLike);
    this.chat.reset([], WELCOME);
    this.setupPlayer(room);
    this.restoreSound();
    if (this.videoOnly) {
      this.upgrade.set(true, T.tooOld(room.minSdkVersion));
      // fire-and-forget: the openid only tags this viewer's links; without it the video-only page still works
      void this.sdk
        .requirePlugin('live-player-plugin')
        .getOpenid({ room_id: room.roomId })
        .then(
          (r) => (this.openid = r.openid),
          () => undefined,
        );
    } else {
      this.connect(room);
      this.setupFollow(room.roomId);
    }
    this.applyStatus(room.liveStatus);
    this.startPolling();
  }

  private render(): void {
    const stage = h('div', { class: 'zb-stage' }, this.poster, this.video, this.loading, this.overlay.el);
    stage.addEventListener('click', (e) => {
      if ((e.target as Element).closest('.zb-overlay')) return;
      this.unmuteNow();
    });
    this.unmute.el.addEventListener('click', (e) => {
      e.stopPropagation();
      this.unmuteNow();
    });
    const actions = h('div', { class: 'zb-actions' }, this.shelf.bagButton, this.composer.el, this.likes.el);
    this.side.append(this.chat.el, this.present.el, actions);
    const pills = h('div', { class: 'zb-pills' }, this.conn.el, this.upgrade.el, this.unmute.el);
    this.root.replaceChildren(stage, this.top.el, pills, this.likes.layer, this.side, this.shelf.backdrop, this.shelf.el, this.toast.el);
    this.root.classList.add('zb-room');
  }

  private async loadRoom(): Promise<PluginRoomResponse | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sdk.client.get<PluginRoomResponse>(WebRoutes.room, { room_id: this.link.room_id }, { identity: false });
      } catch (e) {
        const err = e as PluginError;
        if (err.errcode === PluginErrorCode.RoomNotFound || err.errcode === PluginErrorCode.BadRequest) {
          this.fatal(T.noRoomTitle, T.noRoom(this.link.room_id));
          return undefined;
        }
        this.conn.set(true, T.networkRetry);
        await new Promise((r) => setTimeout(r, Math.min(15_000, 1000 * 2 ** attempt)));
      }
    }
  }

  private fatal(title: string, sub: string): void {
    this.conn.set(false);
    this.root.replaceChildren(h('div', { class: 'zb-fatal' }, h('h1', { text: title }), h('p', { text: sub })));
  }

  private setupPlayer(room: PluginRoomResponse): void {
    const importVendor = <T>(name: string) =>
      import(/* @vite-ignore */ this.opts.vendorUrl(name)).then(
        (m: { default: T & { default?: T } }) => (m.default.default ?? m.default) as T,
      );
    this.player = new LivePlayer({
      video: this.video,
      media: withDevice(room.media, this.sdk.client.deviceId),
      prefer: this.opts.prefer,
      ...(this.opts.latencyTargetSec ? { latency: { targetSec: this.opts.latencyTargetSec } } : {}),
      loadMpegts: () => importVendor<MpegtsModule>('mpegts'),
      loadHls: () => importVendor<HlsModule>('hls'),
    });
    this.player.on('playing', () => {
      this.loading.hidden = true;
      this.root.classList.add('zb-playing');
      if (this.video.muted) this.unmute.set(true);
    });
    this.player.on('waiting', () => (this.loading.hidden = this.status !== LiveStatus.Live));
    this.player.on('needsGesture', () => this.unmute.set(true, T.tapToPlay));
    this.player.on('error', (m) => this.toast.show(m, 4000));
    this.video.addEventListener('resize', () =>
      this.root.classList.toggle('zb-wide-video', this.video.videoWidth > this.video.videoHeight),
    );
  }

  /**
   * Back from a goods page: the sound stays as the viewer left it (the browser may still ask for a tap first; the
   * player then says so). A page restored from the back/forward cache plays on where it was.
   */
  private restoreSound(): void {
    let on = false;
    try {
      on = sessionStorage.getItem(SOUND_KEY) === '1';
    } catch {
      on = false;
    }
    if (on) this.video.muted = false;
    // Leaving for a goods page: let go of the socket and the stream, so the browser may keep this page in its
    // back/forward cache (an open WebSocket forbids it); coming back from that cache picks both up again.
    // (unconditionally: with the socket still open the browser would not offer the cache in the first place)
    addEventListener('pagehide', () => {
      this.channel?.close();
      this.player?.stop();
    });
    addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      this.channel?.connect();
      if (this.status === LiveStatus.Live) this.player?.start();
    });
  }

  /** The viewer picks their chat name (kept in this browser; a merchant's viewer token may set it instead). */
  private changeName(): void {
    const n = window.prompt(T.askName, this.composer.nameButton.textContent ?? '')?.trim();
    if (!n) return;
    try {
      localStorage.setItem(NICK_KEY, n.slice(0, 24));
    } catch {
      // storage blocked: this visit only
    }
    this.channel?.setNick(n.slice(0, 24));
  }

  /** Desktop viewers: the video (with its overlays) fills the screen; again to leave. */
  private toggleFullscreen(): void {
    // a click handler: a refused fullscreen change leaves the page as it is
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else
      void this.root
        .querySelector<HTMLElement>('.zb-stage')
        ?.requestFullscreen?.()
        .catch(() => undefined);
  }

  private unmuteNow(): void {
    if (this.unmute.el.hidden) return;
    this.video.muted = false;
    void this.video.play().catch(() => undefined); // a tap lets play() through; a refusal leaves the video as it was
    this.unmute.set(false);
  }

  private entry(): EntryInfo {
    const e: EntryInfo = {};
    if (this.link.scene) e.scene = this.link.scene;
    if (this.link.type) e.type = this.link.type;
    if (this.link.share_openid && this.link.share_sig) {
      e.share_openid = this.link.share_openid;
      e.share_sig = this.link.share_sig;
    }
    if (this.link.custom_params) e.custom_params = this.link.custom_params;
    return e;
  }

  private connect(room: PluginRoomResponse): void {
    const ch = this.sdk.roomChannel(room.roomId, { entry: this.entry(), ...(savedNick() ? { nick: savedNick() } : {}) });
    this.channel = ch;
    ch.on('welcome', (m) => this.onWelcome(m));
    ch.on('state', (s) => this.conn.set(s === 'reconnecting'));
    ch.on('chat', (m) => this.chat.add(m));
    ch.on('chatDeleted', (m) => this.chat.remove(m.id));
    ch.on('likes', (m) => this.likes.serverTotal(m.total, m.delta));
    ch.on('viewers', (m) => this.top.setViewers(this.isFinal() ? null : m.count));
    ch.on('shelf', (m) => {
      this.shelf.set(m.goods);
      show(this.shelf.bagButton, !room.closeGoods && m.goods.length > 0);
    });
    ch.on('present', (m) => {
      this.present.set(m.goods);
      this.shelf.setPresented(m.goods?.goods_id ?? 0);
    });
    ch.on('status', (m) => this.applyStatus(m.liveStatus));
    ch.on('replays', () => this.overlay.replaysChanged());
    ch.on('notice', (m) => this.chat.setNotice(m.text));
    ch.on('comments', (m) => {
      this.commentsClosed = m.closed;
      this.updateComposer();
    });
    ch.on('muted', (m) => {
      this.mutedSelf = m.you;
      this.toast.show(m.you ? T.youAreMuted : T.youAreUnmuted);
    });
    ch.on('error', (m) => this.toast.show(ERR_TEXT[m.code] ?? m.message));
    ch.on('closed', (c) => {
      if (c.reconnect) return;
      if (c.code === CloseCode.VersionTooOld) {
        this.videoOnly = true;
        this.root.classList.add('zb-video-only');
        this.upgrade.set(true, T.tooOldShort);
      } else if (c.code === CloseCode.RoomBanned) {
        this.applyStatus(LiveStatus.Banned);
      } else if (c.code === CloseCode.UnknownRoom) {
        this.fatal(T.noRoomTitle, T.noRoom(this.link.room_id));
      }
    });
    ch.connect();
  }

  private onWelcome(m: WelcomeMsg): void {
    const r = m.room;
    this.openid = m.openid;
    this.mutedSelf = m.mutedSelf;
    if (m.mutedSelf) this.toast.show(T.youAreMuted);
    this.commentsClosed = r.closeComment;
    this.top.setRoom(r.anchorName, r.anchorImg, r.name);
    this.top.setViewers(this.isFinal(r.liveStatus) ? null : r.viewers.count);
    this.likes.setTotal(r.likes);
    this.likes.setEnabled(!r.closeLike);
    this.shelf.set(r.goods, r.presented?.goods_id ?? 0);
    show(this.shelf.bagButton, !r.closeGoods && r.goods.length > 0);
    this.present.set(r.presented);
    this.chat.reset(r.comments, WELCOME);
    this.chat.setNotice(r.notice);
    this.composer.setName(m.nick);
    this.updateComposer();
    this.applyStatus(r.liveStatus);
  }

  /** 103/104/107: over (no viewers now, no chat) */
  private isFinal(s: LiveStatus = this.status): boolean {
    return s === LiveStatus.Ended || s === LiveStatus.Banned || s === LiveStatus.Expired;
  }

  private updateComposer(): void {
    const closed = this.status === LiveStatus.Ended || this.status === LiveStatus.Banned || this.status === LiveStatus.Expired;
    // A muted viewer may still type (like WeChat): the server refuses the comment and the toast says why.
    if (this.commentsClosed) this.composer.setEnabled(false, T.commentsClosed);
    else if (closed) this.composer.setEnabled(false, T.liveEnded);
    else this.composer.setEnabled(true);
  }

  private applyStatus(s: LiveStatus): void {
    if (!isLiveStatus(s) || !this.room) return;
    const changed = s !== this.status;
    this.status = s;
    this.root.dataset.status = String(s);
    // Final statuses: the interaction is over (no chat, likes or presenting); a banned room shows nothing else.
    this.root.classList.toggle('zb-final', s === LiveStatus.Ended || s === LiveStatus.Banned || s === LiveStatus.Expired);
    this.root.classList.toggle('zb-banned', s === LiveStatus.Banned);
    if (s !== LiveStatus.Live) this.unmute.set(false);
    this.top.setLive(s === LiveStatus.Live);
    if (this.isFinal()) this.top.setViewers(null);
    this.overlay.set(s, {
      room: this.room,
      serverNow: () => Date.now() + this.serverOffset,
      subscribe: () => this.subscribeButton(),
      // `v` keeps each read fresh (the read is cacheable for 30 s; the list changes when a segment is ready)
      replays: () =>
        this.sdk.client
          .get<PluginReplaysResponse>(WebRoutes.replays, { room_id: this.room!.roomId, v: Date.now() }, { identity: false })
          .then((r) => ({ replays: r.replays, pending: r.pending ?? 0 })),
    });
    if (s === LiveStatus.Ended && !this.room.closeReplay) {
      this.replayView ??= new ReplayView(this.root, {
        client: this.sdk.client,
        roomId: this.room.roomId,
        poster: this.room.coverImg,
        buy: (g) => void this.exits.openGoods(g),
      });
      this.replayView.start();
    }
    if (s === LiveStatus.Live) {
      if (!this.player?.isRunning) this.loading.hidden = false;
      this.player?.start();
    } else {
      this.player?.stop();
      this.loading.hidden = true;
      this.root.classList.remove('zb-playing');
    }
    if (changed) this.updateComposer();
  }

  /** The follow button (WeChat's long-term subscription): state from the plugin API, a tap toggles it. */
  private setupFollow(roomId: number): void {
    const api = this.sdk.follows;
    let following = false;
    api.state(roomId).then(
      (r) => {
        following = r.following;
        this.top.setFollowing(following);
      },
      () => undefined,
    );
    this.top.followButton.onclick = () => {
      const b = this.top.followButton;
      b.disabled = true;
      (following ? api.unfollow(roomId) : api.follow(roomId))
        .then(
          (r) => {
            following = r.following;
            this.top.setFollowing(following);
            this.toast.show(following ? T.followed : T.unfollowed);
          },
          () => this.toast.show(T.tryLater),
        )
        .finally(() => (b.disabled = false));
    };
  }

  private subscribeButton(): HTMLElement {
    const id = String(this.room?.roomId ?? this.link.room_id);
    if (customElements.get('zhibo-subscribe')) return h('zhibo-subscribe' as 'div', { 'room-id': id });
    const b = h('button', { class: 'zb-subscribe-fallback', type: 'button', text: T.remindMe });
    b.addEventListener('click', () => this.toast.show(T.remindersOff));
    return b;
  }

  /** Status by polling when the channel is not there (video-only, or reconnecting): at most once a minute (S-API-PLUGIN-1). */
  private startPolling(): void {
    const plugin = this.sdk.requirePlugin('live-player-plugin');
    this.poll = setInterval(() => {
      if (this.channel && this.channel.state === 'open') return;
      plugin.getLiveStatus({ room_id: this.link.room_id }).then(
        (r) => this.applyStatus(r.liveStatus),
        () => undefined,
      );
    }, 15_000);
  }

  private sendChat(text: string): boolean {
    if (!this.channel || this.channel.state !== 'open') {
      this.toast.show(T.connecting);
      return false;
    }
    return this.channel.chat(text);
  }
}

/** The player's device id on the FLV URLs: the server counts viewers and caps connections per device, not per request. */
function withDevice(media: PluginRoomResponse['media'], deviceId: string): PluginRoomResponse['media'] {
  const add = (u: string) => `${u}${u.includes('?') ? '&' : '?'}device=${encodeURIComponent(deviceId)}`;
  return { ...media, flv: add(media.flv), wsFlv: add(media.wsFlv) };
}
