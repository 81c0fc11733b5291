/**
 * One room's members and state. A room-wide message is serialized once into a Buffer and the same
 * Buffer goes to every member; likes and viewer counts are merged per tick.
 */
import type { WebSocket } from 'ws';
import type { ChatComment, LiveStatus, RealtimeGoods, RoomSnapshot, ServerMessage } from '@zhibo/protocol';
import type { Socket } from 'node:net';
import { framePayload, rawSocket, textFrame } from './frame.js';
import { RoomLimits } from './limits.js';
import { NetState } from './net-state.js';

/** Non-essential messages are dropped for a socket over the soft limit; essential ones are not. */
export const Essential = { yes: true, no: false } as const;

export interface SendLimits {
  softLimitBytes: number;
  hardLimitBytes: number;
  /** a socket just went over the soft limit (the gateway watches it from now on) */
  lagging(c: Conn): void;
}

/** One WebSocket: a room viewer or a site connection (small: rate limits live in the room, per viewer and address). */
export class Conn {
  alive = true;
  /** new: no hello yet; pending: hello being processed; joined; closed */
  state: 'new' | 'pending' | 'joined' | 'closed' = 'new';
  openid = '';
  /** a chosen nick ('' = the default nick derived from the openid, made when needed) */
  nick = '';
  channel: RoomChannel | undefined;
  siteKey: string | undefined;
  /** the client takes `chat_batch` frames (hello.chatBatch) */
  chatBatch = false;
  /** ticks spent over the soft limit (0: under it) */
  overTicks = 0;
  /** tick at which the socket was opened (hello timeout) or closed (terminate deadline) */
  mark: number;
  /** the client address (ipKey: IPv4, IPv6 /64) for per-address limits */
  ip = '';
  /** muted because a muted viewer's address covers this new device id (the muted openid), not by its own mute */
  mutedBy: string | undefined;
  /** frame flood guard: frames counted in the current fixed window (small integers: no allocation) */
  frameWindow = 0;
  frames = 0;
  /** the TCP socket frames are written to (undefined: fall back to ws.send) */
  readonly sock: Socket | undefined;
  constructor(
    readonly ws: WebSocket,
    readonly kind: 'room' | 'site',
    tick: number,
    /** for site connections: the appid of the URL */
    readonly appid = '',
  ) {
    this.mark = tick;
    this.sock = rawSocket(ws);
  }

  /** Bytes written but not yet taken by the kernel. */
  get buffered(): number {
    return this.sock ? this.sock.writableLength : this.ws.bufferedAmount;
  }
}

export type SendResult = 'sent' | 'dropped' | 'overflow';

const TEXT = { binary: false } as const;

/** Write one frame (textFrame) to one socket, applying the soft/hard limits. */
export function sendTo(c: Conn, frame: Buffer, essential: boolean, limits: SendLimits): SendResult {
  if (c.state === 'closed' || c.ws.readyState !== 1) return 'dropped';
  const buffered = c.buffered;
  if (buffered > limits.hardLimitBytes) return 'overflow';
  if (buffered > limits.softLimitBytes) {
    if (c.overTicks === 0) {
      c.overTicks = 1;
      limits.lagging(c);
    }
    if (!essential) return 'dropped';
  } else c.overTicks = 0;
  if (c.sock) c.sock.write(frame);
  else c.ws.send(framePayload(frame), TEXT);
  return 'sent';
}

/** A message as a ready-to-write WebSocket frame. */
export const encode = (m: ServerMessage): Buffer => textFrame(JSON.stringify(m));

type RoomMessage = Extract<ServerMessage, { seq: number }>;
type Unsequenced<M> = M extends unknown ? Omit<M, 'seq'> : never;

export interface RoomFields {
  liveStatus: LiveStatus;
  name: string;
  anchorName: string;
  anchorImg: string;
  coverImg: string;
  shareImg: string;
  screenType: number;
  closeComment: boolean;
  closeLike: boolean;
  closeGoods: boolean;
}

export class RoomChannel {
  readonly members = new Set<Conn>();
  seq = 0;
  likes: number;
  likesDelta = 0;
  peak: number;
  mediaViewers = 0;
  /** cluster mode: what this node sent and heard on the bus (the embedded bus keeps it trivial) */
  readonly net = new NetState();
  private lastViewers = -1;
  /** ticks since the room became empty (channels linger a while, then are dropped) */
  emptyTicks = 0;
  /** the notice pinned above the chat */
  notice: string | null = null;
  /** the snapshot JSON, rebuilt at most once per change */
  private snapshot: string | undefined;
  /** chat and like buckets per viewer and per address; addresses covered by a mute */
  readonly guard = new RoomLimits();

