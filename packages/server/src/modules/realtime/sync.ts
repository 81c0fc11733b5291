/**
 * A room across nodes (issue 13): once per tick each room sends this node's batch on the bus (likes delta, viewer
 * count, accepted comments) and then presents what the bus said to the room's viewers — the like total, the viewer
 * total (this node + every node heard from in the last 3 s), one `chat_batch` per viewer with up to the display cap.
 * With the in-process bus (embedded default) the batch comes straight back and the room behaves as it always did.
 */
import type { Log } from '../../lib/log.js';
import type { BusCommand, BusMessage, RoomBus } from './bus.js';
import { Essential, type RoomChannel } from './channel.js';
import { openidsFrom } from './session.js';
import type { RealtimeStore } from './store.js';

/** A node not heard from for this long drops out of the room's viewer total. */
const NODE_SILENCE_MS = 3000;
/** A node with nothing new still sends its batch this often (so it stays in the total). */
const HEARTBEAT_TICKS = 5;
/** Comments kept for the bus while it is unreachable (they are stored in the database whatever happens). */
const MAX_UNSENT = 2000;

/** What a mute needs besides the channel: the time and how long a mute by address lasts (docs/realtime.md). */
export interface MuteClock {
  now(): number;
  muteByIpMs(): number;
}

/** Apply a merchant command to an open channel (from this node's API, or from another node through the bus). */
function applyCommand(ch: RoomChannel, cmd: BusCommand, clock: MuteClock): void {
  switch (cmd.kind) {
    case 'present':
      ch.presented = cmd.goods;
      ch.publish({ type: 'present', goods: cmd.goods }, Essential.yes);
      return;
    case 'mute':
      applyMute(ch, cmd.openid, cmd.on, clock);
      return;
    case 'deleteComment':
      ch.deleteComment(cmd.id);
      return;
    case 'comments':
      if (ch.room.closeComment === cmd.closed) return;
      ch.room = { ...ch.room, closeComment: cmd.closed };
      ch.publish({ type: 'comments', closed: cmd.closed }, Essential.yes);
      return;
    case 'notice':
      ch.notice = cmd.text;
      ch.publish({ type: 'notice', text: cmd.text }, Essential.yes);
      return;
    case 'replays':
      ch.publish({ type: 'replays', ready: cmd.ready }, Essential.yes);
      return;
  }
}

/**
 * A mute on this node's members: the viewer is told, and the mute also covers new anonymous device ids from the
 * viewer's addresses here (docs/realtime.md); unmuting lifts that.
 */
function applyMute(ch: RoomChannel, openid: string, on: boolean, clock: MuteClock): void {
  if (ch.mutes.has(openid) !== on) {
    if (on) ch.mutes.add(openid);
    else ch.mutes.delete(openid);
    ch.sendToViewer(openid, { type: 'muted', you: on });
  }
  const now = clock.now();
  if (on)
    for (const c of ch.members) {
      if (c.openid === openid) ch.guard.muteAddress(c.ip, openid, openidsFrom(ch, c.ip), now, clock.muteByIpMs());
    }
  else {
    ch.guard.unmuteAddresses(openid);
    for (const c of ch.members)
      if (c.mutedBy === openid) {
        c.mutedBy = undefined;
        ch.sendToViewer(c.openid, { type: 'muted', you: false });
      }
  }
}

export class RoomSync {
  constructor(
    readonly bus: RoomBus,
    private readonly store: RealtimeStore,
    private readonly log: Log,
    private readonly channel: (roomId: number) => RoomChannel | undefined,
    private readonly displayCap: () => number,
    private readonly clock: MuteClock,
  ) {
    bus.onMessage((roomId, m) => this.receive(roomId, m));
  }

  /** Hand this tick's local likes to storage and this node's batch to the bus (at most one round trip in flight). */
  tick(ch: RoomChannel): void {
    const net = ch.net;
    const delta = ch.likesDelta;
    ch.likesDelta = 0;
    if (delta > 0) this.store.addTotals(ch.roomId, delta, ch.peak);
    net.unsentLikes += delta;
    net.ticksSinceSend++;
    const viewers = ch.localViewers;
    if (net.inflight) return;
    if (!net.outbox.length && !net.unsentLikes && viewers === net.lastViewersSent && net.ticksSinceSend < HEARTBEAT_TICKS) return;
    const comments = net.outbox;
    const likes = net.unsentLikes;
    net.outbox = [];
    net.unsentLikes = 0;
    net.inflight = true;
    net.ticksSinceSend = 0;
    this.bus.send(ch.roomId, { viewers, likes, comments }, ch.likes).then(
      (total) => {
        net.inflight = false;
        net.lastViewersSent = viewers;
        if (total > ch.likes) ch.likes = total;
      },
      (e: unknown) => {
        // Keep the batch for the next tick (the database has it already).
        net.inflight = false;
        net.lastViewersSent = -1;
        net.unsentLikes += likes;
        net.outbox = [...comments, ...net.outbox].slice(-MAX_UNSENT);
        this.log.debug(`realtime bus: room ${ch.roomId}: batch not sent (${(e as Error).message}); retrying next tick`);
      },
    );
  }

  /** After the tick (clustered: once the nodes' batches are in): like total, viewer total, chat frames. */
  present(ch: RoomChannel, now: number): boolean {
    const net = ch.net;
    let others = 0;
    for (const [node, s] of net.nodes) {
      if (now - s.at > NODE_SILENCE_MS) net.nodes.delete(node);
      else others += s.viewers;
    }
    if (others !== net.others) {
      net.others = others;
      ch.touch();
    }
    const peakChanged = ch.present();
    if (peakChanged) this.store.addTotals(ch.roomId, 0, ch.peak);
    const cap = this.displayCap();
    if (net.remote.length) {
      const remote = net.remote.splice(0);
      if (ch.hasMembers(false)) for (const c of remote.slice(-cap)) ch.publish({ type: 'chat', ...c }, Essential.no, false);
    }
    if (net.display.length) {
      const all = net.display.splice(0);
      if (!ch.hasMembers(true)) return peakChanged;
      const shown = all.slice(-cap);
      ch.publish({ type: 'chat_batch', comments: shown, skipped: all.length - shown.length }, Essential.no, true);
    }
    return peakChanged;
  }

  private receive(roomId: number, m: BusMessage): void {
    const ch = this.channel(roomId);
    if (!ch) return;
    if (m.kind === 'command') {
      if (m.node !== this.bus.node) applyCommand(ch, m.command, this.clock);
      return;
    }
    if (m.total > ch.likes) ch.likes = m.total;
    if (m.node === this.bus.node) return;
    ch.net.nodes.set(m.node, { viewers: m.batch.viewers, at: Date.now() });
    for (const c of m.batch.comments) ch.addComment(c, false);
  }

  /** A merchant command (or a replay ready) made on this node: applied here, and sent to the other nodes. */
  command(roomId: number, cmd: BusCommand): void {
    const ch = this.channel(roomId);
    if (ch) applyCommand(ch, cmd, this.clock);
    if (this.bus.clustered)
      this.bus
        .command(roomId, cmd)
        .catch((e: unknown) =>
          this.log.warn(`realtime bus: room ${roomId}: ${cmd.kind} not sent to the other nodes: ${(e as Error).message}`),
        );
  }
}
