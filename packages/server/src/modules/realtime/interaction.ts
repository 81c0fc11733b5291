/**
 * Merchant / anchor commands on a room's interaction (present a product, comment switch, mute, delete a comment) and
 * its numbers. Callers pass the appid they are authenticated as: the WeChat-style routes (access_token) and the
 * console (session). Another app's room is 300022.
 */
import {
  ANCHOR_OPENID,
  type ChatComment,
  LiveStatus,
  Reason,
  RealtimeLimits,
  type RealtimeGoods,
  type RoomRealtimeStats,
} from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { DomainBus } from '../../lib/domain-events.js';
import { DomainError } from '../../lib/errors.js';
import { intOf, isOpenid, positiveId } from '../../lib/ids.js';
import type { GoodsService } from '../goods/service.js';
import type { RoomService } from '../rooms/service.js';
import { randomToken } from '../../lib/crypto.js';
import { checkChatText } from './rules.js';
import type { RealtimeGateway } from './gateway.js';
import type { RealtimeStore } from './store.js';

const flag = (v: unknown, field: string): boolean => {
  const n = intOf(v);
  if (n === 0 || n === 1) return n === 1;
  throw new DomainError(Reason.BadParameter, `${field} must be 0 or 1`, field);
};

/** What the console's live desk shows (polled: it keeps working when a WebSocket or the stream drops). */
export interface LiveDesk {
  viewers: number;
  peak: number;
  likes: number;
  commentsClosed: boolean;
  presented: RealtimeGoods | null;
  comments: Array<ChatComment & { muted: boolean }>;
  /** the notice pinned above the chat */
  notice: string | null;
}

export class InteractionService {
  constructor(
    private readonly clock: Clock,
    private readonly rooms: RoomService,
    private readonly goods: GoodsService,
    private readonly store: RealtimeStore,
    private readonly gateway: RealtimeGateway,
    /** roomActivity goes out here (the replays module writes presents and switches down for the replay) */
    private readonly events?: DomainBus,
  ) {}

  /** goods/push: present an on-sale product of the room's shelf to every viewer; goodsId 0 stops presenting. */
  async present(appid: string, roomId: unknown, goodsId: unknown): Promise<RealtimeGoods | null> {
    const room = await this.rooms.get(appid, roomId);
    const gid = goodsId === 0 || goodsId === '0' ? 0 : positiveId(goodsId);
    if (gid === undefined)
      throw new DomainError(Reason.GoodsNotFound, 'goodsId must be a positive integer (0 stops presenting)', 'goodsId');
    let g: RealtimeGoods | null = null;
    if (gid !== 0) {
      if (room.close_goods === 1) throw new DomainError(Reason.RoomStateForbids, `room ${room.id} has the goods shelf closed (closeGoods)`);
      const item = ((await this.goods.shelves([room.id])).get(room.id) ?? []).find((s) => s.id === gid);
      if (!item) throw new DomainError(Reason.GoodsNotFound, `goods ${gid} is not on the shelf of room ${room.id}`, 'goodsId');
      if (!item.on_sale) throw new DomainError(Reason.GoodsNotFound, `goods ${gid} is off sale in room ${room.id}`, 'goodsId');
      g = (await this.goods.onSale(room.id)).find((x) => x.goods_id === gid) ?? null;
    }
    await this.store.setPresented(room.id, g ? g.goods_id : null);
    this.events?.emit('roomActivity', {
      roomId: room.id,
      appid: room.appid,
      at: this.clock.now(),
      kind: 'present',
      goodsId: g ? g.goods_id : null,
    });
    this.gateway.sync.command(room.id, { kind: 'present', goods: g });
    return g;
  }

  /** room/updatecomment {banComment}: the room-wide comment switch (rooms.close_comment). */
  async setCommentBan(appid: string, roomId: unknown, banComment: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const closed = flag(banComment, 'banComment');
    await this.rooms.setCommentsClosed(appid, room.id, closed);
    if (room.close_comment !== (closed ? 1 : 0))
      this.events?.emit('roomActivity', { roomId: room.id, appid: room.appid, at: this.clock.now(), kind: 'comments', closed });
    this.gateway.sync.command(room.id, { kind: 'comments', closed });
  }

  /** room/mute {openid, mute}: a muted viewer's chat reaches nobody; they are told (`muted`). */
  async mute(appid: string, roomId: unknown, openid: unknown, mute: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (!isOpenid(openid))
      throw new DomainError(Reason.BadParameter, 'openid must be a viewer openid of this app (28 characters)', 'openid');
    const on = flag(mute, 'mute');
    await this.store.setMute(room.id, openid, on, this.clock.now());
    // Applied on every node with viewers of the room (mute by address included: realtime/sync.ts).
    this.gateway.sync.command(room.id, { kind: 'mute', openid, on });
  }

  /** room/deletecomment {commentId}: gone from the snapshot and from every viewer's list. */
  /**
   * The merchant talks to the room as the anchor (the console): a comment with the anchor's name and `role: 'anchor'`
   * (the room page badges it). Same text rules as viewers' chat; refused once the room is over.
   */
  async anchorComment(appid: string, roomId: unknown, text: unknown): Promise<ChatComment> {
    const room = await this.rooms.get(appid, roomId);
    const status = this.rooms.cachedStatus(room.id)?.status ?? room.live_status;
    if (status === LiveStatus.Ended || status === LiveStatus.Banned || status === LiveStatus.Expired)
      throw new DomainError(Reason.RoomStateForbids, 'The live is over: comments can no longer be sent', 'text');
    const t = checkChatText(text);
    if (!t.ok)
      throw new DomainError(
        Reason.BadParameter,
        t.code === 'too_long' ? `Write at most ${RealtimeLimits.chatMaxChars} characters` : 'Write something first',
        'text',
      );
    const comment: ChatComment = {
      id: randomToken(9),
      openid: ANCHOR_OPENID,
      nick: room.anchor_name,
      role: 'anchor',
      text: t.text,
      at: this.clock.now(),
    };
    this.store.queueComment(room.id, comment);
    const ch = await this.gateway.channels.open(room.id);
    ch?.addComment(comment);
    return comment;
  }

