/** What one connection may say: hello (room or site), then chat, like and ping. */
import { decodeJwt } from 'jose';
import {
  CloseCode,
  compareVersions,
  LiveStatus,
  RealtimeErrorCode,
  RealtimeLimits,
  type RoomHello,
  type ServerMessage,
  type SiteLiveRoom,
} from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import { randomToken } from '../../lib/crypto.js';
import type { Conn, RoomChannel } from './channel.js';
import { textFrame } from './frame.js';
import type { RealtimeDeps } from './gateway.js';
import type { RealtimeOptions } from './options.js';
import { checkChatText, cleanNick, defaultNick, entryKindOf, parseRoomHello } from './rules.js';

/** The gateway as seen by a session (kept narrow so the rules here stay readable). */
export interface SessionHost {
  readonly deps: RealtimeDeps;
  readonly options: RealtimeOptions;
  readonly channels: { open(roomId: number): Promise<RoomChannel | undefined> };
  kick(c: Conn, code: number, reason: string): void;
  reply(c: Conn, m: ServerMessage): void;
  send(c: Conn, data: Buffer, essential?: boolean): void;
  joinRoom(c: Conn, ch: RoomChannel): void;
  joinSite(c: Conn, key: string): void;
}

const FINAL: readonly number[] = [LiveStatus.Ended, LiveStatus.Banned, LiveStatus.Expired];

export function handleFrame(h: SessionHost, c: Conn, data: Buffer, isBinary: boolean): void {
  if (c.state === 'closed') return;
  const now = h.deps.clock.now();
  const o = h.options;
  const w = Math.floor(now / o.frameWindowMs);
  if (c.frameWindow !== w) {
    c.frameWindow = w;
    c.frames = 0;
  }
  if (++c.frames > o.framesPerWindow) return h.kick(c, CloseCode.ProtocolViolation, 'too many frames');
  const first = c.state === 'new';
  let m: Record<string, unknown> | undefined;
  if (!isBinary) {
    try {
      const v: unknown = JSON.parse(data.toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string')
        m = v as Record<string, unknown>;
    } catch {
      m = undefined;
    }
  }
  if (first) {
    if (!m || m.type !== 'hello') return h.kick(c, CloseCode.BadHello, 'the first message must be hello');
    c.state = 'pending';
    const done = c.kind === 'room' ? roomHello(h, c, m) : siteHello(h, c, m);
    done.catch((e: unknown) => {
      h.deps.log.error(`realtime: hello failed: ${(e as Error).stack ?? String(e)}`);
      h.kick(c, CloseCode.ServerShutdown, 'server error');
    });
    return;
  }
  if (!m)
    return h.kick(
      c,
      CloseCode.ProtocolViolation,
      isBinary ? 'binary frames are not part of the protocol' : 'frames must be JSON objects with a type',
    );
  switch (m.type) {
    case 'ping':
      return h.reply(c, { type: 'pong', at: now });
    case 'hello':
      return h.kick(c, CloseCode.ProtocolViolation, 'hello was already sent');
    case 'chat':
    case 'like':
      if (c.state !== 'joined' || !c.channel)
        return h.reply(c, { type: 'error', code: RealtimeErrorCode.BadMessage, message: 'wait for welcome before sending' });
      return m.type === 'chat' ? chat(h, c, c.channel, m.text, now) : like(h, c, c.channel, m.count, now);
    default:
      return h.kick(c, CloseCode.ProtocolViolation, `unknown message type`);
  }
}

function err(h: SessionHost, c: Conn, code: RealtimeErrorCode, message: string): void {
  h.reply(c, { type: 'error', code, message });
}

function chat(h: SessionHost, c: Conn, ch: RoomChannel, raw: unknown, now: number): void {
  if (FINAL.includes(ch.room.liveStatus)) return err(h, c, RealtimeErrorCode.RoomClosed, `the room is ${ch.room.liveStatus}: chat is over`);
  if (ch.room.closeComment) return err(h, c, RealtimeErrorCode.CommentsClosed, 'comments are closed in this room');
  if (ch.mutes.has(c.openid) || c.mutedBy) return err(h, c, RealtimeErrorCode.Muted, 'you are muted in this room');
  const t = checkChatText(raw);
  if (!t.ok) return err(h, c, t.code, t.message);
  const o = h.options;
  // Per viewer (all their connections) and per address (all its device ids), never per connection.
  if (!ch.guard.chat(c.openid, c.ip, now, o))
    return err(
      h,
      c,
      RealtimeErrorCode.RateLimited,
      `at most ${o.chatBurst} messages per ${o.chatWindowMs / 1000} s (${o.chatPerIp} per address)`,
    );
  const comment = { id: randomToken(9), openid: c.openid, nick: c.nick || defaultNick(c.openid), text: t.text, at: now };
  h.deps.store.queueComment(ch.roomId, comment);
  ch.addComment(comment);
}

function like(h: SessionHost, c: Conn, ch: RoomChannel, count: unknown, now: number): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > RealtimeLimits.likeMaxBatch)
    return err(h, c, RealtimeErrorCode.BadMessage, `like count must be an integer 1..${RealtimeLimits.likeMaxBatch}`);
  if (ch.room.closeLike) return err(h, c, RealtimeErrorCode.LikesClosed, 'likes are closed in this room');
  if (FINAL.includes(ch.room.liveStatus)) return err(h, c, RealtimeErrorCode.RoomClosed, `the room is ${ch.room.liveStatus}`);
  ch.likesDelta += ch.guard.likes(c.openid, c.ip, count, now, h.options, RealtimeLimits.likeMaxBatch);
}

