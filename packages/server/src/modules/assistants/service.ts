/**
 * Room assistants (room/addassistant, modifyassistant, removeassistant, getassistantlist; WeChat's 600001–600002) and
 * their phone sign-in: the console hands out a signed, expiring link for one assistant and one room; opening it makes
 * an assistant session scoped to that room (routes in the console module: mute, delete comments, present goods, see
 * numbers). Removing the assistant, or revoking its links, ends its sessions at once.
 */
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { hmacB64url, randomToken, safeEqual, sha256hex } from '../../lib/crypto.js';
import { DomainError } from '../../lib/errors.js';
import { isWechatId } from '../../lib/ids.js';
import type { AppService } from '../apps/service.js';
import type { IdentityService } from '../identity/service.js';
import { missing, roomIdOf, type RoomService } from '../rooms/index.js';
import type { RoomRow } from '../rooms/sql.js';
import type { AssistantRow, AssistantsSql } from './sql.js';

/** WeChat's maxCount of getassistantlist. */
export const MAX_ASSISTANTS = 10;
export const LINK_TTL_MAX_MS = 7 * 86_400_000;
export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 24 * 3600_000;

export interface AssistantInfo {
  timestamp: number;
  headimg: string;
  nickname: string;
  alias: string;
  openid: string;
}

export interface AssistantSession {
  roomId: number;
  appid: string;
  username: string;
  nickname: string;
  csrf: string;
  tokenHash: string;
}

function user(v: unknown): string {
  if (v === undefined || v === null || v === '') throw missing('username');
  if (!isWechatId(v)) throw new DomainError(Reason.AssistantNotFound, 'user not found: username is not a WeChat id', 'username');
  return v;
}

function nick(v: unknown): string {
  if (v === undefined || v === null || v === '') throw missing('nickname');
  if (typeof v !== 'string' || v.length > 32)
    throw new DomainError(Reason.BadParameter, 'nickname must be a string of at most 32 characters', 'nickname');
  return v;
}

export class AssistantService {
  constructor(
    private readonly sql: AssistantsSql,
    private readonly clock: Clock,
    private readonly rooms: RoomService,
    private readonly apps: AppService,
    private readonly identity: IdentityService,
  ) {}

  private openid(appid: string, username: string): string {
    return this.identity.openid(appid, { kind: 'user', id: `wechat:${username}` });
  }

  /** room/addassistant {roomId, users: [{username, nickname}]}: all or none. */
  async add(appid: string, body: Record<string, unknown>): Promise<void> {
    const room = await this.rooms.get(appid, roomIdOf(body));
    if (body.users === undefined || body.users === null || body.users === '') throw missing('users');
    const list = Array.isArray(body.users) ? body.users : typeof body.users === 'object' ? Object.values(body.users) : undefined;
    if (!list || list.length === 0)
      throw new DomainError(Reason.BadParameter, 'users must be a non-empty array of {username, nickname}', 'users');
    const users = list.map((u) => {
      const o = (typeof u === 'object' && u !== null ? u : {}) as Record<string, unknown>;
      const username = user(o.username);
      return { username, nickname: nick(o.nickname), openid: this.openid(appid, username) };
    });
    if (new Set(users.map((u) => u.username)).size !== users.length)
      throw new DomainError(Reason.AssistantExists, 'the same user is listed twice', 'users');
    const r = await this.sql.add(room.id, users, MAX_ASSISTANTS, this.clock.now());
    if (r === 'full') throw new DomainError(Reason.BadParameter, `a room has at most ${MAX_ASSISTANTS} assistants`, 'users');
    if (r !== 'ok') throw new DomainError(Reason.AssistantExists, `${r.exists} is already an assistant of room ${room.id}`, 'username');
  }

  /** room/modifyassistant {roomId, username, nickname}. */
  async modify(appid: string, body: Record<string, unknown>): Promise<void> {
    const room = await this.rooms.get(appid, roomIdOf(body));
    const username = user(body.username);
    if (!(await this.sql.rename(room.id, username, nick(body.nickname), this.clock.now())))
      throw new DomainError(Reason.AssistantNotFound, `${username} is not an assistant of room ${room.id}`, 'username');
  }

  /** room/removeassistant {roomId, username}: its sign-in sessions end with it. */
  async remove(appid: string, body: Record<string, unknown>): Promise<void> {
    const room = await this.rooms.get(appid, roomIdOf(body));
    const username = user(body.username);
    if (!(await this.sql.remove(room.id, username)))
      throw new DomainError(Reason.AssistantNotFound, `${username} is not an assistant of room ${room.id}`, 'username');
  }

