/**
 * At most one line per interval: the first line of an interval is logged, the rest are counted and
 * summed up in one line when the interval ends. A flood of bad connections costs ~1 line per second.
 */
export class WarnLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;

  /** `what` completes the summary line: "rtmp: N more connections <what> (lines suppressed; …)". */
  constructor(
    private readonly log: (msg: string) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
    private readonly what = 'closed for protocol errors',
  ) {}

  warn(msg: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.intervalMs) {
      this.windowStart = t;
      this.log(msg);
      return;
    }
    this.suppressed++;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.intervalMs - t));
      this.timer.unref();
    }
  }

  /** Log the count of suppressed lines now (if any); that line opens a new interval. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0) return;
    const n = this.suppressed;
    this.suppressed = 0;
    this.windowStart = this.now();
    this.log(`rtmp: ${n} more connection${n === 1 ? '' : 's'} ${this.what} (lines suppressed; at most one per ${this.intervalMs} ms)`);
  }
}
