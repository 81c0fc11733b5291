/**
 * The replay as a shop window (issue 15), as callers see it: the one replay and its markers (room page), the chat
 * replay at the video's times, a product's explanation clip (goods/getVideo, the SDK), and the merchant's marker edits
 * (console). Its files are served by routes.ts; the lifecycle (recording, building, expiry, deletion) is lifecycle.ts.
 */
import {
  type ChatComment,
  LiveStatus,
  type LiveInfoGoods,
  type PluginReplayChatResponse,
  type PluginReplayResponse,
  Reason,
  type ReplayChatItem,
  type ReplayMarker,
  type ReplayState,
} from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { DomainError } from '../../../lib/errors.js';
import { positiveId } from '../../../lib/ids.js';
import { absoluteUrl } from '../../../http/base-url.js';
import { liveInfoGoods, type GoodsService } from '../../goods/service.js';
import type { RoomRow } from '../../rooms/sql.js';
import type { RoomService } from '../../rooms/service.js';
import { type ReplayBuilder, removeClipFiles } from './builder.js';
import type { HighlightsSql, LiveRow, MarkerRow } from './sql.js';
import { clockRange, mediaTime, round3, totalSec } from './timeline.js';

/** Comments of a room between two server times, without deleted ones and muted viewers' (the realtime module). */
export type CommentSource = (roomId: number, from: number, to: number, limit: number) => Promise<ChatComment[]>;

export const CHAT_WINDOW_MAX_SEC = 600;
const CHAT_WINDOW_COMMENTS = 500;
const MAX_MARKERS = 200;

export interface MarkerInput {
  goods_id?: unknown;
  start?: unknown;
  end?: unknown;
}

export class HighlightService {
  constructor(
    private readonly sql: HighlightsSql,
    private readonly rooms: RoomService,
    private readonly goods: GoodsService,
    private readonly comments: CommentSource,
    private readonly builder: ReplayBuilder,
    private readonly clock: Clock,
  ) {}

  liveUrl(base: string, roomId: number, key: string): string {
    return `${base}/replay/${roomId}/live/${key}.mp4`;
  }

  clipUrl(base: string, roomId: number, key: string): string {
    return `${base}/replay/${roomId}/clips/${key}.mp4`;
  }

  /** The file behind a served key (one replay or a clip), while it is ready. */
  async fileOf(roomId: number, what: 'live' | 'clips', key: string): Promise<string | undefined> {
    if (what === 'live') {
      const live = await this.sql.live(roomId);
      return live?.status === 'ready' && live.file_key === key ? live.file : undefined;
    }
    const m = (await this.sql.markers(roomId)).find((x) => x.clip_status === 'ready' && x.clip_key === key);
    return m?.clip_file;
  }

  private async shelf(roomId: number): Promise<Map<number, LiveInfoGoods>> {
    return new Map(((await this.goods.shelves([roomId])).get(roomId) ?? []).map((g) => [g.id, liveInfoGoods(g)]));
  }

  private stateOf(live: LiveRow | undefined, room: RoomRow): ReplayState {
    if (room.close_replay === 1) return 'closed';
    const ended = (this.rooms.cachedStatus(room.id)?.status ?? room.live_status) === LiveStatus.Ended;
    if (!live) return ended ? 'closed' : 'none'; // never went live: there will be no replay
    switch (live.status) {
      case 'ready':
        return 'ready';
      case 'failed':
        return 'failed';
      case 'empty':
      case 'expired':
      case 'deleted':
        return 'closed';
      case 'live':
        return ended ? 'preparing' : 'none';
      default:
        return 'preparing';
    }
  }

  private markerView(base: string, roomId: number, m: MarkerRow, shelf: Map<number, LiveInfoGoods>): ReplayMarker {
    const g = shelf.get(m.goods_id);
    return {
      // images are stored as paths (/img/ID): the product's picture on the reader's address (merchant pages embed this)
      id: m.id,
      goods_id: m.goods_id,
      start: round3(m.start_sec),
      end: round3(m.end_sec),
      goods: g ? { ...g, cover_img: absoluteUrl(g.cover_img, base) } : null,
      clip_url: m.clip_status === 'ready' ? this.clipUrl(base, roomId, m.clip_key) : null,
    };
  }

  /** The room page's read: where the one replay is, and its markers (看点) with their products. */
  async replay(roomId: number, base: string): Promise<PluginReplayResponse> {
    const room = await this.rooms.getAny(roomId);
    if (!room) throw new DomainError(Reason.RoomNotFound, `room ${roomId} does not exist`, 'room_id');
    const live = await this.sql.live(roomId);
    const state = this.stateOf(live, room);
    if (state !== 'ready' || !live) return { roomId, state, media_url: null, duration_sec: null, markers: [] };
    const shelf = await this.shelf(roomId);
    const markers = (await this.sql.markers(roomId)).map((m) => this.markerView(base, roomId, m, shelf));
    return { roomId, state, media_url: this.liveUrl(base, roomId, live.file_key), duration_sec: live.duration_sec, markers };
  }