/** The merchant's viewer token may carry a display nick (`nick` claim); it was verified by IdentityService. */
function tokenNick(token: string | undefined): string | undefined {
  if (!token) return undefined;
  try {
    return cleanNick(decodeJwt(token).nick);
  } catch {
    return undefined;
  }
}

async function roomHello(h: SessionHost, c: Conn, m: Record<string, unknown>): Promise<void> {
  const d = h.deps;
  const hello: RoomHello | undefined = parseRoomHello(m, CUSTOM_PARAMS_MAX);
  if (!hello) return h.kick(c, CloseCode.BadHello, 'hello needs v: 1, a roomId and an sdkVersion');
  if (compareVersions(hello.sdkVersion, d.minSdkVersion()) < 0)
    return h.kick(c, CloseCode.VersionTooOld, `sdk older than ${d.minSdkVersion()}`);
  const cached = d.rooms.cachedStatus(hello.roomId);
  if (!cached) return h.kick(c, CloseCode.UnknownRoom, 'no such room');
  if (cached.status === LiveStatus.Banned) return h.kick(c, CloseCode.RoomBanned, 'room banned');
  const who = await d.identity.viewer(cached.appid, hello.deviceId, hello.viewerToken);
  if (!who) return h.kick(c, CloseCode.BadHello, 'a device id or a valid viewer token is required');
  const ch = await h.channels.open(hello.roomId);
  if (c.state === 'closed') return;
  if (!ch) return h.kick(c, CloseCode.UnknownRoom, 'no such room');
  if (ch.room.liveStatus === LiveStatus.Banned) return h.kick(c, CloseCode.RoomBanned, 'room banned');
  c.openid = d.identity.openid(cached.appid, who);
  c.nick = (who.kind === 'user' ? tokenNick(hello.viewerToken) : cleanNick(hello.nick)) ?? '';
  await coverByAddressMute(h, c, ch, who.kind);
  if ((c.state as Conn['state']) === 'closed') return;
  const session = hello.resume?.session ?? randomToken(12);
  c.chatBatch = hello.chatBatch === true;
  h.joinRoom(c, ch);
  const head = JSON.stringify({
    type: 'welcome',
    seq: ch.seq,
    openid: c.openid,
    nick: c.nick || defaultNick(c.openid),
    session,
    resumed: hello.resume !== undefined,
    mutedSelf: ch.mutes.has(c.openid) || c.mutedBy !== undefined,
    heartbeatMs: h.options.heartbeatMs,
  });
  h.send(c, textFrame(`${head.slice(0, -1)},"room":${ch.snapshotJson()}}`));
  if (hello.resume && !hello.resume.session) return;
  recordEntry(h, c, hello, session);
}

/**
 * A mute covers the muted viewer's address (docs/realtime.md): a muted openid joining marks its address; a device id
 * first seen in the room after that mute, joining from a marked address, is muted too. Merchant-verified viewers
 * (viewer tokens) are individuals and never muted by address.
 */