  /** Pin a notice above the room's chat (every viewer sees it at once and on joining); empty or null unpins. */
  async pinNotice(appid: string, roomId: unknown, text: unknown): Promise<string | null> {
    const room = await this.rooms.get(appid, roomId);
    let notice: string | null = null;
    if (text !== null && text !== undefined && text !== '') {
      const t = checkChatText(text);
      if (!t.ok) throw new DomainError(Reason.BadParameter, `A notice is 1–${RealtimeLimits.chatMaxChars} characters`, 'text');
      notice = t.text;
    }
    await this.store.setNotice(room.id, notice);
    this.events?.emit('roomActivity', { roomId: room.id, appid: room.appid, at: this.clock.now(), kind: 'notice', text: notice });
    this.gateway.sync.command(room.id, { kind: 'notice', text: notice });
    return notice;
  }

  async deleteComment(appid: string, roomId: unknown, commentId: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (typeof commentId !== 'string' || !commentId || commentId.length > 64)
      throw new DomainError(Reason.BadParameter, 'commentId must be a comment id string', 'commentId');
    const stored = await this.store.deleteComment(room.id, commentId, this.clock.now());
    const ch = this.gateway.channels.get(room.id);
    const inMemory = ch ? ch.comments.some((c) => c.id === commentId) : false;
    if (!stored && !inMemory)
      throw new DomainError(Reason.BadParameter, `comment ${commentId} does not exist in room ${room.id}`, 'commentId');
    this.gateway.sync.command(room.id, { kind: 'deleteComment', id: commentId });
  }

  /** S-ENTRY-3 / S-PARAMS-3: entries by kind, top sharers, likes, comments, peak viewers. */
  async stats(appid: string, roomId: unknown): Promise<RoomRealtimeStats> {
    const room = await this.rooms.get(appid, roomId);
    this.gateway.flushRoom(room.id);
    return this.store.stats(room.id);
  }

  /** Viewers now: the realtime channel's count, else the media players' count. */
  viewersNow(roomId: number): number {
    return this.gateway.channels.get(roomId)?.viewers ?? this.gateway.channels.mediaViewers.get(roomId) ?? 0;
  }

  /** The presented product of a room with an open channel (null otherwise). */
  presented(roomId: number): RealtimeGoods | null {
    return this.gateway.channels.get(roomId)?.presented ?? null;
  }

  /** The console's live desk: from the open channel when there is one, else from storage. */
  async liveDesk(roomId: number, closeCommentStored: boolean): Promise<LiveDesk> {
    const ch = this.gateway.channels.get(roomId);
    const media = this.gateway.channels.mediaViewers.get(roomId) ?? 0;
    if (ch) {
      const mutes = ch.mutes;
      return {
        viewers: ch.viewers,
        peak: Math.max(ch.peak, ch.viewers),
        likes: ch.likes + ch.likesDelta + ch.net.unsentLikes,
        commentsClosed: ch.room.closeComment,
        presented: ch.presented,
        notice: ch.notice,
        comments: ch.comments.slice(-50).map((c) => ({ ...c, muted: mutes.has(c.openid) })),
      };
    }
    const [comments, mutes, t, notice] = await Promise.all([
      this.store.recentComments(roomId, 50),
      this.store.mutes(roomId),
      this.store.storedTotals(roomId),
      this.store.notice(roomId),
    ]);
    return {
      viewers: media,
      peak: Math.max(t.peak, media),
      likes: t.likes,
      commentsClosed: closeCommentStored,
      presented: null,
      notice,
      comments: comments.map((c) => ({ ...c, muted: mutes.includes(c.openid) })),
    };
  }

  /** Per-room viewers and likes of the rooms with viewers now (the console's sampler). */
  *samples(): Iterable<{ roomId: number; viewers: number; likes: number }> {
    const seen = new Set<number>();
    for (const ch of this.gateway.channels.all()) {
      seen.add(ch.roomId);
      yield { roomId: ch.roomId, viewers: ch.viewers, likes: ch.likes + ch.likesDelta + ch.net.unsentLikes };
    }
    for (const [roomId, viewers] of this.gateway.channels.mediaViewers) if (!seen.has(roomId)) yield { roomId, viewers, likes: 0 };
  }

  /** Storage collector: entries older than `before` are deleted (up to `limit`). */
  purgeEntries(before: number, limit = 10_000): Promise<number> {
    return this.store.deleteEntriesBefore(before, limit);
  }

  /** Comments between two server times for the chat replay: not deleted, none of a viewer muted in the room. */
  replayComments(roomId: number, from: number, to: number, limit: number): Promise<ChatComment[]> {
    return this.store.commentsBetween(roomId, from, to, limit);
  }

  shareChain(roomId: number, limit = 500): ReturnType<RealtimeStore['shareChain']> {
    return this.store.shareChain(roomId, limit);
  }

  perBucket(
    kind: 'comments' | 'entries',
    roomId: number,
    from: number,
    to: number,
    bucketMs: number,
  ): ReturnType<RealtimeStore['perBucket']> {
    return this.store.perBucket(kind, roomId, from, to, bucketMs);
  }
}
