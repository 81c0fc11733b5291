/**
 * Opus → AAC for FLV/HLS players: one ffmpeg per publisher, audio only.
 *   ffmpeg -f ogg -i pipe:0 -af aresample=async=1:min_hard_comp=0.01:first_pts=0 -c:a aac -f adts pipe:1
 * Packets go in as Ogg Opus pages whose granule positions follow the RTP clock (48 kHz), so lost
 * packets become timestamp gaps that aresample fills with silence: the n-th AAC frame out starts
 * exactly n×1024 samples after the first packet in (minus the encoder's 1024-sample priming frame,
 * which is dropped). If ffmpeg dies it is restarted (from the next packet) up to maxRestarts times.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Logger } from '../log.js';
import { lastLine } from '../proc.js';
import { AdtsParser, type AdtsFrame } from './adts.js';
import { OggOpusWriter, opusPacketSamples } from './ogg-opus.js';

export interface OpusTranscoderOptions {
  logger: Logger;
  label: string;
  ffmpegPath?: string;
  /** AAC bitrate. Default '96k'. */
  bitrate?: string;
  maxRestarts?: number;
  /** Called with each AAC frame and the extended RTP time (48 kHz) of its first sample. */
  onFrame(f: AdtsFrame, rtp: number): void;
}

const AAC_FRAME = 1024;
const MAX_QUEUED = 1 << 20;

export class OpusTranscoder {
  /** PIDs of every ffmpeg this transcoder started (tests, CPU measurement). */
  readonly pids: number[] = [];
  private child: ChildProcessWithoutNullStreams | null = null;
  private ogg = new OggOpusWriter();
  private origin = -1;
  private frames = 0;
  private restarts = 0;
  private stopped: Promise<void> | null = null;
  private stderr = '';

  constructor(private readonly opts: OpusTranscoderOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** An Opus packet (RTP payload) with its extended RTP timestamp. */
  push(payload: Buffer, rtp: number): void {
    if (this.stopped) return;
    const samples = opusPacketSamples(payload);
    if (samples === 0) return;
    if (!this.child && !this.spawn()) return;
    if (this.origin < 0) this.origin = rtp;
    if (rtp < this.origin) return;
    const child = this.child!;
    if (child.stdin.writableLength > MAX_QUEUED) {
      this.opts.logger.warn(`media: ${this.opts.label}: Opus→AAC ffmpeg is not keeping up; restarting it`);
      child.kill('SIGKILL');
      return;
    }
    child.stdin.write(this.ogg.packet(payload, rtp - this.origin + samples));
  }

  private spawn(): boolean {
    const o = this.opts;
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostats',
      '-fflags',
      '+nobuffer',
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-f',
      'ogg',
      '-i',
      'pipe:0',
      '-af',
      'aresample=async=1:min_hard_comp=0.01:first_pts=0',
      '-c:a',
      'aac',
      '-b:a',
      o.bitrate ?? '96k',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-flush_packets',
      '1',
      '-f',
      'adts',
      'pipe:1',
    ];
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      o.logger.error(`media: ${o.label}: cannot start ffmpeg for Opus→AAC: ${String(e)}`);
      return false;
    }
    this.child = child;
    if (child.pid) this.pids.push(child.pid);
    this.ogg = new OggOpusWriter();
    this.origin = -1;
    this.frames = 0;
    this.stderr = '';
    const parser = new AdtsParser((f) => this.onAdts(f, child));
    child.stdout.on('data', (d: Buffer) => parser.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4096)));
    child.stdin.on('error', () => {}); // EPIPE when ffmpeg dies; handled on exit
    child.on('error', (e) => o.logger.error(`media: ${o.label}: Opus→AAC ffmpeg: ${e.message}`));
    child.on('close', (code, signal) => this.onExit(child, code, signal));
    child.stdin.write(this.ogg.headers());
    return true;
  }

  private onAdts(f: AdtsFrame, from: ChildProcessWithoutNullStreams): void {
    if (from !== this.child) return;
    const n = this.frames++;
    if (n === 0 || this.origin < 0) return; // encoder priming
    try {
      this.opts.onFrame(f, this.origin + (n - 1) * AAC_FRAME);
    } catch (e) {
      this.opts.logger.error(`media: ${this.opts.label}: AAC frame: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private onExit(child: ChildProcessWithoutNullStreams, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopped) return;
    const why = `exited (${signal ?? code})${this.stderr ? `: ${lastLine(this.stderr)}` : ''}`;
    if (this.restarts < (this.opts.maxRestarts ?? 3)) {
      this.restarts++;
      this.opts.logger.warn(`media: ${this.opts.label}: Opus→AAC ffmpeg ${why}; restarting with the next packet`);
    } else {
      this.opts.logger.error(`media: ${this.opts.label}: Opus→AAC ffmpeg ${why}; audio given up for this session`);
      this.stopped = Promise.resolve();
    }
  }

  /** Idempotent: end ffmpeg's input, wait for it to exit (SIGKILL after 2 s). */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    const child = this.child;
    this.stopped = new Promise<void>((resolve) => {
      if (!child) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    });
    return this.stopped;
  }
}