  /** The chat replay of `[from, to)` seconds: comments (not deleted, not of muted viewers) and the merchant's events. */
  async chat(roomId: number, from: number, to: number): Promise<PluginReplayChatResponse> {
    if (!(Number.isFinite(from) && Number.isFinite(to) && from >= 0 && to > from))
      throw new DomainError(Reason.BadParameter, 'from and to are seconds of the replay with 0 ≤ from < to', 'from');
    if (to - from > CHAT_WINDOW_MAX_SEC)
      throw new DomainError(Reason.BadParameter, `ask for at most ${CHAT_WINDOW_MAX_SEC} s at a time`, 'to');
    const room = await this.rooms.getAny(roomId);
    const live = await this.sql.live(roomId);
    const empty = { roomId, from, to, items: [], truncated: false };
    if (!room || !live || this.stateOf(live, room) !== 'ready') return empty;
    const tl = live.segments;
    const total = totalSec(tl);
    const range = clockRange(tl, from, to);
    const at = (ms: number) => round3(mediaTime(tl, ms) ?? total);
    const [rows, events, shelf] = await Promise.all([
      this.comments(roomId, range.from, range.to, CHAT_WINDOW_COMMENTS + 1),
      this.sql.events(roomId, range.from, range.to),
      this.shelf(roomId),
    ]);
    const items: ReplayChatItem[] = rows
      .slice(0, CHAT_WINDOW_COMMENTS)
      .map((c) => ({ t: at(c.at), kind: 'comment', id: c.id, nick: c.nick, text: c.text }));
    for (const e of events) {
      const t = at(e.at);
      if (e.kind === 'present')
        items.push({ t, kind: 'present', goods_id: e.goods_id, name: e.goods_id ? (shelf.get(e.goods_id)?.name ?? '') : '' });
      else if (e.kind === 'comments') items.push({ t, kind: 'comments', closed: e.text === 'closed' });
      else items.push({ t, kind: 'notice', text: e.text });
    }
    items.sort((a, b) => a.t - b.t);
    return { roomId, from, to, items, truncated: rows.length > CHAT_WINDOW_COMMENTS };
  }

  /**
   * A product's explanation clip (goods/getVideo, the SDK): its longest marker's clip. No marker: no_explanation
   * (300044); the live not over or the clip being cut: explanation_pending (300045); expired, closed or failed:
   * explanation_gone (300046).
   */
  async explanation(room: RoomRow, goodsId: number, base: string): Promise<{ url: string; durationSec: number | null; start: number }> {
    const live = await this.sql.live(room.id);
    const presented = async () => (await this.sql.events(room.id)).some((e) => e.kind === 'present' && e.goods_id === goodsId);
    if (room.close_replay === 1)
      throw new DomainError(Reason.ExplanationGone, `room ${room.id} shows no replay (closeReplay): no explanation video`, 'roomId');
    if (!live || live.status === 'live' || live.status === 'pending' || live.status === 'building') {
      if (await presented())
        throw new DomainError(
          Reason.ExplanationPending,
          `the explanation video of goods ${goodsId} is made when the live has ended`,
          'goodsId',
        );
      throw new DomainError(Reason.NoExplanation, `goods ${goodsId} was not presented in room ${room.id}`, 'goodsId');
    }
    if (live.status === 'expired' || live.status === 'deleted')
      throw new DomainError(Reason.ExplanationGone, `the replay of room ${room.id} expired with its explanation videos`, 'roomId');
    if (live.status === 'failed' && (await presented()))
      throw new DomainError(
        Reason.ExplanationGone,
        `the live's segments could not be joined into one replay: no explanation video of goods ${goodsId}`,
        'goodsId',
      );
    const mine = (await this.sql.markers(room.id))
      .filter((m) => m.goods_id === goodsId)
      .sort((a, b) => b.end_sec - b.start_sec - (a.end_sec - a.start_sec) || a.id - b.id);
    if (!mine.length) throw new DomainError(Reason.NoExplanation, `goods ${goodsId} has no explanation in room ${room.id}`, 'goodsId');
    const best = mine.find((m) => m.clip_status === 'ready') ?? mine[0]!;
    if (best.clip_status === 'pending')
      throw new DomainError(Reason.ExplanationPending, `the explanation video of goods ${goodsId} is being cut`, 'goodsId');
    if (best.clip_status === 'failed')
      throw new DomainError(Reason.ExplanationGone, `the explanation video of goods ${goodsId} could not be made`, 'goodsId');
    return {
      url: this.clipUrl(base, room.id, best.clip_key),
      durationSec: best.clip_duration_sec,
      start: round3(best.clip_start_sec ?? best.start_sec),
    };
  }

