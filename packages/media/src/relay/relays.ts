/** The relayed streams of a media server (edge side of a cluster, issue 13): at most one per stream id. */
import type { Logger } from '../log.js';
import { StreamHub, type HubOptions } from '../hub/stream-hub.js';
import { RelayFeed } from './relay-feed.js';

export interface RelayHost {
  logger: Logger;
  hubOptions(streamId: string, onViewers: (n: number) => void): HubOptions;
  /** a new relay hub takes the viewers waiting for the stream */
  adopt(streamId: string, hub: StreamHub): void;
}

export class Relays {
  private readonly feeds = new Map<string, RelayFeed>();

  constructor(private readonly host: RelayHost) {}

  get(streamId: string): RelayFeed | undefined {
    return this.feeds.get(streamId);
  }

  ids(): string[] {
    return [...this.feeds.keys()];
  }

  open(streamId: string): RelayFeed {
    const had = this.feeds.get(streamId);
    if (had && !had.closed) return had;
    const box: { feed?: RelayFeed } = {};
    const hub = new StreamHub(this.host.hubOptions(streamId, (n) => box.feed?.viewersChanged(n)));
    const feed = new RelayFeed(hub, async (reason) => {
      if (this.feeds.get(streamId) === feed) this.feeds.delete(streamId);
      if (!hub.isClosed) this.host.logger.info(`media: relay ${streamId} closed: ${reason}`);
      await hub.close(reason);
    });
    box.feed = feed;
    this.feeds.set(streamId, feed);
    this.host.logger.info(`media: relay ${streamId} open`);
    this.host.adopt(streamId, hub);
    return feed;
  }

  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => f.close(reason)));
  }
}