async function coverByAddressMute(h: SessionHost, c: Conn, ch: RoomChannel, kind: 'device' | 'user'): Promise<void> {
  const now = h.deps.clock.now();
  if (ch.mutes.has(c.openid)) {
    ch.guard.muteAddress(c.ip, c.openid, openidsFrom(ch, c.ip), now, h.options.muteByIpMs);
    return;
  }
  if (kind !== 'device') return;
  const m = ch.guard.mutedAddress(c.ip, now);
  if (!m || m.exempt.has(c.openid)) return;
  if (await h.deps.store.seenBefore(ch.roomId, c.openid, m.at)) m.exempt.add(c.openid);
  else c.mutedBy = m.by;
}

/** The openids in a room connected from one address. */
export function openidsFrom(ch: RoomChannel, ip: string): string[] {
  const out: string[] = [];
  for (const m of ch.members) if (m.ip === ip) out.push(m.openid);
  return out;
}

/** S-ENTRY-3 / S-PARAMS-3: one entry per (room, openid, session); a verified share adds an edge. */
function recordEntry(h: SessionHost, c: Conn, hello: RoomHello, session: string): void {
  const d = h.deps;
  const e = hello.entry;
  let verified = false;
  if (e?.share_openid) {
    verified = d.identity.verifyShare(hello.roomId, e.share_openid, e.share_sig ?? '');
    if (!verified)
      d.log.debug(`realtime: room ${hello.roomId}: share_openid ${e.share_openid.slice(0, 32)} did not verify; entry counted as direct`);
  }
  const refused = d.quota?.take('entries', c.channel?.appid ?? '', { viewer: c.openid, ip: c.ip });
  if (refused) {
    d.log.debug(`realtime: room ${hello.roomId}: entry not stored (${refused} quota)`);
    return;
  }
  const at = d.clock.now();
  const kind = entryKindOf(e, verified);
  d.store.queueEntry({
    roomId: hello.roomId,
    openid: c.openid,
    session,
    kind,
    shareOpenid: verified ? e!.share_openid! : null,
    customParams: e?.custom_params ?? '',
    at,
  });
  if (verified && e!.share_openid !== c.openid)
    d.store.queueEdge({ roomId: hello.roomId, sharer: e!.share_openid!, viewer: c.openid, scene: e!.scene ?? null, at });
}

async function siteHello(h: SessionHost, c: Conn, m: Record<string, unknown>): Promise<void> {
  const d = h.deps;
  const str = (v: unknown, max: number) => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);
  const sdkVersion = str(m.sdkVersion, 32);
  if (m.v !== 1 || !sdkVersion) return h.kick(c, CloseCode.BadHello, 'hello needs v: 1 and an sdkVersion');
  if (compareVersions(sdkVersion, d.minSdkVersion()) < 0) return h.kick(c, CloseCode.VersionTooOld, `sdk older than ${d.minSdkVersion()}`);
  const app = c.appid && c.appid.length <= 64 ? await d.apps.get(c.appid) : undefined;
  if (!app) return h.kick(c, CloseCode.UnknownRoom, 'no such appid (use /ws/site?appid=APPID)');
  const who = await d.identity.viewer(c.appid, str(m.deviceId, 64), str(m.viewerToken, 2048));
  if (c.state === 'closed') return;
  if (!who) return h.kick(c, CloseCode.BadHello, 'a device id or a valid viewer token is required');
  c.openid = d.identity.openid(c.appid, who);
  // Rooms this viewer subscribed to that are live now: a page opened after the go-live still shows the reminder.
  const live: SiteLiveRoom[] = [];
  for (const id of (await d.viewerRooms?.(c.appid, c.openid)) ?? []) {
    if (d.rooms.cachedStatus(id)?.status !== LiveStatus.Live) continue;
    const room = await d.rooms.getAny(id);
    if (room) live.push({ roomId: id, roomName: room.name });
  }
  if ((c.state as string) === 'closed') return; // closed while we read
  h.joinSite(c, `${c.appid}\0${c.openid}`);
  h.reply(c, { type: 'siteWelcome', openid: c.openid, appid: c.appid, heartbeatMs: h.options.heartbeatMs, live });
}
