/**
 * Keeps an MSE live player (mpegts.js over HTTP-FLV / WS-FLV) near the live edge (S-PLAYER-2).
 *
 * The server's GOP cache hands a new viewer everything since the last keyframe, so a player that simply plays what
 * it got starts up to one GOP behind and stays there. This controller:
 *  - at the join (until `joinMs` after playback starts) jumps once to `targetSec` before the end of the buffer;
 *  - afterwards only nudges playbackRate (1.0 … `maxRate`, proportional to the excess) while more than `targetSec`
 *    is buffered ahead of the playhead, and goes back to 1.0 at the target — smooth, no seeks, no added stalls;
 *  - jumps again only when a backlog exceeds `jumpSec` (after a long stall), which nudging would take too long to eat.
 * It never slows below 1.0 and leaves a paused video alone.
 */

export interface LiveLatencyOptions {
  /** Media kept buffered ahead of the playhead, seconds (the player's share of the latency). Default 0.5. */
  targetSec?: number;
  /** Highest playbackRate used to catch up. Default 1.1. */
  maxRate?: number;
  /** After the join, a backlog above this many seconds is skipped with one seek. Default 3. */
  jumpSec?: number;
  /** How long after playback starts the join jump may still happen (the GOP arrives in a few appends), ms. Default 2000. */
  joinMs?: number;
  /** How often to look, ms (every 50 ms until the join is over, so the jump comes before the first frames). Default 200. */
  intervalMs?: number;
}

export interface LiveLatencyStats {
  /** seconds buffered ahead of the playhead at the last look */
  aheadSec: number;
  /** current playbackRate */
  rate: number;
  /** seeks made: the join jump and any backlog jumps */
  jumps: number;
}

export const LIVE_LATENCY_DEFAULTS: Required<LiveLatencyOptions> = {
  targetSec: 0.5,
  maxRate: 1.1,
  jumpSec: 3,
  joinMs: 2000,
  intervalMs: 200,
};

/** Excess (s) above the target before speeding up, and the proportional gain (rate per second of excess). */
const START_EXCESS = 0.1;
const STOP_EXCESS = 0.02;
const GAIN = 0.2;
/** At the join, jump only when this much more than the target is buffered. */
const JOIN_SLACK = 0.25;
const JOIN_INTERVAL_MS = 50;
/** Weight of each new look in the smoothed buffer level (≈ 1 s time constant at 200 ms). */
const SMOOTHING = 0.2;
const DATA_EVENTS = ['loadedmetadata', 'loadeddata', 'canplay', 'progress'] as const;

export class LiveLatencyController {
  private readonly o: Required<LiveLatencyOptions>;
  private timer: ReturnType<typeof setInterval> | undefined;
  private playingSince: number | undefined;
  private jumps = 0;
  private ahead = 0;
  /** ahead, smoothed over about a second: the rate follows this, not each append's sawtooth */
  private smooth: number | undefined;
  private stopped = false;
  private readonly onPlaying = () => (this.playingSince ??= Date.now());
  private readonly onData = () => this.tick();
  private joinTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly video: HTMLVideoElement,
    opts: LiveLatencyOptions = {},
  ) {
    const o = { ...LIVE_LATENCY_DEFAULTS };
    for (const [k, v] of Object.entries(opts) as [keyof LiveLatencyOptions, number | undefined][])
      if (typeof v === 'number' && Number.isFinite(v)) o[k] = v;
    o.targetSec = Math.max(0.05, o.targetSec);
    o.maxRate = Math.min(2, Math.max(1, o.maxRate));
    o.jumpSec = Math.max(o.targetSec + 0.5, o.jumpSec);
    this.o = o;
    video.addEventListener('playing', this.onPlaying);
    for (const e of DATA_EVENTS) video.addEventListener(e, this.onData);
    this.timer = setInterval(() => this.tick(), o.intervalMs);
    this.joinTimer = setInterval(() => this.tick(), JOIN_INTERVAL_MS);
  }

  get options(): Readonly<Required<LiveLatencyOptions>> {
    return this.o;
  }

  stats(): LiveLatencyStats {
    return { aheadSec: this.ahead, rate: this.video.playbackRate, jumps: this.jumps };
  }

  /** Look once (also runs on a timer and on media events). */
  tick(): void {
    if (this.stopped) return;
    const v = this.video;
    const end = this.bufferedEnd();
    if (end === undefined) return;
    this.ahead = end - v.currentTime;
    if (v.paused && this.playingSince !== undefined) return; // the viewer paused: leave it
    const joining = this.playingSince === undefined || Date.now() - this.playingSince < this.o.joinMs;
    if (!joining && this.joinTimer !== undefined) {
      clearInterval(this.joinTimer);
      this.joinTimer = undefined;
    }
    if ((joining && this.ahead > this.o.targetSec + JOIN_SLACK) || this.ahead > this.o.jumpSec) {
      this.jumps++;
      this.setRate(1);
      v.currentTime = Math.max(this.rangeStart(end), end - this.o.targetSec);
      this.ahead = end - v.currentTime;
      this.smooth = undefined;
      return;
    }
    if (v.paused || joining) return;
    this.smooth = this.smooth === undefined ? this.ahead : this.smooth + SMOOTHING * (this.ahead - this.smooth);
    const excess = this.smooth - this.o.targetSec;
    const speeding = v.playbackRate > 1;
    if (excess > START_EXCESS || (speeding && excess > STOP_EXCESS)) {
      this.setRate(Math.min(this.o.maxRate, Math.max(1.01, Math.round((1 + excess * GAIN) * 100) / 100)));
    } else {
      this.setRate(1);
    }
  }

  /** Stop looking and restore playbackRate 1. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.joinTimer);
    const v = this.video;
    v.removeEventListener('playing', this.onPlaying);
    for (const e of DATA_EVENTS) v.removeEventListener(e, this.onData);
    this.setRate(1);
  }

  private setRate(rate: number): void {
    if (Math.abs(this.video.playbackRate - rate) >= 0.005) this.video.playbackRate = rate;
  }

  /** End of the buffered range that holds the playhead (or of the last range while the playhead is before all data). */
  private bufferedEnd(): number | undefined {
    const b = this.video.buffered;
    if (b.length === 0) return undefined;
    const t = this.video.currentTime;
    for (let i = 0; i < b.length; i++) if (t >= b.start(i) && t <= b.end(i)) return b.end(i);
    return b.end(b.length - 1);
  }

  private rangeStart(end: number): number {
    const b = this.video.buffered;
    for (let i = 0; i < b.length; i++) if (b.end(i) === end) return b.start(i);
    return 0;
  }
}
