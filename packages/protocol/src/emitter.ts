/**
 * The one typed emitter of the server and the browser SDK (docs/architecture.md: one typed event map per emitter).
 * Payload types live in the map; `on()` returns its own off(). A listener that throws is isolated: the
 * error goes to `onError` and the other listeners still run, so an event fired after a database commit
 * can never make the commit's caller fail.
 */
export type EventMap<E> = { [K in keyof E]: unknown[] };

export class Emitter<E extends EventMap<E>> {
  private readonly handlers = new Map<keyof E, Set<(...args: unknown[]) => void>>();

  constructor(private readonly onError: (event: string, error: unknown) => void = defaultOnError) {}

  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const f = fn as unknown as (...args: unknown[]) => void;
    set.add(f);
    return () => {
      set.delete(f);
    };
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (e) {
        this.onError(String(event), e);
      }
    }
  }

  listenerCount(event: keyof E): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  clear(): void {
    this.handlers.clear();
  }
}

function defaultOnError(event: string, e: unknown): void {
  (globalThis as { console?: { error(...a: unknown[]): void } }).console?.error(`zhibo: a "${event}" listener threw`, e);
}
