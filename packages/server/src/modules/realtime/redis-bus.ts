/**
 * The realtime bus on Redis 7 (cluster mode, docs/cluster.md). Per room (keys share the hash tag `{r<id>}`):
 *   likes    the like total (INCRBY by each node's delta)
 *   chat     a capped stream of the accepted comments (ordering; history for the welcome snapshot)
 *   deleted  ids of deleted comments (left out of that history)
 *   bus      the sharded channel (SPUBLISH) every node with viewers of the room subscribes to (SSUBSCRIBE)
 * One tick of one room on one node is one EVALSHA: INCRBY, XADD per comment, SPUBLISH of the batch with the new total.
 */
import type { ChatComment } from '@zhibo/protocol';
import type { Log } from '../../lib/log.js';
import type { RedisLink } from '../../lib/redis.js';
import type { BusCommand, BusMessage, NodeBatch, RoomBus } from './bus.js';

/** Comments kept per room in the stream (approximately: MAXLEN ~). */
const STREAM_MAX = 1000;
/** Room keys live this long after their last write. */
const KEEP_MS = 2 * 24 * 3600 * 1000;

// KEYS: likes, stream, channel. ARGV: delta, base, maxlen, keepMs, message head, n, comment 1..n.
const TICK = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local n = tonumber(ARGV[6])
for i = 1, n do redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'c', ARGV[6 + i]) end
if n > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
redis.call('SPUBLISH', KEYS[3], ARGV[5] .. total .. '}')
return total`;

type Wire = { n: string; b?: { v: number; l: number; c: ChatComment[] }; t?: number; x?: BusCommand };

interface TickCommand {
  zhiboTick(likes: string, stream: string, channel: string, ...args: Array<string | number>): Promise<number>;
}

export class RedisBus implements RoomBus {
  readonly clustered = true;
  private fn: (roomId: number, m: BusMessage) => void = () => {};
  private readonly watched = new Set<number>();
  private readonly byChannel = new Map<string, number>();

  constructor(
    private readonly redis: RedisLink,
    private readonly log: Log,
  ) {
    redis.cmd.defineCommand('zhiboTick', { numberOfKeys: 3, lua: TICK });
    redis.sub.on('smessageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
  }

  get node(): string {
    return this.redis.node;
  }

  private keys(roomId: number): { likes: string; chat: string; deleted: string; bus: string } {
    const tag = `r${roomId}`;
    return {
      likes: this.redis.key(tag, 'likes'),
      chat: this.redis.key(tag, 'chat'),
      deleted: this.redis.key(tag, 'deleted'),
      bus: this.redis.key(tag, 'bus'),
    };
  }

  onMessage(fn: (roomId: number, m: BusMessage) => void): void {
    this.fn = fn;
  }

  watch(roomId: number): void {
    if (this.watched.has(roomId)) return;
    this.watched.add(roomId);
    const ch = this.keys(roomId).bus;
    this.byChannel.set(ch, roomId);
    this.redis.sub
      .ssubscribe(ch)
      .catch((e: unknown) => this.log.warn(`realtime bus: subscribing room ${roomId} failed: ${(e as Error).message}`));
  }

  unwatch(roomId: number): void {
    if (!this.watched.delete(roomId)) return;
    const ch = this.keys(roomId).bus;
    this.byChannel.delete(ch);
    this.redis.sub.sunsubscribe(ch).catch(() => undefined);
  }

  private receive(channel: string, message: Buffer): void {
    const roomId = this.byChannel.get(channel);
    if (roomId === undefined) return;
    let w: Wire;
    try {
      w = JSON.parse(message.toString('utf8')) as Wire;
    } catch {
      return;
    }
    if (w.b && typeof w.t === 'number')
      this.fn(roomId, { kind: 'batch', node: w.n, batch: { viewers: w.b.v, likes: w.b.l, comments: w.b.c }, total: w.t });
    else if (w.x) this.fn(roomId, { kind: 'command', node: w.n, command: w.x });
  }

  async send(roomId: number, batch: NodeBatch, likesBase: number): Promise<number> {
    const k = this.keys(roomId);
    // The message ends with the total, which only Redis knows: the script appends it and the closing brace.
    const head = `${JSON.stringify({ n: this.node, b: { v: batch.viewers, l: batch.likes, c: batch.comments } }).slice(0, -1)},"t":`;
    const comments = batch.comments.map((c) => JSON.stringify(c));
    const total = await (this.redis.cmd as unknown as TickCommand).zhiboTick(
      k.likes,
      k.chat,
      k.bus,
      batch.likes,
      likesBase,
      STREAM_MAX,
      KEEP_MS,
      head,
      comments.length,
      ...comments,
    );
    return Number(total);
  }

  async command(roomId: number, command: BusCommand): Promise<void> {
    const k = this.keys(roomId);
    const m = this.redis.cmd.multi();
    if (command.kind === 'deleteComment') m.sadd(k.deleted, command.id).pexpire(k.deleted, KEEP_MS);
    m.spublish(k.bus, JSON.stringify({ n: this.node, x: command } satisfies Wire));
    await m.exec();
  }

  async load(roomId: number, recent: number): Promise<{ likes?: number; comments?: ChatComment[] }> {
    const k = this.keys(roomId);
    try {
      const [likes, entries, deleted] = await Promise.all([
        this.redis.cmd.get(k.likes),
        this.redis.cmd.xrevrange(k.chat, '+', '-', 'COUNT', recent * 2),
        this.redis.cmd.smembers(k.deleted),
      ]);
      const gone = new Set(deleted);
      const comments: ChatComment[] = [];
      for (const [, fields] of entries) {
        if (fields[0] !== 'c' || fields[1] === undefined) continue;
        const c = JSON.parse(fields[1]) as ChatComment;
        if (!gone.has(c.id)) comments.push(c);
        if (comments.length >= recent) break;
      }
      return { ...(likes !== null ? { likes: Number(likes) } : {}), ...(entries.length ? { comments: comments.reverse() } : {}) };
    } catch (e) {
      this.log.warn(`realtime bus: loading room ${roomId} from Redis failed (${(e as Error).message}); using the database`);
      return {};
    }
  }

  close(): Promise<void> {
    for (const id of [...this.watched]) this.unwatch(id);
    return Promise.resolve();
  }
}
