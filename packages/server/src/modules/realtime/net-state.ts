/** A room's cross-node state on one node (realtime/sync.ts): what it has not sent yet, what it heard. */
import type { ChatComment } from '@zhibo/protocol';

/** Per room: what this node has not sent yet and what it heard from the others. */
export class NetState {
  /** comments accepted here since the last batch that reached the bus */
  outbox: ChatComment[] = [];
  /** like taps accepted here not yet on the bus */
  unsentLikes = 0;
  inflight = false;
  lastViewersSent = -1;
  ticksSinceSend = 0;
  /** other nodes' viewer counts and when they were heard */
  readonly nodes = new Map<string, { viewers: number; at: number }>();
  /** viewers of the other nodes (fresh ones) */
  others = 0;
  /** the like total last sent to viewers */
  sentLikes = 0;
  /** comments for this tick's chat_batch / remote chat frames */
  display: ChatComment[] = [];
  remote: ChatComment[] = [];
}
