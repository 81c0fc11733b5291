/**
 * The room page's snapshot read, cached per room (issue 10: anonymous room reads are the flood). A load is shared by
 * every request that arrives while it runs; the entry is dropped when the room, its shelf or its app changes (domain
 * events, also from other processes through the change feed) and after `ttlMs` in any case.
 */
export class RoomReadCache<T> {
  private readonly entries = new Map<number, { at: number; value: Promise<T> }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 10_000,
    private readonly max = 10_000,
  ) {}

  get(roomId: number, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(roomId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    const entry = { at: now, value };
    this.entries.set(roomId, entry);
    value.catch(() => {
      if (this.entries.get(roomId) === entry) this.entries.delete(roomId);
    });
    return value;
  }

  drop(roomId: number): void {
    this.entries.delete(roomId);
  }

  clear(): void {
    this.entries.clear();
  }
}
