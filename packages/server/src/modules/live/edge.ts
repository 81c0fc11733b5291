/**
 * Edges (issue 13): a node asked for a stream it does not hold opens ONE internal HTTP-FLV pull from a node that has
 * it and feeds its own StreamHub (media `openRelay`), however many viewers it has. Parents are chosen through Redis:
 * the origin (the lease holder) until it feeds `fanout` edges, then the shallowest edge with room — a relay tree,
 * so the origin sends a handful of copies whatever the number of edges. When the upstream breaks (the anchor's node
 * died) the edge follows the lease to the new origin and its viewers keep their connections (timestamps continue).
 * The pull stops `lingerMs` after the edge's last viewer left.
 */
import { type MediaServer, pullFlv, type FlvPull, type RelayFeed } from '@zhibo/media';
import type { Log } from '../../lib/log.js';
import type { RedisLink } from '../../lib/redis.js';
import type { LeaseHolder, PublishLease } from './lease.js';

/** Request header of an internal pull (the pulling node's id) and the answer's chain of nodes above the server. */
export const RELAY_HEADER = 'x-zhibo-relay';
export const CHAIN_HEADER = 'x-zhibo-relay-chain';

const DEPTH = 10_000;
// KEYS: relays. ARGV: origin member, fanout, own prefix. Picks the shallowest member with room (else the least loaded).
const PICK = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], 0, ARGV[1]) end
local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local pick, score = nil, 0
for i = 1, #all, 2 do
  local m, s = all[i], tonumber(all[i + 1])
  if string.sub(m, 1, string.len(ARGV[3])) ~= ARGV[3] then
    if pick == nil then pick, score = m, s end
    if (s % ${DEPTH}) < tonumber(ARGV[2]) then pick, score = m, s break end
  end
end
if pick == nil then pick, score = ARGV[1], 0 end
redis.call('ZINCRBY', KEYS[1], 1, pick)
redis.call('PEXPIRE', KEYS[1], 3600000)
return {pick, tostring(score)}`;
// KEYS: relays. ARGV: member. One child fewer (if the member is still there).
const UNPICK = `if redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZINCRBY', KEYS[1], -1, ARGV[1]) end return 1`;

interface EdgeCommands {
  zhiboRelayPick(key: string, origin: string, fanout: number, own: string): Promise<[string, string]>;
  zhiboRelayUnpick(key: string, member: string): Promise<number>;
}

export interface EdgeOptions {
  fanout: number;
  /** a relay without viewers stops after this long */
  lingerMs: number;
  /** how long an edge whose upstream broke waits for a (new) origin before its viewers are let go */
  followMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

export class EdgeRelays {
  private readonly runs = new Map<string, EdgeRun>();

  constructor(
    readonly media: MediaServer,
    readonly lease: PublishLease,
    readonly redis: RedisLink,
    readonly nodeUrl: () => string,
    readonly log: Log,
    readonly opts: EdgeOptions,
  ) {
    redis.cmd.defineCommand('zhiboRelayPick', { numberOfKeys: 1, lua: PICK });
    redis.cmd.defineCommand('zhiboRelayUnpick', { numberOfKeys: 1, lua: UNPICK });
  }

  get cmds(): EdgeCommands {
    return this.redis.cmd as unknown as EdgeCommands;
  }

  relaysKey(streamId: string): string {
    return this.redis.key(`s${streamId}`, 'relays');
  }

  get self(): string {
    return `${this.redis.node}|${this.nodeUrl()}`;
  }

  /** A viewer wants a stream this node does not publish: relay it (once) if another node holds it. */
  ensure(streamId: string): void {
    if (this.media.hasPublisher(streamId) || this.runs.has(streamId)) return;
    const run = new EdgeRun(this, streamId);
    this.runs.set(streamId, run);
    // not awaited: the relay runs until its last viewer leaves; loop() catches and logs its own failures
    void run.loop().finally(() => {
      if (this.runs.get(streamId) === run) this.runs.delete(streamId);
    });
  }

  /** Nodes above this node's relay of a stream, then this node (the loop guard; the CHAIN_HEADER answer). */
  chain(streamId: string): string[] {
    return [...(this.runs.get(streamId)?.chain ?? []), this.redis.node];
  }

