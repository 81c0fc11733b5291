/** Ports: time and ids come from outside the domain (docs/architecture.md). */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() }; // eslint-disable-line no-restricted-properties -- the one real clock adapter

/** A clock for tests: time moves only when told. */
export class FakeClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
