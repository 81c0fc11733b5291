/**
 * The server's own close cascade (like packages/media/README.md documents the media one): components are started in
 * the order they were added and stopped in reverse, each at most once. A stop that fails is logged and the cascade
 * goes on, so one stuck part never keeps the database open or the data-dir lock held.
 */
import type { Log } from '../lib/log.js';
import type { Component } from '../modules/module.js';

export class Components {
  private readonly list: Component[] = [];
  private started: Component[] = [];
  private stopping: Promise<void> | undefined;

  /**
   * A component's stop may take its `stopTimeoutMs` (default 10 s) before the cascade goes on without it; while
   * `stuck()` says the database is stuck, 1 s (waiting for it helps nobody, and SIGTERM must end the process — issue 10).
   */
  constructor(
    private readonly log: Log,
    private readonly stuck: () => boolean = () => false,
  ) {}

  add(...cs: Component[]): void {
    this.list.push(...cs);
  }

  /** A component that is already running (opened while the server was built, e.g. the database): stopped in the cascade. */
  adopt(c: Component): void {
    this.started.push(c);
  }

  names(): string[] {
    return this.list.map((c) => c.name);
  }

  /** Start every component in order; if one fails, the ones already started are stopped and the error thrown. */
  async start(): Promise<void> {
    for (const c of this.list) {
      try {
        await c.start?.();
      } catch (e) {
        this.log.error(`start: ${c.name} failed: ${(e as Error).message}`);
        await this.stop();
        throw e;
      }
      this.started.push(c);
    }
  }

  /** Stop what was started, last first. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const c of this.started.reverse()) {
        const limit = this.stuck() ? 1000 : (c.stopTimeoutMs ?? 10_000);
        let timer: NodeJS.Timeout | undefined;
        try {
          const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limit)));
          if ((await Promise.race([Promise.resolve(c.stop?.()), late])) === 'late')
            this.log.error(`stop: ${c.name} did not stop within ${limit} ms; going on`);
        } catch (e) {
          this.log.error(`stop: ${c.name} failed: ${(e as Error).stack ?? String(e)}`);
        } finally {
          clearTimeout(timer);
        }
      }
      this.started = [];
    })();
    return this.stopping;
  }
}
