/**
 * The free-space watermark of the data directory (issue 10 High 2: a full disk hung the whole server). Below
 * `ZHIBO_DISK_MIN_FREE_MB` the server degrades instead of filling the disk: recordings stop, uploads and other writes
 * that are not essential are refused with `disk_low`, the database keeps its headroom for what must be written (status
 * changes, tokens), video delivery and the API go on. Checked every `everyMs` with statfs; one log line per change.
 */
import { statfs } from 'node:fs/promises';
import { Emitter, Reason } from '@zhibo/protocol';
import { DomainError } from './errors.js';
import type { Log } from './log.js';

export interface DiskState {
  freeBytes: number;
  minFreeBytes: number;
  low: boolean;
}

const MB = 1024 * 1024;
const mb = (b: number) => `${Math.floor(b / MB)} MB`;

export class DiskWatch {
  readonly name = 'disk watch';
  readonly events: Emitter<{ change: [DiskState] }>;
  private freeBytes = Number.POSITIVE_INFINITY;
  private lowNow = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private minFreeBytes: number,
    private readonly log: Log,
    private readonly everyMs = 2000,
  ) {
    this.events = new Emitter((event, e) => log.error(`disk watch: a "${event}" listener threw: ${String(e)}`));
  }

  get state(): DiskState {
    return { freeBytes: this.freeBytes, minFreeBytes: this.minFreeBytes, low: this.lowNow };
  }

  get low(): boolean {
    return this.lowNow;
  }

  /** Change the watermark (operators, tests); takes effect at the next check. */
  setMinFreeBytes(bytes: number): void {
    this.minFreeBytes = bytes;
  }

  /** Read the free space now and update the state (one log line and a `change` event when it flips). */
  async check(): Promise<DiskState> {
    try {
      const s = await statfs(this.dir);
      this.freeBytes = s.bavail * s.bsize;
    } catch (e) {
      this.log.warn(`disk watch: statfs ${this.dir} failed: ${(e as Error).message}`);
      return this.state;
    }
    const low = this.minFreeBytes > 0 && this.freeBytes < this.minFreeBytes;
    if (low !== this.lowNow) {
      this.lowNow = low;
      if (low)
        this.log.warn(
          `disk: ${mb(this.freeBytes)} free in ${this.dir}, below ZHIBO_DISK_MIN_FREE_MB (${mb(this.minFreeBytes)}): ` +
            'recordings stopped, uploads and other writes that are not essential refused until space is freed',
        );
      else this.log.info(`disk: ${mb(this.freeBytes)} free in ${this.dir} again: recordings and uploads resume`);
      this.events.emit('change', this.state);
    }
    return this.state;
  }

  /** Throw `disk_low` when below the watermark: `what` names the refused write in the message. */
  assertRoom(what: string, field?: string): void {
    if (!this.lowNow) return;
    throw new DomainError(
      Reason.DiskLow,
      `the server is low on disk space (${mb(this.freeBytes)} free, ${mb(this.minFreeBytes)} kept free): ${what} refused until space is freed`,
      field,
    );
  }

  async start(): Promise<void> {
    await this.check();
    this.timer ??= setInterval(() => void this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
