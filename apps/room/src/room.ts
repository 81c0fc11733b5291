/**
 * The room page controller: loads the room, plays the video, keeps the status overlay, chat, likes,
 * shelf and viewer count in step with the real-time channel, and sends the viewer on to the
 * merchant's pages with the S-PARAMS-2 query.
 */
import {
  CloseCode, LiveStatus, PluginErrorCode, WebRoutes, isLiveStatus,
  type EntryInfo, type LiveInfoGoods, type PluginError, type PluginReplaysResponse, type PluginRoomResponse, type ShareLinkResponse, type WelcomeMsg,
} from '@zhibo/protocol';
import {
  LivePlayer, merchantPageUrl, type HlsModule, type MpegtsModule, type PlayerTech, type RoomChannel, type RoomLink, type ZhiboSdk,
} from '@zhibo/sdk';
import { h, img, show } from './dom.js';
import { ICONS } from './icons.js';
import { ChatView, Composer } from './ui-chat.js';
import { PresentCard, Shelf } from './ui-goods.js';
import { LikeButton } from './ui-likes.js';
import { StatusOverlay } from './ui-overlay.js';
import { ReplayView } from './replay/view.js';
import { Pill, Toast, TopBar } from './ui-top.js';

export interface RoomPageOptions {
  /** where build/vendor/*.js are (…/build/ with the page's ?v=) */
  vendorUrl: (name: string) => string;
  prefer?: PlayerTech;
  /** FLV live-edge target (seconds buffered ahead of the playhead); the SDK's default when absent */
  latencyTargetSec?: number;
}

const WELCOME = '欢迎来到直播间！请文明发言，理性购物。Welcome — be kind in the chat.';
const ERR_TEXT: Record<string, string> = {
  rate_limited: '发言太快了，休息一下 · Slow down',
  too_long: '评论太长了 · Too long',
  empty: '说点什么吧',
  comments_closed: '评论已关闭 · Comments are closed',
  muted: '你已被禁言 · You are muted',
  room_closed: '直播已结束，不能再评论',
  likes_closed: '点赞已关闭',
};

export class RoomPage {
  private readonly video = h('video', { class: 'zb-video', muted: true, autoplay: true, playsinline: true, 'webkit-playsinline': true, 'x5-playsinline': true, disablepictureinpicture: true });
  private readonly poster = h('div', { class: 'zb-poster' });
  private readonly loading = h('div', { class: 'zb-loading', hidden: true }, h('div', { class: 'zb-spinner' }));
  private readonly overlay = new StatusOverlay();
  private readonly top = new TopBar();
  private readonly toast = new Toast();
  private readonly unmute = new Pill('zb-unmute', ICONS.muted, '点击开启声音 · Tap to unmute');
  private readonly conn = new Pill('zb-conn', null, '连接已断开，正在重连… · Reconnecting');
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
  /** 103: the one replay with its markers and chat replay (issue 15) */
  private replayView: ReplayView | undefined;

  constructor(private readonly root: HTMLElement, private readonly sdk: ZhiboSdk, private readonly link: RoomLink, private readonly opts: RoomPageOptions) {
    this.chat = new ChatView(() => this.openid);
    this.composer = new Composer((t) => this.sendChat(t));
    this.likes = new LikeButton(() => this.channel?.like(1));
    this.shelf = new Shelf((g) => this.openGoods(g));
    this.present = new PresentCard((g) => this.openGoods(g));
    this.top.shareButton.addEventListener('click', () => void this.share());
    this.top.homeButton.addEventListener('click', () => this.openHome());
  }