  /** Streams relayed here now (diagnostics, tests). */
  relayed(): string[] {
    return [...this.runs.keys()];
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop()));
  }
}

class EdgeRun {
  chain: string[] = [];
  private stopped = false;
  private pull: FlvPull | undefined;
  private feed: RelayFeed | undefined;
  private linger: NodeJS.Timeout | undefined;
  private done: Promise<void> | undefined;

  constructor(
    private readonly e: EdgeRelays,
    private readonly id: string,
  ) {}

  loop(): Promise<void> {
    this.done ??= this.run().catch((err: unknown) => this.e.log.error(`edge ${this.id}: ${(err as Error).stack ?? String(err)}`));
    return this.done;
  }

  private async run(): Promise<void> {
    const { media, lease, opts, log } = this.e;
    let deadline = Date.now() + opts.followMs;
    let failures = 0;
    while (!this.stopped) {
      if (media.hasPublisher(this.id)) break; // the anchor publishes here now
      const holder = await lease.holder(this.id);
      if (!holder || holder.node === lease.node) {
        // Nobody publishes (viewers wait as on any node), or the anchor is coming here; a broken relay follows a while.
        if (!this.feed || Date.now() > deadline) break;
        await sleep(200);
        continue;
      }
      const parent = await this.pick(holder);
      if (this.stopped) break;
      if (!this.feed) {
        this.feed = media.openRelay(this.id);
        this.feed.onViewers((n) => this.viewers(n));
        this.viewers(this.feed.viewers);
      }
      const feed = this.feed;
      feed.beginUpstream();
      const pull = pullFlv(`${parent.url}/live/${this.id}.flv`, { headers: { [RELAY_HEADER]: lease.node }, onTag: (t) => feed.push(t) });
      this.pull = pull;
      let opened = false;
      try {
        const h = await pull.opened;
        opened = true;
        failures = 0;
        this.chain = String(h[CHAIN_HEADER] ?? '')
          .split(',')
          .filter(Boolean);
        await this.e.redis.cmd.zadd(this.e.relaysKey(this.id), 'NX', (parent.depth + 1) * DEPTH, this.e.self).catch(() => undefined);
        log.info(`edge ${this.id}: relaying from ${parent.url} (depth ${parent.depth + 1})`);
      } catch (err) {
        // A dead origin keeps its lease up to 5 s: retry with backoff, one warning per outage.
        const line = `edge ${this.id}: pull from ${parent.url} failed: ${(err as Error).message}`;
        if (failures++ === 0) log.warn(line);
        else log.debug(line);
        if (parent.member !== `${holder.node}|${holder.url}`)
          await this.e.redis.cmd.zrem(this.e.relaysKey(this.id), parent.member).catch(() => undefined);
      }
      const why = await pull.done;
      this.pull = undefined;
      await this.e.cmds.zhiboRelayUnpick(this.e.relaysKey(this.id), parent.member).catch(() => undefined);
      if (this.stopped || feed.closed) break;
      if (opened) {
        log.info(`edge ${this.id}: upstream ${parent.url} ended (${why}); following the lease`);
        deadline = Date.now() + opts.followMs;
      } else if (Date.now() > deadline) break;
      await sleep(Math.min(1000, 100 * 2 ** failures));
    }
    await this.finish();
  }

  private async pick(holder: LeaseHolder): Promise<{ member: string; url: string; depth: number }> {
    const origin = `${holder.node}|${holder.url}`;
    try {
      const [member, score] = await this.e.cmds.zhiboRelayPick(
        this.e.relaysKey(this.id),
        origin,
        this.e.opts.fanout,
        `${this.e.lease.node}|`,
      );
      const i = member.indexOf('|');
      return { member, url: member.slice(i + 1), depth: Math.floor(Number(score) / DEPTH) };
    } catch {
      return { member: origin, url: holder.url, depth: 0 };
    }
  }

  private viewers(n: number): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (n === 0 && !this.stopped) this.linger = setTimeout(() => void this.stop(), this.e.opts.lingerMs).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pull?.abort('relay stopped');
    await this.loop();
  }

  private async finish(): Promise<void> {
    clearTimeout(this.linger);
    await this.e.redis.cmd.zrem(this.e.relaysKey(this.id), this.e.self).catch(() => undefined);
    await this.feed?.close(this.stopped ? 'no viewers left' : 'no upstream');
  }
}
