/** S-API-1..3: getliveinfo and get_replay, in the seed's exact shape. */
import { type GetLiveInfoResponse, type GetReplayResponse, type LiveInfoRoom, Reason } from '@zhibo/protocol';
import { checkPage } from '@zhibo/core';
import { absoluteUrl } from '../../http/base-url.js';
import type { DomainBus } from '../../lib/domain-events.js';
import { DomainError, assertCheck } from '../../lib/errors.js';
import { type GoodsService, liveInfoGoods } from '../goods/service.js';
import { isoSeconds, type ReplayService } from '../replays/service.js';
import type { RoomService } from '../rooms/service.js';
import type { RoomRow } from '../rooms/sql.js';
import type { CompatProfile } from '../apps/index.js';

/** Image fields as links for a reader at `base` (rows store this server's images as `/img/ID` paths). */
function withBase(r: LiveInfoRoom, base: string): LiveInfoRoom {
  return {
    ...r,
    cover_img: absoluteUrl(r.cover_img, base),
    anchor_img: absoluteUrl(r.anchor_img, base),
    share_img: absoluteUrl(r.share_img, base),
    feeds_img: absoluteUrl(r.feeds_img, base),
    goods: r.goods.map((g) => ({ ...g, cover_img: absoluteUrl(g.cover_img, base) })),
  };
}

export function liveInfoRoom(r: RoomRow, goods: LiveInfoRoom['goods']): LiveInfoRoom {
  return {
    name: r.name,
    roomid: r.id,
    cover_img: r.cover_img,
    live_status: r.live_status,
    start_time: r.start_time,
    end_time: r.end_time,
    anchor_name: r.anchor_name,
    anchor_img: r.anchor_img,
    goods,
    share_img: r.share_img,
    live_type: r.type,
    screen_type: r.screen_type,
    close_like: r.close_like,
    close_goods: r.close_goods,
    close_comment: r.close_comment,
    close_kf: r.close_kf,
    close_replay: r.close_replay,
    is_feeds_public: r.is_feeds_public,
    creater_openid: '',
    feeds_img: r.feeds_img,
    anchor_wechat: r.anchor_wechat,
  };
}

export class LiveInfoService {
  /** appid → its rooms in getliveinfo order (statuses are patched from the status cache at read). Dropped on any change. */
  private readonly cache = new Map<string, LiveInfoRoom[]>();
  /** appid → "start:limit" → the serialized answer. Dropped with the list, and on any status change of the app's rooms. */
  private readonly bodies = new Map<string, Map<string, Buffer>>();

  constructor(
    private readonly rooms: RoomService,
    private readonly goods: GoodsService,
    private readonly replays: ReplayService,
    events: DomainBus,
    private readonly publicUrl: () => string,
  ) {
    const drop = ({ appid }: { appid: string }) => {
      this.cache.delete(appid);
      this.bodies.delete(appid);
    };
    events.on('roomChanged', drop);
    events.on('roomDeleted', drop);
    events.on('status', ({ appid }) => this.bodies.delete(appid));
  }

  private async all(appid: string): Promise<LiveInfoRoom[]> {
    const hit = this.cache.get(appid);
    if (hit) return hit;
    const { rooms } = await this.rooms.page(appid, 0, 1_000_000);
    const shelves = await this.goods.shelves(rooms.map((r) => r.id));
    // WeChat's sample carries third_party_appid on each goods of the room list.
    const list = rooms.map((r) =>
      liveInfoRoom(
        r,
        (shelves.get(r.id) ?? []).map((g) => ({ ...liveInfoGoods(g), third_party_appid: g.third_party_appid })),
      ),
    );
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(appid, list);
    return list;
  }

  /**
   * getliveinfo as JSON bytes, served from a per-page cache keyed after validation (the hot path of `npm run bench -- api`).
   * `profile` words an app without rooms: `seed` errcode 1, `current` 9410000 with empty lists (WeChat today).
   */
  async getLiveInfoJson(
    appid: string,
    body: Record<string, unknown>,
    profile: CompatProfile = 'seed',
    base = this.publicUrl(),
  ): Promise<Buffer> {
    assertCheck(checkPage(body.start, body.limit));
    if (profile === 'current' && (await this.all(appid)).length === 0)
      throw new DomainError(Reason.EmptyRoomList, 'empty room list', undefined, undefined, { room_info: [], live_replay: [] });
    const key = `${body.start as number}:${body.limit as number}:${base}`;
    const hit = this.bodies.get(appid)?.get(key);
    if (hit !== undefined) return hit;
    const text = Buffer.from(JSON.stringify(await this.getLiveInfo(appid, body, base)));
    let pages = this.bodies.get(appid);
    if (!pages) {
      if (this.bodies.size > 1000) this.bodies.clear();
      this.bodies.set(appid, (pages = new Map<string, Buffer>()));
    }
    if (pages.size < 64) pages.set(key, text);
    return text;
  }

  async getLiveInfo(appid: string, body: Record<string, unknown>, base = this.publicUrl()): Promise<GetLiveInfoResponse> {
    assertCheck(checkPage(body.start, body.limit));
    const all = await this.all(appid);
    if (all.length === 0) throw new DomainError(Reason.NoRoom, 'no room: the app has created no live room');
    const start = body.start as number;
    const page = all.slice(start, start + (body.limit as number)).map((r) => {
      const s = this.rooms.cachedStatus(r.roomid)?.status;
      return withBase(s === undefined || s === r.live_status ? r : { ...r, live_status: s }, base);
    });
    return { errcode: 0, errmsg: 'ok', room_info: page, total: all.length };
  }

  /** S-API-3: the replay segments of a room, oldest first, with ISO-8601 UTC times. */
  async getReplay(appid: string, body: Record<string, unknown>, base = this.publicUrl()): Promise<GetReplayResponse> {
    assertCheck(checkPage(body.start, body.limit));
    const room = await this.rooms.get(appid, body.room_id);
    // closeReplay (room/updatereplay): the room has no replay to give, as on WeChat.
    const { rows, total } =
      room.close_replay === 1 ? { rows: [], total: 0 } : await this.replays.readyPage(room.id, body.start as number, body.limit as number);
    return {
      live_replay: rows.map((r) => ({
        expire_time: isoSeconds(r.expire_time),
        create_time: isoSeconds(r.create_time),
        media_url: this.replays.mediaUrl(base, room.id, r.session_id),
      })),
      errcode: 0,
      total,
      errmsg: 'ok',
    };
  }
}
