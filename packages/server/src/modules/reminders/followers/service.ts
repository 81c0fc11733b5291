/**
 * WeChat's long-term subscription (长期订阅): viewers follow the merchant (app) from a room page; the merchant pages
 * them (get_wxa_followers) and sends a live room's go-live message to chosen followers (push_message) through the
 * reminder outbox and channels — each follower once per message. Follows, unfollows and each message's final result
 * reach the app's callbackUrl as WeChat's events (wxalive_follow_notify, wxalive_push_message_notify).
 */
import { randomInt } from 'node:crypto';
import { LiveStatus, type PushSubscriptionJson, Reason, STATUS_NAMES } from '@zhibo/protocol';
import { type Clock, quotaDay } from '@zhibo/core';
import { DomainError } from '../../../lib/errors.js';
import { intOf, isOpenid } from '../../../lib/ids.js';
import type { RoomService } from '../../rooms/service.js';
import type { ReminderService } from '../service.js';
import { channelsOf } from '../settings.js';
import type { FollowersStore, FollowerRow } from './store.js';

const FOLLOWERS_PAGE = { default: 200, max: 2000 };
const PUSH_MAX_OPENIDS = 2000;

export interface FollowersPage {
  followers: Array<{ openid: string; subscribe_time: number; room_status: number; room_id: number }>;
  page_break: number;
}

export class FollowerService {
  constructor(
    private readonly store: FollowersStore,
    private readonly clock: Clock,
    private readonly rooms: RoomService,
    private readonly reminders: ReminderService,
    /** a go-live or a result is due: the worker should look now */
    private readonly kick: () => void,
  ) {}

  /** A viewer follows the merchant of `room` (the room page's follow button). */
  async follow(
    room: { id: number; appid: string; status: LiveStatus },
    openid: string,
    push: PushSubscriptionJson | null,
  ): Promise<boolean> {
    const added = await this.store.follow(room.appid, openid, room, push, this.clock.now());
    if (added) this.kick();
    return added;
  }

  async unfollow(room: { id: number; appid: string; status: LiveStatus }, openid: string): Promise<boolean> {
    const removed = await this.store.unfollow(room.appid, openid, room, this.clock.now());
    if (removed) this.kick();
    return removed;
  }

  isFollowing(appid: string, openid: string): Promise<boolean> {
    return this.store.isFollowing(appid, openid);
  }

  count(appid: string): Promise<number> {
    return this.store.count(appid);
  }

  /** POST /wxa/business/get_wxa_followers {limit?, page_break?} */
  async page(appid: string, limitRaw: unknown, pageBreakRaw: unknown): Promise<FollowersPage> {
    const limit = limitRaw === undefined || limitRaw === null || limitRaw === '' ? FOLLOWERS_PAGE.default : intOf(limitRaw);
    if (limit === undefined || limit < 1 || limit > FOLLOWERS_PAGE.max)
      throw new DomainError(Reason.InvalidArgs, `limit must be an integer from 1 to ${FOLLOWERS_PAGE.max}`, 'limit');
    const after = pageBreakRaw === undefined || pageBreakRaw === null || pageBreakRaw === '' ? 0 : intOf(pageBreakRaw);
    if (after === undefined || after < 0)
      throw new DomainError(Reason.InvalidArgs, 'page_break must be the page_break of the previous page (an integer ≥ 0)', 'page_break');
    const rows = await this.store.page(appid, after, limit);
    return { followers: rows.map(view), page_break: rows.at(-1)?.id ?? after };
  }

  /** POST /wxa/business/push_message {room_id, user_openid[]} → message_id. */
  async push(appid: string, roomIdRaw: unknown, openidsRaw: unknown): Promise<string> {
    const room = await this.rooms.get(appid, roomIdRaw);
    if (!Array.isArray(openidsRaw) || openidsRaw.length === 0 || openidsRaw.length > PUSH_MAX_OPENIDS)
      throw new DomainError(Reason.BadParameter, `user_openid must be an array of 1–${PUSH_MAX_OPENIDS} follower openids`, 'user_openid');
    if (room.live_status !== LiveStatus.Live)
      throw new DomainError(
        Reason.PushRoomNotLive,
        `room ${room.id} is ${room.live_status} (${STATUS_NAMES[room.live_status]}); only a live room (101) can be pushed`,
        'room_id',
      );
    const openids = [...new Set(openidsRaw.filter(isOpenid))];
    const malformed = openidsRaw.length - openidsRaw.filter(isOpenid).length;
    const now = this.clock.now();
    const messageId = `${now}${String(randomInt(1_000_000)).padStart(6, '0')}`;
    const channels = channelsOf(await this.reminders.settings(appid));
    const out = await this.store.push({ appid, roomId: room.id, messageId, day: quotaDay(now), openids, malformed, channels, at: now });
    if ('otherRoom' in out)
      throw new DomainError(
        Reason.PushOtherRoomToday,
        `room ${out.otherRoom} was already pushed to followers today; one room a day`,
        'room_id',
      );
    this.kick();
    return messageId;
  }

  /** The worker recorded results of these messages' deliveries: report the messages that are complete. */
  async finish(messageIds: number[]): Promise<void> {
    if ((await this.store.finish(messageIds, this.clock.now())) > 0) this.kick();
  }

  messages(appid: string, limit = 20) {
    return this.store.messages(appid, limit);
  }
}

const view = (r: FollowerRow) => ({
  openid: r.openid,
  subscribe_time: Math.floor(r.created_at / 1000),
  room_status: r.room_status ?? 0,
  room_id: r.from_room_id ?? 0,
});