  /** room/getassistantlist?roomId= */
  async list(appid: string, roomId: unknown): Promise<{ list: AssistantInfo[]; count: number; maxCount: number }> {
    if (roomId === undefined || roomId === '') throw missing('roomId');
    const room = await this.rooms.get(appid, roomId);
    const rows = await this.sql.list(room.id);
    return { list: rows.map((a) => this.info(a)), count: rows.length, maxCount: MAX_ASSISTANTS };
  }

  info(a: AssistantRow): AssistantInfo {
    return { timestamp: Math.floor(a.updated_at / 1000), headimg: '', nickname: a.nickname, alias: a.username, openid: a.openid };
  }

  rows(roomId: number): Promise<AssistantRow[]> {
    return this.sql.list(roomId);
  }

  private async signKey(room: RoomRow): Promise<string> {
    const app = await this.apps.get(room.appid);
    if (!app) throw new DomainError(Reason.RoomNotFound, `room ${room.id} does not exist`);
    return app.sign_key;
  }

  private sign(key: string, roomId: number, username: string, exp: number, version: number): string {
    return hmacB64url(key, `assistant\0${roomId}\0${username}\0${exp}\0${version}`);
  }

  /** A signed sign-in token for one assistant of one room, valid for `ttlMs` (the console puts it in a link). */
  async linkToken(room: RoomRow, username: string, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    const a = await this.sql.get(room.id, username);
    if (!a) throw new DomainError(Reason.AssistantNotFound, `${username} is not an assistant of room ${room.id}`, 'username');
    if (!Number.isInteger(ttlMs) || ttlMs < 60_000 || ttlMs > LINK_TTL_MAX_MS)
      throw new DomainError(Reason.BadParameter, 'the link must be valid from 1 minute to 7 days', 'hours');
    const exp = this.clock.now() + ttlMs;
    const sig = this.sign(await this.signKey(room), room.id, username, exp, a.link_version);
    return { token: `${room.id}.${Buffer.from(username).toString('base64url')}.${exp}.${sig}`, expiresAt: exp };
  }

  /** Every link handed out so far stops working; signed-in phones are signed out. */
  async revokeLinks(roomId: number, username: string): Promise<void> {
    if (!(await this.sql.revokeLinks(roomId, username)))
      throw new DomainError(Reason.AssistantNotFound, `${username} is not an assistant of room ${roomId}`, 'username');
  }

  /** Sign in with a link token: a session cookie value and its CSRF token. */
  async signIn(token: unknown): Promise<{ cookie: string; session: AssistantSession; maxAgeSec: number }> {
    const bad = () =>
      new DomainError(Reason.Unauthenticated, 'This sign-in link is not valid (expired, revoked or mistyped); ask for a new one');
    const m = typeof token === 'string' ? /^(\d{1,10})\.([A-Za-z0-9_-]{1,40})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
    if (!m) throw bad();
    const [roomId, username, exp, sig] = [Number(m[1]), Buffer.from(m[2]!, 'base64url').toString('utf8'), Number(m[3]), m[4]!];
    const now = this.clock.now();
    if (exp <= now) throw bad();
    const room = await this.rooms.getAny(roomId);
    const a = room ? await this.sql.get(room.id, username) : undefined;
    if (!room || !a || !safeEqual(this.sign(await this.signKey(room), room.id, username, exp, a.link_version), sig)) throw bad();
    const cookie = randomToken(32);
    const csrf = randomToken(24);
    const expiresAt = Math.min(now + SESSION_IDLE_MS, exp + SESSION_MAX_MS);
    await this.sql.insertSession(sha256hex(cookie), room.id, username, csrf, now, expiresAt);
    return {
      cookie,
      maxAgeSec: Math.ceil((expiresAt - now) / 1000),
      session: { roomId: room.id, appid: room.appid, username, nickname: a.nickname, csrf, tokenHash: sha256hex(cookie) },
    };
  }

  /** The live session of a cookie (none once expired, or once the assistant was removed or its links revoked). */
  async session(cookie: string | undefined): Promise<AssistantSession | undefined> {
    if (!cookie || cookie.length > 128) return undefined;
    const h = sha256hex(cookie);
    const row = await this.sql.session(h);
    const now = this.clock.now();
    if (!row || row.expires_at <= now) return undefined;
    const room = await this.rooms.getAny(row.room_id);
    if (!room) return undefined;
    if (now - row.seen_at > 60_000) await this.sql.touchSession(h, now, Math.min(now + SESSION_IDLE_MS, row.created_at + SESSION_MAX_MS));
    return { roomId: row.room_id, appid: room.appid, username: row.username, nickname: row.nickname, csrf: row.csrf, tokenHash: h };
  }

  signOut(s: AssistantSession): Promise<void> {
    return this.sql.deleteSession(s.tokenHash);
  }
}
