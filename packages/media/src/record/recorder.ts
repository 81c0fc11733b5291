/**
 * Writes one publish session's FLV (header, metadata, sequence headers, every tag) append-only to
 * RECORDDIR/STREAMID/SESSIONID.flv as it arrives, so a crash keeps what was written.
 * It is a hub consumer that never skips; if the disk falls too far behind it fails the recording.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { ViewerSink } from '../flv/sinks.js';
import type { ConsumerPolicy } from '../hub/consumer.js';
import { FLV_HEADER } from '../flv/tag.js';

export const RECORDER_POLICY: ConsumerPolicy = {
  pausable: false,
  softBytes: Number.POSITIVE_INFINITY,
  resumeBytes: Number.POSITIVE_INFINITY,
  hardBytes: 64 << 20,
  maxBehindMs: Number.POSITIVE_INFINITY,
};

export class FlvRecorder {
  readonly sink: ViewerSink;
  /** Bytes handed to the file. */
  bytes = 0;
  error: string | null = null;
  private readonly out: WriteStream;
  private readonly finished: Promise<void>;
  private stopped = false;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.out = createWriteStream(file, { flags: 'a' });
    this.finished = new Promise<void>((resolve) => {
      this.out.on('close', () => resolve());
      this.out.on('error', (e) => {
        this.error ??= e.message;
        resolve();
      });
    });
    const out = this.out;
    const closeCbs: (() => void)[] = [];
    // fire-and-forget: `finished` never rejects (a write error resolves it and lands in `error`); the callbacks are the
    // hub consumer's close bookkeeping, which does not throw
    void this.finished.then(() => closeCbs.splice(0).forEach((cb) => cb()));
    this.sink = {
      label: `recording ${file}`,
      write: (b) => this.write(b),
      writev: (bs) => {
        out.cork();
        for (const b of bs) this.write(b);
        out.uncork();
      },
      bufferedBytes: () => out.writableLength,
      close: (graceful) => {
        if (!graceful) this.error ??= 'disk too slow: recording dropped';
        void this.stop(); // not awaited: sink.close() is synchronous; stop() returns `finished`, which never rejects
      },
      onClose: (cb) => closeCbs.push(cb),
    };
  }

  private write(b: Buffer): void {
    if (this.stopped || this.out.destroyed) return;
    this.bytes += b.length;
    this.out.write(b);
  }

  /** True when more than the FLV header was written. */
  get hasMedia(): boolean {
    return this.bytes > FLV_HEADER.length;
  }

  /** Flush and close the file. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.out.end();
    }
    return this.finished;
  }
}
