/** One typed event map per emitter (docs/architecture.md): payload types in one place, `on()` returns its own off(). */
export class Emitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly handlers = new Map<keyof E, Set<(...args: unknown[]) => void>>();

  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const f = fn as unknown as (...args: unknown[]) => void;
    set.add(f);
    return () => set.delete(f);
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (e) {
        // A listener's bug must not break the emitter (or the other listeners).
        console.error(`zhibo: a "${String(event)}" listener threw`, e);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