  /** POST /wxaapi/broadcast/goods/getVideo {roomId, goodsId} → the clip's URL. */
  async getVideo(appid: string, roomId: unknown, goodsId: unknown, base: string): Promise<string> {
    const room = await this.rooms.get(appid, roomId);
    const gid = positiveId(goodsId);
    if (gid === undefined) throw new DomainError(Reason.GoodsNotFound, 'goodsId must be a positive integer', 'goodsId');
    await this.goods.get(appid, gid);
    return (await this.explanation(room, gid, base)).url;
  }

  // -- the merchant's edits (console), after the live

  /** The console's view: the one replay, its markers with their clips, and the shelf to pick a product from. */
  async forConsole(room: RoomRow, base: string) {
    const live = await this.sql.live(room.id);
    const shelf = await this.shelf(room.id);
    const markers = live?.status === 'ready' ? await this.sql.markers(room.id) : [];
    return {
      state: this.stateOf(live, { ...room, close_replay: 0 }),
      media_url: live?.status === 'ready' ? this.liveUrl(base, room.id, live.file_key) : null,
      duration_sec: live?.status === 'ready' ? live.duration_sec : null,
      error: live?.error ?? '',
      markers: markers.map((m) => ({
        id: m.id,
        goods_id: m.goods_id,
        name: shelf.get(m.goods_id)?.name ?? `#${m.goods_id}`,
        start: round3(m.start_sec),
        end: round3(m.end_sec),
        origin: m.origin,
        edited: m.edited,
        clip: {
          status: m.clip_status,
          url: m.clip_status === 'ready' ? this.clipUrl(base, room.id, m.clip_key) : null,
          duration: m.clip_duration_sec,
          error: m.clip_error,
        },
      })),
      goods: [...shelf.values()].map((g) => ({ goods_id: g.goods_id, name: g.name })),
    };
  }

  private async validMarker(room: RoomRow, b: MarkerInput): Promise<{ goodsId: number; start: number; end: number }> {
    const live = await this.sql.live(room.id);
    if (live?.status !== 'ready')
      throw new DomainError(Reason.Conflict, 'Markers can be changed once the replay is ready (after the live ends)');
    const goodsId = positiveId(b.goods_id);
    if (goodsId === undefined) throw new DomainError(Reason.BadParameter, 'Choose a product', 'goods_id');
    await this.goods.get(room.appid, goodsId).catch(() => {
      throw new DomainError(Reason.BadParameter, 'This product is not one of the app’s goods', 'goods_id');
    });
    const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
    const start = num(b.start);
    const end = num(b.end);
    const duration = live.duration_sec ?? 0;
    if (!Number.isFinite(start) || start < 0 || start >= duration)
      throw new DomainError(Reason.BadParameter, `The start must be within the replay (0 to ${Math.floor(duration)} s)`, 'start');
    if (!Number.isFinite(end) || end > duration + 0.5)
      throw new DomainError(Reason.BadParameter, `The end must be within the replay (at most ${Math.floor(duration)} s)`, 'end');
    if (end - start < 1) throw new DomainError(Reason.BadParameter, 'The end must be at least a second after the start', 'end');
    return { goodsId, start: round3(start), end: round3(Math.min(end, duration)) };
  }

  async addMarker(room: RoomRow, b: MarkerInput): Promise<number> {
    const v = await this.validMarker(room, b);
    if ((await this.sql.markers(room.id)).length >= MAX_MARKERS)
      throw new DomainError(Reason.LimitReached, `A replay holds at most ${MAX_MARKERS} markers`);
    const row = await this.sql.addMarker(room.id, v.goodsId, v.start, v.end, this.clock.now());
    this.builder.schedule(room.id);
    return row.id;
  }

  async updateMarker(room: RoomRow, id: unknown, b: MarkerInput): Promise<void> {
    const mid = positiveId(id);
    const current = mid === undefined ? undefined : await this.sql.marker(room.id, mid);
    if (!current) throw new DomainError(Reason.NotFound, 'No such marker');
    const v = await this.validMarker(room, { goods_id: current.goods_id, ...b });
    const old = await this.sql.updateMarker(
      room.id,
      current.id,
      v.goodsId,
      v.start,
      v.end,
      Math.max(this.clock.now(), current.updated_at + 1),
    );
    if (old) await removeClipFiles([old]);
    this.builder.schedule(room.id);
  }

  async deleteMarker(room: RoomRow, id: unknown): Promise<void> {
    const mid = positiveId(id);
    const gone = mid === undefined ? undefined : await this.sql.deleteMarker(room.id, mid);
    if (!gone) throw new DomainError(Reason.NotFound, 'No such marker');
    await removeClipFiles([gone]);
  }
}