  /** A stable read-only view for tests and the console (window.__zhiboRoom). */
  debug() {
    return { status: this.status, openid: this.openid, mutedSelf: this.mutedSelf, videoOnly: this.videoOnly, channel: this.channel?.state ?? 'none', tech: this.player?.currentTech ?? null, currentTime: this.video.currentTime, latency: this.player?.latencyStats() ?? null };
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
    this.poster.replaceChildren(img(room.coverImg, '', 'zb-poster-img'));
    this.shelf.set(room.goods);
    show(this.shelf.bagButton, !room.closeGoods && room.goods.length > 0);
    this.likes.setEnabled(!room.closeLike);
    this.chat.reset([], WELCOME);
    this.setupPlayer(room);
    if (this.videoOnly) {
      this.upgrade.set(true, `当前版本过低，仅可观看视频，请升级到 ${room.minSdkVersion} 或更新版本 · Update to use the room features`);
      void this.sdk.requirePlugin('live-player-plugin').getOpenid({ room_id: room.roomId }).then((r) => (this.openid = r.openid), () => undefined);
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
          this.fatal('直播间不存在', `房间 ${this.link.room_id} 不存在或已被删除 · This live room does not exist`);
          return undefined;
        }
        this.conn.set(true, '网络异常，正在重试… · Network error, retrying');
        await new Promise((r) => setTimeout(r, Math.min(15_000, 1000 * 2 ** attempt)));
      }
    }
  }

  private fatal(title: string, sub: string): void {
    this.conn.set(false);
    this.root.replaceChildren(h('div', { class: 'zb-fatal' }, h('h1', { text: title }), h('p', { text: sub })));
  }

  private setupPlayer(room: PluginRoomResponse): void {
    const importVendor = <T>(name: string) => import(/* @vite-ignore */ this.opts.vendorUrl(name)).then((m: { default: T & { default?: T } }) => (m.default.default ?? m.default) as T);
    this.player = new LivePlayer({
      video: this.video,
      media: room.media,
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
    this.player.on('needsGesture', () => this.unmute.set(true, '点击播放 · Tap to play'));
    this.player.on('error', (m) => this.toast.show(m, 4000));
    this.video.addEventListener('resize', () => this.root.classList.toggle('zb-wide-video', this.video.videoWidth > this.video.videoHeight));
  }

  private unmuteNow(): void {
    if (this.unmute.el.hidden) return;
    this.video.muted = false;
    void this.video.play().catch(() => undefined);
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
    const ch = this.sdk.roomChannel(room.roomId, { entry: this.entry() });
    this.channel = ch;
    ch.on('welcome', (m) => this.onWelcome(m));
    ch.on('state', (s) => this.conn.set(s === 'reconnecting'));
    ch.on('chat', (m) => this.chat.add(m));
    ch.on('chatDeleted', (m) => this.chat.remove(m.id));
    ch.on('likes', (m) => this.likes.serverTotal(m.total, m.delta));
    ch.on('viewers', (m) => this.top.setViewers(m.count));
    ch.on('shelf', (m) => {
      this.shelf.set(m.goods);
      show(this.shelf.bagButton, !room.closeGoods && m.goods.length > 0);
    });
    ch.on('present', (m) => {
      this.present.set(m.goods);
      this.shelf.setPresented(m.goods?.goods_id ?? 0);
    });
    ch.on('status', (m) => this.applyStatus(m.liveStatus));
    ch.on('comments', (m) => {
      this.commentsClosed = m.closed;
      this.updateComposer();
    });
    ch.on('muted', (m) => {
      this.mutedSelf = m.you;
      this.toast.show(m.you ? '你已被禁言 · You are muted' : '你已被解除禁言');
    });
    ch.on('error', (m) => this.toast.show(ERR_TEXT[m.code] ?? m.message));
    ch.on('closed', (c) => {
      if (c.reconnect) return;
      if (c.code === CloseCode.VersionTooOld) {
        this.videoOnly = true;
        this.root.classList.add('zb-video-only');
        this.upgrade.set(true, '当前版本过低，仅可观看视频，请升级 · Update to use the room features');
      } else if (c.code === CloseCode.RoomBanned) {
        this.applyStatus(LiveStatus.Banned);
      } else if (c.code === CloseCode.UnknownRoom) {
        this.fatal('直播间不存在', 'This live room does not exist');
      }
    });
    ch.connect();
  }

  private onWelcome(m: WelcomeMsg): void {
    const r = m.room;
    this.openid = m.openid;
    this.mutedSelf = m.mutedSelf;
    if (m.mutedSelf) this.toast.show('你已被禁言 · You are muted');
    this.commentsClosed = r.closeComment;
    this.top.setRoom(r.anchorName, r.anchorImg, r.name);
    this.top.setViewers(r.viewers.count);
    this.likes.setTotal(r.likes);
    this.likes.setEnabled(!r.closeLike);
    this.shelf.set(r.goods, r.presented?.goods_id ?? 0);
    show(this.shelf.bagButton, !r.closeGoods && r.goods.length > 0);
    this.present.set(r.presented);
    this.chat.reset(r.comments, WELCOME);
    this.updateComposer();
    this.applyStatus(r.liveStatus);
  }

  private updateComposer(): void {
    const closed = this.status === LiveStatus.Ended || this.status === LiveStatus.Banned || this.status === LiveStatus.Expired;
    // A muted viewer may still type (like WeChat): the server refuses the comment and the toast says why.
    if (this.commentsClosed) this.composer.setEnabled(false, '评论已关闭 · Comments closed');
    else if (closed) this.composer.setEnabled(false, '直播已结束 · The live has ended');
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
    this.overlay.set(s, {
      room: this.room,
      serverNow: () => Date.now() + this.serverOffset,
      subscribe: () => this.subscribeButton(),
      replays: () => this.sdk.client.get<PluginReplaysResponse>(WebRoutes.replays, { room_id: this.room!.roomId }, { identity: false }).then((r) => r.replays),
    });
    if (s === LiveStatus.Ended && !this.room.closeReplay) {
      this.replayView ??= new ReplayView(this.root, { client: this.sdk.client, roomId: this.room.roomId, poster: this.room.coverImg, buy: (g) => void this.openGoods(g) });
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
    api.state(roomId).then((r) => {
      following = r.following;
      this.top.setFollowing(following);
    }, () => undefined);
    this.top.followButton.onclick = () => {
      const b = this.top.followButton;
      b.disabled = true;
      (following ? api.unfollow(roomId) : api.follow(roomId)).then((r) => {
        following = r.following;
        this.top.setFollowing(following);
        this.toast.show(following ? '已关注，开播会提醒你 · Following' : '已取消关注 · Unfollowed');
      }, () => this.toast.show('操作失败，请稍后再试 · Try again later')).finally(() => (b.disabled = false));
    };
  }

  private subscribeButton(): HTMLElement {
    const id = String(this.room?.roomId ?? this.link.room_id);
    if (customElements.get('zhibo-subscribe')) return h('zhibo-subscribe' as 'div', { 'room-id': id });
    const b = h('button', { class: 'zb-subscribe-fallback', type: 'button', text: '开播提醒 · Remind me' });
    b.addEventListener('click', () => this.toast.show('订阅暂不可用 · Reminders are not available here'));
    return b;
  }

  /** Status by polling when the channel is not there (video-only, or reconnecting): at most once a minute (S-API-PLUGIN-1). */
  private startPolling(): void {
    const plugin = this.sdk.requirePlugin('live-player-plugin');
    this.poll = setInterval(() => {
      if (this.channel && this.channel.state === 'open') return;
      plugin.getLiveStatus({ room_id: this.link.room_id }).then((r) => this.applyStatus(r.liveStatus), () => undefined);
    }, 15_000);
  }

  /** S-PARAMS-2: room_id, openid, share_openid (share-card entries only), custom_params. */
  private outbound() {
    const viaShare = !!this.link.scene && !!this.link.share_openid;
    return {
      room_id: this.link.room_id,
      openid: this.openid,
      ...(viaShare ? { share_openid: this.link.share_openid, share_sig: this.link.share_sig } : {}),
      ...(this.link.custom_params ? { custom_params: this.link.custom_params } : {}),
    };
  }

  private async ensureOpenid(): Promise<void> {
    if (this.openid) return;
    try {
      this.openid = (await this.sdk.requirePlugin('live-player-plugin').getOpenid({ room_id: this.link.room_id })).openid;
    } catch {
      // the link still works without it
    }
  }

  private async openGoods(g: LiveInfoGoods): Promise<void> {
    const room = this.room;
    if (!room) return;
    await this.ensureOpenid();
    const absolute = /^https?:\/\//.test(g.url);
    const base = room.goodsBaseUrl || (absolute ? g.url : '');
    if (!base) {
      this.toast.show('商家还没有设置商品页地址 · The shop has not set its goods page');
      return;
    }
    // Goods taps per product for the console's numbers (issue 5): a beacon survives the navigation.
    try {
      navigator.sendBeacon?.(`${this.sdk.client.server}/api/plugin/v1/goods-tap`, new Blob([JSON.stringify({ room_id: room.roomId, goods_id: g.goods_id, openid: this.openid })], { type: 'text/plain' }));
    } catch {
      /* counting a tap must never block the purchase */
    }
    this.navigate(base, g.url);
  }

  private openHome(): void {
    const room = this.room;
    if (!room?.homeUrl) return;
    void this.ensureOpenid().then(() => this.navigate(room.homeUrl, ''));
  }

  /** Go to a merchant page: only ever an http(s) URL (merchantPageUrl refuses anything else). */
  private navigate(base: string, path: string): void {
    let url: string;
    try {
      url = merchantPageUrl(base, path, this.outbound());
    } catch {
      this.toast.show('商品页地址无效 · This product link is not valid');
      return;
    }
    location.assign(url);
  }

  private sendChat(text: string): boolean {
    if (!this.channel || this.channel.state !== 'open') {
      this.toast.show('正在连接，请稍候 · Connecting…');
      return false;
    }
    return this.channel.chat(text);
  }

  /** S-PARAMS-1: share a link carrying this viewer's signed share_openid (scene 1007 unless told). */
  private async share(): Promise<void> {
    const room = this.room;
    if (!room) return;
    let link: ShareLinkResponse;
    try {
      link = await this.sdk.client.get<ShareLinkResponse>(WebRoutes.shareLink, {
        room_id: room.roomId,
        scene: 1007,
        custom_params: this.link.custom_params,
        close_share_ticket: this.link.close_share_ticket ? '1' : undefined,
      });
    } catch (e) {
      this.toast.show(`分享失败 · ${(e as PluginError).errmsg ?? 'error'}`);
      return;
    }
    const data = { title: room.name, text: `${room.anchorName} 正在直播：${room.name}`, url: link.url };
    if (typeof navigator.share === 'function' && (!navigator.canShare || navigator.canShare(data))) {
      try {
        await navigator.share(data);
        return;
      } catch (e) {
        if ((e as DOMException).name === 'AbortError') return;
      }
    }
    try {
      await navigator.clipboard.writeText(link.url);
      this.toast.show('链接已复制，快去分享吧 · Link copied');
    } catch {
      window.prompt('复制链接分享 · Copy the link', link.url);
    }
    this.root.dataset.lastShare = link.url;
  }
}
