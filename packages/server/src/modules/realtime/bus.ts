/**
 * The realtime bus between the nodes that hold viewers of a room (issue 13, docs/cluster.md). Once per tick each node
 * sends one batch per room: its like taps since the last batch, its viewer count, the comments it accepted; the bus
 * answers with the room's like total. Merchant commands (present, mute, delete a comment, the comment switch, the pinned notice, a replay ready) travel
 * on the same bus. Two implementations: LocalBus (in process: the embedded default, behaviour as before) and RedisBus
 * (cluster mode: one Redis round trip per room per tick, sharded pub/sub).
 */
import type { ChatComment, RealtimeGoods } from '@zhibo/protocol';

/** What one node says about one room in one tick. */
export interface NodeBatch {
  /** this node's viewers of the room now */
  viewers: number;
  /** like taps accepted on this node since its previous batch */
  likes: number;
  /** comments accepted on this node since its previous batch, oldest first */
  comments: ChatComment[];
}

export type BusCommand =
  | { kind: 'present'; goods: RealtimeGoods | null }
  | { kind: 'mute'; openid: string; on: boolean }
  | { kind: 'deleteComment'; id: string }
  | { kind: 'comments'; closed: boolean }
  | { kind: 'notice'; text: string | null }
  | { kind: 'replays'; ready: number };

export type BusMessage =
  { kind: 'batch'; node: string; batch: NodeBatch; total: number } | { kind: 'command'; node: string; command: BusCommand };

export interface RoomBus {
  /** this node's id */
  readonly node: string;
  /** several nodes (Redis): remote batches arrive; 0 ms for the in-process bus */
  readonly clustered: boolean;
  /** where messages of watched rooms go (own ones too: a node sees its own batch come back) */
  onMessage(fn: (roomId: number, m: BusMessage) => void): void;
  /** this node has viewers in the room: receive its messages */
  watch(roomId: number): void;
  unwatch(roomId: number): void;
  /**
   * One round trip: add the likes, append the comments to the room's stream, publish the batch. `likesBase` is the
   * total this node knows (used when the bus has no total for the room, e.g. after a Redis restart). Resolves to the
   * cluster's like total; rejects when the bus is unreachable (the caller keeps the batch for the next tick).
   */
  send(roomId: number, batch: NodeBatch, likesBase: number): Promise<number>;
  /** A merchant command for every node that has viewers of the room. */
  command(roomId: number, command: BusCommand): Promise<void>;
  /** What the bus knows of a room for a new channel: like total, recent comments (oldest first); undefined: nothing. */
  load(roomId: number, recent: number): Promise<{ likes?: number; comments?: ChatComment[] }>;
  close(): Promise<void>;
}

/** The embedded default: one process, so a batch is the whole room and comes straight back. */
export class LocalBus implements RoomBus {
  readonly node = 'local';
  readonly clustered = false;
  private fn: (roomId: number, m: BusMessage) => void = () => {};

  onMessage(fn: (roomId: number, m: BusMessage) => void): void {
    this.fn = fn;
  }

  watch(): void {}

  unwatch(): void {}

  send(roomId: number, batch: NodeBatch, likesBase: number): Promise<number> {
    const total = likesBase + batch.likes;
    this.fn(roomId, { kind: 'batch', node: this.node, batch, total });
    return Promise.resolve(total);
  }

  command(): Promise<void> {
    return Promise.resolve(); // applied locally by the caller already
  }

  load(): Promise<{ likes?: number; comments?: ChatComment[] }> {
    return Promise.resolve({});
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
