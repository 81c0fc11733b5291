/**
 * The anchor page's server side: one-time sign-in links for a room (signed, expiring, single use, stored), the anchor
 * sessions they open (a cookie scoped to that room only), and what the signed-in page reads and does — the room and
 * its WHIP credentials, the live numbers and comments, presenting a product, ending the live. Module services only.
 */
import { type AnchorLink, type AnchorLive, type AnchorRoom, LiveStatus, Reason, STATUS_NAMES, TransitionCause } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import QRCode from 'qrcode';
import { hmacB64url, randomToken, safeEqual, sha256hex } from '../../lib/crypto.js';
import { DomainError } from '../../lib/errors.js';
import type { GoodsService } from '../goods/service.js';
import type { InteractionService } from '../realtime/interaction.js';
import { operatorAction } from '../rooms/actions.js';
import type { RoomService } from '../rooms/service.js';
import type { RoomRow } from '../rooms/sql.js';
import type { AnchorSql } from './sql.js';

export interface AnchorPolicy {
  /** how long a sign-in link may wait before it is scanned */
  ticketTtlMs: number;
  /** how long a signed-in phone stays signed in */
  sessionTtlMs: number;
}

export const ANCHOR_DEFAULTS: AnchorPolicy = { ticketTtlMs: 10 * 60_000, sessionTtlMs: 24 * 3600_000 };

const FINAL = new Set<LiveStatus>([LiveStatus.Ended, LiveStatus.Banned, LiveStatus.Expired]);
const TICKET = /^(\d{1,10})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** The ticket is signed with a key derived from the room's stream key: a new stream key voids the links handed out. */
const ticketKey = (room: RoomRow) => sha256hex(`zhibo-anchor-ticket\0${room.stream_key}`);
const signature = (room: RoomRow, payload: string) => hmacB64url(ticketKey(room), `anchor-ticket\0${payload}`);

const noSession = () =>
  new DomainError(Reason.Unauthenticated, 'This phone is not signed in to this room: scan the QR code on the console’s Go live tab again');

export class AnchorService {
  constructor(
    private readonly sql: AnchorSql,
    private readonly clock: Clock,
    private readonly rooms: RoomService,
    private readonly goods: GoodsService,
    private readonly interaction: InteractionService,
    private readonly o: AnchorPolicy & { abnormalTimeoutMs: number; whip: boolean },
  ) {}

  get sessionTtlMs(): number {
    return this.o.sessionTtlMs;
  }

