/**
 * Leaving the room for the merchant's pages and sharing it (S-PARAMS-1/-2, S-PLAYER-4): goods and home links with the
 * S-PARAMS-2 query and the SDK's back mark, the goods-tap beacon, and the viewer's signed share link.
 */
import { WebRoutes, type LiveInfoGoods, type PluginError, type PluginRoomResponse, type ShareLinkResponse } from '@zhibo/protocol';
import { merchantPageUrl, type RoomLink, type ZhiboSdk } from '@zhibo/sdk';
import { T } from './text.js';

/** Back in the room (history, or a reload): the sound as the viewer left it. */
export const SOUND_KEY = 'zhibo.sound';

/** What the exits need from the room page. */
export interface ExitHost {
  sdk: ZhiboSdk;
  link: RoomLink;
  root: HTMLElement;
  toast: { show(text: string, ms?: number): void };
  room(): PluginRoomResponse | undefined;
  openid(): string;
  setOpenid(openid: string): void;
  muted(): boolean;
}

export class RoomExits {
  constructor(private readonly h: ExitHost) {}

  /** S-PARAMS-2: room_id, openid, share_openid (share-card entries only), custom_params; and the SDK's back mark. */
  private outbound() {
    const viaShare = !!this.h.link.scene && !!this.h.link.share_openid;
    // coming back (history, or a reload when the browser dropped the page): keep the sound on if it was
    try {
      sessionStorage.setItem(SOUND_KEY, this.h.muted() ? '0' : '1');
    } catch {
      // storage blocked: muted again on return
    }
    return {
      fromRoom: true,
      room_id: this.h.link.room_id,
      openid: this.h.openid(),
      ...(viaShare ? { share_openid: this.h.link.share_openid, share_sig: this.h.link.share_sig } : {}),
      ...(this.h.link.custom_params ? { custom_params: this.h.link.custom_params } : {}),
    };
  }

  async ensureOpenid(): Promise<void> {
    if (this.h.openid()) return;
    try {
      this.h.setOpenid((await this.h.sdk.requirePlugin('live-player-plugin').getOpenid({ room_id: this.h.link.room_id })).openid);
    } catch {
      // the link still works without it
    }
  }

  async openGoods(g: LiveInfoGoods): Promise<void> {
    const room = this.h.room();
    if (!room) return;
    await this.ensureOpenid();
    const absolute = /^https?:\/\//.test(g.url);
    const base = room.goodsBaseUrl || (absolute ? g.url : '');
    if (!base) {
      this.h.toast.show(T.noGoodsPage);
      return;
    }
    // Goods taps per product for the console's numbers (issue 5): a beacon survives the navigation.
    try {
      navigator.sendBeacon?.(
        `${this.h.sdk.client.server}/api/plugin/v1/goods-tap`,
        new Blob([JSON.stringify({ room_id: room.roomId, goods_id: g.goods_id, openid: this.h.openid() })], { type: 'text/plain' }),
      );
    } catch {
      /* counting a tap must never block the purchase */
    }
    this.navigate(base, g.url);
  }

  openHome(): void {
    const room = this.h.room();
    if (!room?.homeUrl) return;
    // a click handler: ensureOpenid() never rejects (the link works without the openid); navigate() toasts a bad link
    void this.ensureOpenid().then(() => this.navigate(room.homeUrl, ''));
  }

  /** Customer service: the app's contact page, with the viewer's openid and the room (like the home link). */
  openKf(): void {
    const room = this.h.room();
    if (!room?.kfUrl) return;
    void this.ensureOpenid().then(() => this.navigate(room.kfUrl, '')); // never rejects, as in openHome()
  }

  /** Go to a merchant page: only ever an http(s) URL (merchantPageUrl refuses anything else). */
  private navigate(base: string, path: string): void {
    let url: string;
    try {
      url = merchantPageUrl(base, path, this.outbound());
    } catch {
      this.h.toast.show(T.badPageLink);
      return;
    }
    location.assign(url);
  }

  /** S-PARAMS-1: share a link carrying this viewer's signed share_openid (scene 1007 unless told). */
  async share(): Promise<void> {
    const room = this.h.room();
    if (!room) return;
    let link: ShareLinkResponse;
    try {
      link = await this.h.sdk.client.get<ShareLinkResponse>(WebRoutes.shareLink, {
        room_id: room.roomId,
        scene: 1007,
        custom_params: this.h.link.custom_params,
        close_share_ticket: this.h.link.close_share_ticket ? '1' : undefined,
      });
    } catch (e) {
      this.h.toast.show(`${T.shareFailed} · ${(e as PluginError).errmsg ?? 'error'}`);
      return;
    }
    const data = { title: room.name, text: T.shareText(room.anchorName, room.name), url: link.url };
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
      this.h.toast.show(T.linkCopied);
    } catch {
      window.prompt(T.copyLink, link.url);
    }
    this.h.root.dataset.lastShare = link.url;
  }
}