  constructor(
    readonly roomId: number,
    readonly appid: string,
    public room: RoomFields,
    public goods: RealtimeGoods[],
    public presented: RealtimeGoods | null,
    readonly comments: ChatComment[],
    readonly mutes: Set<string>,
    totals: { likes: number; peak: number },
    private readonly limits: SendLimits,
    private readonly recentMax: number,
    /** called with members whose buffer went over the hard limit */
    private readonly overflow: (c: Conn) => void,
  ) {
    this.likes = totals.likes;
    this.peak = totals.peak;
    this.net.sentLikes = totals.likes;
  }

  /** This node's viewers of the room: WebSocket members or media players, whichever is more. */
  get localViewers(): number {
    return Math.max(this.members.size, this.mediaViewers);
  }

  /** The room's viewers: this node's and (cluster mode) every other node's heard from lately. */
  get viewers(): number {
    return this.localViewers + this.net.others;
  }

  /** Serialize once, send the same Buffer to every member (or only to those whose chatBatch is `batch`). */
  publish(m: Unsequenced<RoomMessage>, essential: boolean, batch?: boolean): void {
    this.snapshot = undefined;
    const { type, ...rest } = m;
    const data = textFrame(JSON.stringify({ type, seq: ++this.seq, ...rest }));
    for (const c of this.members) {
      if (batch !== undefined && c.chatBatch !== batch) continue;
      if (sendTo(c, data, essential, this.limits) === 'overflow') this.overflow(c);
    }
  }

  /** Send to this room's connections of one viewer (mutes, personal notices). */
  sendToViewer(openid: string, m: ServerMessage): void {
    const data = encode(m);
    for (const c of this.members) if (c.openid === openid && sendTo(c, data, true, this.limits) === 'overflow') this.overflow(c);
  }

  /**
   * A comment accepted on this node (`local`: to the bus next tick, at once to clients without chatBatch) or heard
   * from another node (to those clients with the next tick, up to the display cap); chat_batch clients get it with
   * the next tick either way.
   */
  addComment(c: ChatComment, local = true): void {
    this.comments.push(c);
    if (this.comments.length > this.recentMax) this.comments.splice(0, this.comments.length - this.recentMax);
    this.net.display.push(c);
    if (local) {
      this.net.outbox.push(c);
      this.publish({ type: 'chat', ...c }, Essential.no, false);
    } else {
      this.net.remote.push(c);
      this.snapshot = undefined;
    }
  }

  /** Remove a comment from the recent list and tell everyone; true when it was in memory. */
  deleteComment(id: string): boolean {
    const i = this.comments.findIndex((c) => c.id === id);
    if (i >= 0) this.comments.splice(i, 1);
    this.publish({ type: 'chatDeleted', id }, Essential.yes);
    return i >= 0;
  }

  /** Once per tick (realtime/sync.ts): the like total and the viewer count when changed. True when the peak grew. */
  present(): boolean {
    if (this.likes > this.net.sentLikes) {
      const delta = this.likes - this.net.sentLikes;
      this.net.sentLikes = this.likes;
      this.publish({ type: 'likes', total: this.likes, delta }, Essential.no);
    }
    const count = this.viewers;
    let peakChanged = false;
    if (count > this.peak) {
      this.peak = count;
      peakChanged = true;
    }
    if (count !== this.lastViewers) {
      this.lastViewers = count;
      this.publish({ type: 'viewers', count, peak: this.peak }, Essential.no);
    }
    return peakChanged;
  }

  snapshotJson(): string {
    if (this.snapshot === undefined) {
      const s: RoomSnapshot = {
        roomId: this.roomId,
        ...this.room,
        goods: this.room.closeGoods ? [] : this.goods,
        presented: this.room.closeGoods ? null : this.presented,
        viewers: { count: this.viewers, peak: Math.max(this.peak, this.viewers) },
        likes: this.likes + this.likesDelta + this.net.unsentLikes,
        comments: this.comments,
        notice: this.notice,
      };
      this.snapshot = JSON.stringify(s);
    }
    return this.snapshot;
  }

  /** Some member takes `chat_batch` frames (batch true) / `chat` frames (batch false). */
  hasMembers(batch: boolean): boolean {
    for (const c of this.members) if (c.chatBatch === batch) return true;
    return false;
  }

  /** Something in the snapshot changed without a publish. */
  touch(): void {
    this.snapshot = undefined;
  }
}
