/** The open room channels: loaded on the first viewer, reloaded on roomChanged, dropped when idle. */
import { type RealtimeGoods } from '@zhibo/protocol';
import type { GoodsService } from '../goods/service.js';
import type { Log } from '../../lib/log.js';
import type { RoomService } from '../rooms/service.js';
import type { RoomRow } from '../rooms/sql.js';
import { Essential, RoomChannel, type Conn, type RoomFields, type SendLimits } from './channel.js';
import type { RealtimeStore } from './store.js';
import type { RoomBus } from './bus.js';

export interface RegistryDeps {
  rooms: RoomService;
  goods: GoodsService;
  store: RealtimeStore;
  bus: RoomBus;
  log: Log;
}

export function roomFields(r: RoomRow): RoomFields {
  return {
    liveStatus: r.live_status,
    name: r.name,
    anchorName: r.anchor_name,
    anchorImg: r.anchor_img,
    coverImg: r.cover_img,
    shareImg: r.share_img,
    screenType: r.screen_type,
    closeComment: r.close_comment === 1,
    closeLike: r.close_like === 1,
    closeGoods: r.close_goods === 1,
  };
}

export class ChannelRegistry {
  private readonly channels = new Map<number, RoomChannel>();
  private readonly loading = new Map<number, Promise<RoomChannel | undefined>>();
  private readonly reloading = new Map<number, { again: boolean }>();
  /** the media plane's player count per room (domain event mediaViewers) */
  readonly mediaViewers = new Map<number, number>();

  constructor(
    private readonly deps: RegistryDeps,
    private readonly limits: SendLimits,
    private readonly recentComments: () => number,
    private readonly overflow: (c: Conn) => void,
  ) {}

  get(roomId: number): RoomChannel | undefined {
    return this.channels.get(roomId);
  }

  all(): IterableIterator<RoomChannel> {
    return this.channels.values();
  }

  get size(): number {
    return this.channels.size;
  }

  drop(roomId: number): void {
    if (this.channels.delete(roomId)) this.deps.bus.unwatch(roomId);
  }

  /** The channel of a room, loading it once however many viewers arrive together. Undefined: no such room. */
  open(roomId: number): Promise<RoomChannel | undefined> {
    const ch = this.channels.get(roomId);
    if (ch) return Promise.resolve(ch);
    let p = this.loading.get(roomId);
    if (!p) {
      p = this.load(roomId).finally(() => this.loading.delete(roomId));
      this.loading.set(roomId, p);
    }
    return p;
  }

  private shelf(roomId: number): Promise<RealtimeGoods[]> {
    return this.deps.goods.onSale(roomId);
  }

  private async load(roomId: number): Promise<RoomChannel | undefined> {
    const row = await this.deps.rooms.getAny(roomId);
    if (!row) return undefined;
    const goods = await this.shelf(roomId);
    // Cluster mode: the bus has the newest like total and the comments of every node (the database may lag a tick).
    this.deps.bus.watch(roomId);
    const [st, net] = await Promise.all([
      this.deps.store.loadRoom(roomId, this.recentComments()),
      this.deps.bus.load(roomId, this.recentComments()),
    ]);
    if (net.likes !== undefined) st.likes = Math.max(st.likes, net.likes);
    if (net.comments) st.comments = net.comments;
    const presented = goods.find((g) => g.goods_id === st.presentedGoodsId) ?? null;
    const fields = roomFields(row);
    fields.liveStatus = this.deps.rooms.cachedStatus(roomId)?.status ?? fields.liveStatus;
    const ch = new RoomChannel(
      roomId,
      row.appid,
      fields,
      goods,
      presented,
      st.comments,
      st.mutes,
      st,
      this.limits,
      this.recentComments(),
      this.overflow,
    );
    ch.mediaViewers = this.mediaViewers.get(roomId) ?? 0;
    ch.notice = st.notice;
    this.channels.set(roomId, ch);
    return ch;
  }

  /** roomChanged: reload fields and shelf (coalesced: one reload at a time, one more if asked meanwhile). */
  reload(roomId: number): void {
    const loading = this.loading.get(roomId);
    if (loading) {
      // The change may have missed the load's reads: reload once it is there.
      // not awaited: reload() is synchronous for its callers; a failed load is the load's own error (reported there)
      void loading.then(
        () => this.reload(roomId),
        () => {},
      );
      return;
    }
    if (!this.channels.has(roomId)) return;
    const r = this.reloading.get(roomId);
    if (r) {
      r.again = true;
      return;
    }
    const state = { again: false };
    this.reloading.set(roomId, state);
    // not awaited: reload() is synchronous for its callers (change events); the loop below catches and logs its own failures
    void (async () => {
      try {
        do {
          state.again = false;
          await this.reloadOnce(roomId);
        } while (state.again);
      } catch (e) {
        this.deps.log.error(`realtime: reloading room ${roomId} failed: ${(e as Error).message}`);
      } finally {
        this.reloading.delete(roomId);
      }
    })();
  }

  private async reloadOnce(roomId: number): Promise<void> {
    const row = await this.deps.rooms.getAny(roomId);
    const ch = this.channels.get(roomId);
    if (!row || !ch) return;
    const goods = await this.shelf(roomId);
    const before = ch.room;
    const after = roomFields(row);
    after.liveStatus = ch.room.liveStatus;
    ch.room = after;
    ch.touch();
    if (before.closeComment !== after.closeComment) ch.publish({ type: 'comments', closed: after.closeComment }, Essential.yes);
    const shelfChanged = JSON.stringify(goods) !== JSON.stringify(ch.goods) || before.closeGoods !== after.closeGoods;
    ch.goods = goods;
    if (shelfChanged) ch.publish({ type: 'shelf', goods: after.closeGoods ? [] : goods }, Essential.yes);
    const p = ch.presented;
    const still = p ? (goods.find((g) => g.goods_id === p.goods_id) ?? null) : null;
    if (p && (!still || after.closeGoods)) {
      ch.presented = null;
      await this.deps.store.setPresented(roomId, null);
      ch.publish({ type: 'present', goods: null }, Essential.yes);
    } else if (p && still && JSON.stringify(p) !== JSON.stringify(still)) {
      ch.presented = still;
      ch.publish({ type: 'present', goods: still }, Essential.yes);
    }
  }
}
