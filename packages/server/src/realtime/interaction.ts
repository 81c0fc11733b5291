/**
 * Merchant / anchor commands on a room's interaction (present a product, comment switch, mute, delete a
 * comment) and its stats. Callers pass the appid they are authenticated as: the WeChat-style routes
 * (access_token) and, later, the console (session). Another app's room is 300022.
 */
import { Errcode, type RealtimeGoods, type RoomRealtimeStats } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { WxFail } from '../services/errors.js';
import type { DomainEvents, TypedEmitter } from '../services/events.js';
import { liveInfoGoods, type GoodsService } from '../services/goods.js';
import type { RoomService } from '../services/rooms.js';
import { Essential } from './channel.js';
import type { RealtimeGateway } from './gateway.js';
import type { RealtimeStore } from './store.js';

const OPENID = /^o[A-Za-z0-9_-]{27}$/;

const flag = (v: unknown, field: string): boolean => {
  if (v === 0 || v === 1) return v === 1;
  throw new WxFail(Errcode.BadParameter, `${field} must be 0 or 1`, field);
};

export class InteractionService {
  constructor(
    private readonly clock: Clock,
    private readonly events: TypedEmitter<DomainEvents>,
    private readonly rooms: RoomService,
    private readonly goods: GoodsService,
    private readonly store: RealtimeStore,
    private readonly gateway: RealtimeGateway,
  ) {}

  /** goods/push: present an on-sale product of the room's shelf to every viewer; goodsId 0 stops presenting. */
  async present(appid: string, roomId: unknown, goodsId: unknown): Promise<RealtimeGoods | null> {
    const room = await this.rooms.get(appid, roomId);
    if (goodsId !== 0 && (typeof goodsId !== 'number' || !Number.isInteger(goodsId) || goodsId < 0))
      throw new WxFail(Errcode.GoodsNotFound, 'goodsId must be a positive integer (0 stops presenting)', 'goodsId');
    let g: RealtimeGoods | null = null;
    if (goodsId !== 0) {
      if (room.close_goods === 1) throw new WxFail(Errcode.RoomStateForbids, `room ${room.id} has the goods shelf closed (closeGoods)`);
      const item = ((await this.goods.shelves([room.id])).get(room.id) ?? []).find((s) => s.id === goodsId);
      if (!item) throw new WxFail(Errcode.GoodsNotFound, `goods ${String(goodsId)} is not on the shelf of room ${room.id}`);
      if (!item.on_sale) throw new WxFail(Errcode.GoodsNotFound, `goods ${String(goodsId)} is off sale in room ${room.id}`);
      g = liveInfoGoods(item);
    }
    await this.store.setPresented(room.id, g ? g.goods_id : null);
    const ch = this.gateway.channels.get(room.id);
    if (ch) {
      ch.presented = g;
      ch.publish({ type: 'present', goods: g }, Essential.yes);
    }
    return g;
  }

  /** room/updatecomment {banComment}: the room-wide comment switch (rooms.close_comment). */
  async setCommentBan(appid: string, roomId: unknown, banComment: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    const closed = flag(banComment, 'banComment');
    await this.store.setCommentClosed(room.id, closed, this.clock.now());
    const ch = this.gateway.channels.get(room.id);
    if (ch && ch.room.closeComment !== closed) {
      ch.room = { ...ch.room, closeComment: closed };
      ch.publish({ type: 'comments', closed }, Essential.yes);
    }
    // getliveinfo shows close_comment: its cached room list drops this room.
    this.events.emit('roomChanged', { roomId: room.id, appid });
  }

  /** room/mute {openid, mute}: a muted viewer's chat reaches nobody; they are told (`muted`). */
  async mute(appid: string, roomId: unknown, openid: unknown, mute: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (typeof openid !== 'string' || !OPENID.test(openid)) throw new WxFail(Errcode.BadParameter, 'openid must be a viewer openid of this app (28 characters)', 'openid');
    const on = flag(mute, 'mute');
    await this.store.setMute(room.id, openid, on, this.clock.now());
    const ch = this.gateway.channels.get(room.id);
    if (ch && ch.mutes.has(openid) !== on) {
      if (on) ch.mutes.add(openid);
      else ch.mutes.delete(openid);
      ch.sendToViewer(openid, { type: 'muted', you: on });
    }
  }

  /** room/deletecomment {commentId}: gone from the snapshot and from every viewer's list. */
  async deleteComment(appid: string, roomId: unknown, commentId: unknown): Promise<void> {
    const room = await this.rooms.get(appid, roomId);
    if (typeof commentId !== 'string' || !commentId || commentId.length > 64) throw new WxFail(Errcode.BadParameter, 'commentId must be a comment id string', 'commentId');
    const stored = await this.store.deleteComment(room.id, commentId, this.clock.now());
    const ch = this.gateway.channels.get(room.id);
    const inMemory = ch ? ch.comments.some((c) => c.id === commentId) : false;
    if (!stored && !inMemory) throw new WxFail(Errcode.BadParameter, `comment ${commentId} does not exist in room ${room.id}`, 'commentId');
    ch?.deleteComment(commentId);
  }

  /** S-ENTRY-3 / S-PARAMS-3: entries by kind, top sharers, likes, comments, peak viewers. */
  async stats(appid: string, roomId: unknown): Promise<RoomRealtimeStats> {
    const room = await this.rooms.get(appid, roomId);
    this.gateway.flushRoom(room.id);
    return this.store.stats(room.id);
  }
}