  /** A one-time sign-in link to the anchor page of a room (the console's QR code and "go live from this device"). */
  async issueLink(roomId: number, baseUrl: string): Promise<AnchorLink> {
    if (!this.o.whip)
      throw new DomainError(Reason.Conflict, 'WHIP ingest is off on this server (ZHIBO_WHIP=0): the anchor page can not publish');
    const room = await this.roomRow(roomId);
    const status = this.rooms.cachedStatus(room.id)?.status ?? room.live_status;
    if (FINAL.has(status))
      throw new DomainError(Reason.RoomStateForbids, `The room is ${status} (${STATUS_NAMES[status]}) and can not go live`);
    const now = this.clock.now();
    await this.sql.deleteExpired(now);
    const expiresAt = now + this.o.ticketTtlMs;
    const nonce = randomToken(16);
    const payload = `${room.id}.${Math.ceil(expiresAt / 1000).toString(36)}.${nonce}`;
    await this.sql.insertTicket(sha256hex(nonce), room.id, now, expiresAt);
    const url = `${baseUrl}/anchor/?room_id=${room.id}#ticket=${payload}.${signature(room, payload)}`;
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
    return { url, expiresAt, expiresInMs: this.o.ticketTtlMs, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /** Spend a ticket of this room: a new anchor session (its cookie token), or a clear refusal. */
  async signIn(roomId: number, ticket: unknown): Promise<{ token: string; expiresAt: number }> {
    const bad = (why: string) =>
      new DomainError(Reason.Unauthenticated, `${why}: open a new sign-in link from the console (room ${roomId}, Go live tab)`, 'ticket');
    const m = typeof ticket === 'string' ? TICKET.exec(ticket) : null;
    if (!m) throw bad('This sign-in link is incomplete or damaged');
    const room = await this.rooms.getAny(roomId);
    if (!room || Number(m[1]) !== room.id) throw bad('This sign-in link is for another room');
    if (!safeEqual(m[4]!, signature(room, `${m[1]}.${m[2]}.${m[3]}`)))
      throw bad('This sign-in link is not valid (or the stream key was replaced since)');
    const now = this.clock.now();
    if (parseInt(m[2]!, 36) * 1000 <= now) throw bad('This sign-in link has expired');
    if (!(await this.sql.spendTicket(sha256hex(m[3]!), room.id, now))) throw bad('This sign-in link was already used');
    const token = randomToken(32);
    const expiresAt = now + this.o.sessionTtlMs;
    await this.sql.insertSession(sha256hex(token), room.id, now, expiresAt);
    return { token, expiresAt };
  }

  /** The room of a live anchor session for that room (401 otherwise — a session of another room included). */
  async session(roomId: number, token: string | undefined): Promise<{ room: RoomRow; expiresAt: number }> {
    if (!token || token.length > 128) throw noSession();
    const s = await this.sql.session(sha256hex(token));
    if (!s || s.room_id !== roomId) throw noSession();
    if (s.expires_at <= this.clock.now()) {
      await this.sql.deleteSession(sha256hex(token));
      throw new DomainError(Reason.Unauthenticated, 'Your anchor sign-in has expired: scan the QR code on the console’s Go live tab again');
    }
    const room = await this.rooms.getAny(roomId);
    if (!room) throw noSession();
    return { room, expiresAt: s.expires_at };
  }

  signOut(token: string): Promise<void> {
    return this.sql.deleteSession(sha256hex(token));
  }

  async room(room: RoomRow, sessionExpiresAt: number): Promise<AnchorRoom> {
    return {
      roomId: room.id,
      name: room.name,
      anchorName: room.anchor_name,
      anchorImg: room.anchor_img,
      coverImg: room.cover_img,
      screenType: room.screen_type,
      status: this.rooms.cachedStatus(room.id)?.status ?? room.live_status,
      whipPath: `/whip/${room.id}`,
      streamKey: room.stream_key,
      closeGoods: room.close_goods === 1,
      closeComment: room.close_comment === 1,
      closeLike: room.close_like === 1,
      abnormalTimeoutMs: this.o.abnormalTimeoutMs,
      goods: room.close_goods === 1 ? [] : await this.goods.onSale(room.id),
      sessionExpiresAt,
    };
  }

  async live(room: RoomRow): Promise<AnchorLive> {
    const status = this.rooms.cachedStatus(room.id)?.status ?? room.live_status;
    const [desk, log] = await Promise.all([this.interaction.liveDesk(room.id, room.close_comment === 1), this.rooms.auditLog(room.id)]);
    const started = log.find((e) => e.cause === TransitionCause.PublishStarted);
    const last = log[log.length - 1];
    return {
      status,
      viewers: desk.viewers,
      likes: desk.likes,
      comments: desk.comments
        .filter((c) => !c.muted)
        .slice(-30)
        .map(({ id, openid, nick, text, at }) => ({ id, openid, nick, text, at })),
      presented: desk.presented?.goods_id ?? null,
      liveSince: started?.at ?? null,
      lostAt: status === LiveStatus.Abnormal && last?.to_status === LiveStatus.Abnormal ? last.at : null,
      serverTime: this.clock.now(),
    };
  }

  async present(room: RoomRow, goodsId: unknown): Promise<{ presented: number | null }> {
    const g = await this.interaction.present(room.appid, room.id, goodsId);
    return { presented: g?.goods_id ?? null };
  }

  /** The anchor's End: 103 for everyone (the publisher is kicked by the status event, the replay is prepared). */
  async end(room: RoomRow): Promise<{ status: LiveStatus }> {
    return { status: (await operatorAction(this.rooms, room.id, 'end', 'anchor')).live_status };
  }

  private async roomRow(roomId: number): Promise<RoomRow> {
    const room = await this.rooms.getAny(roomId);
    if (!room) throw new DomainError(Reason.RoomNotFound, `room ${roomId} does not exist`);
    return room;
  }
}
