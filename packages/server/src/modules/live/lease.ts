/**
 * Cluster mode's one-publisher rule (issue 13): a Redis lease per stream, `SET NX PX`, renewed while the stream lives
 * on this node, recording which node holds it (id and internal URL: edges pull from there). Two encoders racing to
 * two nodes: exactly one gets the lease. Video never depends on Redis: while Redis is unreachable a node lets its own
 * publisher in (the local one-publisher check still holds) and says so in the log.
 */
import type { Log } from '../../lib/log.js';
import type { RedisLink } from '../../lib/redis.js';

export interface LeaseHolder {
  node: string;
  url: string;
}

/** KEYS: lease. ARGV: value, ttl, node prefix ("node|"). Takes or renews the lease; returns the holder's value. */
const TAKE = `
local v = redis.call('GET', KEYS[1])
if (not v) or string.sub(v, 1, string.len(ARGV[3])) == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return v`;
/** KEYS: lease. ARGV: node prefix. Deletes the lease if this node holds it. */
const DROP = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

interface LeaseCommands {
  zhiboLeaseTake(key: string, value: string, ttl: number, prefix: string): Promise<string>;
  zhiboLeaseDrop(key: string, prefix: string): Promise<number>;
}

const LEASE_TTL_MS = 5000;
const RENEW_MS = 1500;

export class PublishLease {
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisLink,
    private readonly nodeUrl: () => string,
    private readonly hasPublisher: (streamId: string) => boolean,
    private readonly log: Log,
  ) {
    redis.cmd.defineCommand('zhiboLeaseTake', { numberOfKeys: 1, lua: TAKE });
    redis.cmd.defineCommand('zhiboLeaseDrop', { numberOfKeys: 1, lua: DROP });
  }

  get node(): string {
    return this.redis.node;
  }

  private get c(): LeaseCommands {
    return this.redis.cmd as unknown as LeaseCommands;
  }

  key(streamId: string): string {
    return this.redis.key(`s${streamId}`, 'lease');
  }

  private value(): string {
    return `${this.redis.node}|${this.nodeUrl()}`;
  }

  /** Take (or renew) the stream's lease: undefined when this node has it, else who holds it. */
  async take(streamId: string): Promise<LeaseHolder | undefined> {
    let v: string;
    try {
      v = await this.c.zhiboLeaseTake(this.key(streamId), this.value(), LEASE_TTL_MS, `${this.redis.node}|`);
    } catch (e) {
      this.log.warn(`publish lease: Redis unreachable (${(e as Error).message}); stream ${streamId} may publish on this node alone`);
      this.held.set(streamId, Date.now());
      return undefined;
    }
    const h = parse(v);
    if (h && h.node !== this.redis.node) return h;
    this.held.set(streamId, Date.now());
    this.start();
    return undefined;
  }

  /** Who holds the stream's lease (undefined: nobody, or Redis is unreachable). */
  async holder(streamId: string): Promise<LeaseHolder | undefined> {
    try {
      return parse(await this.redis.cmd.get(this.key(streamId)));
    } catch {
      return undefined;
    }
  }

  /** The stream stopped here: let the lease go at once (the anchor may republish anywhere). */
  async release(streamId: string): Promise<void> {
    this.held.delete(streamId);
    await this.c.zhiboLeaseDrop(this.key(streamId), `${this.redis.node}|`).catch(() => undefined);
  }

  private start(): void {
    this.timer ??= setInterval(() => void this.renew(), RENEW_MS).unref();
  }

  private async renew(): Promise<void> {
    for (const [id, since] of [...this.held]) {
      // Taken but never published (the connection went away before it started): let it lapse.
      if (!this.hasPublisher(id)) {
        // not awaited: the renew pass goes on; release() swallows a Redis failure (the lease then lapses by its TTL)
        if (Date.now() - since > LEASE_TTL_MS) void this.release(id);
        continue;
      }
      try {
        const h = parse(await this.c.zhiboLeaseTake(this.key(id), this.value(), LEASE_TTL_MS, `${this.redis.node}|`));
        if (h && h.node !== this.redis.node)
          this.log.warn(`publish lease: stream ${id} is leased to node ${h.node} (${h.url}) while it publishes here`);
      } catch {
        // Redis away: keep publishing, retry next round.
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.held.keys()].map((id) => this.release(id)));
  }
}

function parse(v: string | null | undefined): LeaseHolder | undefined {
  if (!v) return undefined;
  const i = v.indexOf('|');
  return i > 0 ? { node: v.slice(0, i), url: v.slice(i + 1) } : undefined;
}
