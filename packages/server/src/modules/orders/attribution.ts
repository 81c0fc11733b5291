/**
 * Who gets the credit for an order (pure). The share chain says who brought whom into the room (an edge per sharer and
 * viewer, with the time of the first entry). For an order of buyer B:
 * - last touch: the sharer the goods page got (share_openid), else the latest sharer who brought B before the order;
 * - first touch: the earliest sharer who brought B, else the last touch;
 * - the chain: who had brought the last-touch sharer into the room before they brought B, and who had brought them,
 *   up to the first sharer (root first); the sharers upstream of the last touch are credited as "assisted".
 */

export interface Edge {
  sharer: string;
  viewer: string;
  at: number;
}

export interface Touches {
  first: string | null;
  last: string | null;
  /** root first, ending with the last-touch sharer (empty when there is none) */
  chain: string[];
}

const MAX_DEPTH = 32;

export class ShareGraph {
  /** viewer → edges into them, oldest first */
  private readonly into = new Map<string, Edge[]>();
  /** sharer → viewers brought */
  readonly brought = new Map<string, number>();

  constructor(edges: readonly Edge[]) {
    for (const e of [...edges].sort((a, b) => a.at - b.at || a.sharer.localeCompare(b.sharer))) {
      if (e.sharer === e.viewer) continue;
      let list = this.into.get(e.viewer);
      if (!list) this.into.set(e.viewer, (list = []));
      list.push(e);
      this.brought.set(e.sharer, (this.brought.get(e.sharer) ?? 0) + 1);
    }
  }

  touches(buyer: string, shareOpenid: string, at: number): Touches {
    const into = buyer ? (this.into.get(buyer) ?? []).filter((e) => e.at <= at) : [];
    const last = shareOpenid || into[into.length - 1]?.sharer || null;
    const first = into[0]?.sharer ?? last;
    const chain: string[] = [];
    const seen = new Set<string>(buyer ? [buyer] : []);
    // walk up: who had brought each sharer before they brought the next one (a later re-entry does not count)
    let before = into.find((e) => e.sharer === last)?.at ?? at;
    for (let s = last; s && !seen.has(s) && chain.length < MAX_DEPTH;) {
      seen.add(s);
      chain.unshift(s);
      const up = (this.into.get(s) ?? []).find((e) => e.at <= before);
      s = up?.sharer ?? null;
      before = up?.at ?? -Infinity;
    }
    return { first, last, chain };
  }
}
