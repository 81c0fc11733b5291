/**
 * QR matrices off the main thread (issue 10: a QR image cost ~33 ms of main-thread CPU, anonymous). node-qrcode builds
 * the matrix (and tries 8 masks) in JavaScript — a few ms per code, all of it on the event loop that also delivers
 * live video. Here one worker thread builds the matrix and paints the raw greyscale pixels; sharp encodes the PNG on
 * libuv's pool. The worker starts on first use, is unref'd while idle, and holds at most `maxQueue` jobs.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PosterError } from './errors.js';

const SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const QRCode = require(workerData.qrcodePath);
parentPort.on('message', ({ id, text, size, quiet }) => {
  let code;
  try {
    code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
    return;
  }
  const n = code.modules.size;
  const side = n + 2 * quiet;
  const modulePx = Math.max(1, Math.floor(size / side));
  const offset = Math.max(0, Math.floor((size - side * modulePx) / 2)) + quiet * modulePx;
  const px = new Uint8Array(size * size).fill(255);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      if (!code.modules.get(r, c)) continue;
      const y0 = offset + r * modulePx, x0 = offset + c * modulePx;
      for (let y = y0; y < y0 + modulePx && y < size; y++) px.fill(0, y * size + x0, Math.min(y * size + x0 + modulePx, (y + 1) * size));
    }
  parentPort.postMessage({ id, px }, [px.buffer]);
});
`;

type Reply = { id: number; px: Uint8Array } | { id: number; error: string };

export class QrWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(px: Buffer): void; reject(e: Error): void }>();
  private next = 1;

  constructor(private readonly maxQueue = 256) {}

  /** The raw greyscale pixels (size × size) of `text` as a QR code with a `quiet`-module margin. */
  pixels(text: string, size: number, quiet: number): Promise<Buffer> {
    if (this.pending.size >= this.maxQueue) return Promise.reject(new Error('too many QR codes being drawn'));
    const w = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) w.ref();
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, text, size, quiet });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const qrcodePath = createRequire(import.meta.url).resolve('qrcode');
    const w = new Worker(SOURCE, { eval: true, workerData: { qrcodePath } });
    w.unref();
    w.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if ('error' in m) p.reject(new PosterError('link_too_long', `the link does not fit in a QR code: ${m.error}`));
      else p.resolve(Buffer.from(m.px.buffer, m.px.byteOffset, m.px.byteLength));
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', (e) => fail(new Error(`the QR worker failed: ${e.message}`)));
    w.on('exit', () => fail(new Error('the QR worker exited')));
    this.worker = w;
    return w;
  }

  /** End the worker (server close). Idempotent; a later call starts a new one. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
