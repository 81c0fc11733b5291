/**
 * HLS for one live stream: the hub's FLV is piped into
 *   ffmpeg -f flv -i pipe:0 -c copy -f hls -hls_time 1 -hls_list_size 6
 *          -hls_flags delete_segments+program_date_time+independent_segments+omit_endlist
 * writing HLSDIR/STREAMID/index.m3u8 and seg-N.ts. The directory is emptied when publishing starts;
 * on stop stdin is closed, ffmpeg exits, and #EXT-X-ENDLIST is appended to the playlist.
 * ffmpeg's stdin is a hub consumer with its own backpressure (skips to a keyframe when behind).
 * If ffmpeg dies it is restarted once (from the next keyframe); then HLS gives up — viewers of
 * HTTP-FLV / WS-FLV are not affected either way.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { ViewerSink } from '../flv/sinks.js';
import type { Consumer, ConsumerPolicy } from '../hub/consumer.js';
import type { StreamHub } from '../hub/stream-hub.js';
import { lastLine } from '../proc.js';

export const HLS_POLICY: ConsumerPolicy = {
  pausable: false,
  softBytes: 4 << 20,
  resumeBytes: 1 << 20,
  hardBytes: Number.POSITIVE_INFINITY,
  maxBehindMs: Number.POSITIVE_INFINITY,
};

export interface HlsOptions {
  streamId: string;
  /** HLSDIR/STREAMID */
  dir: string;
  logger: Logger;
  ffmpegPath?: string;
  hlsTime?: number;
  listSize?: number;
  maxRestarts?: number;
}

export class HlsPackager {
  private child: ChildProcessWithoutNullStreams | null = null;
  private consumer: Consumer | null = null;
  private stopping: Promise<void> | null = null;
  private restarts = 0;
  private stderr = '';
  /** PIDs of ffmpeg processes this packager spawned (for tests / diagnostics). */
  readonly pids: number[] = [];

  constructor(private readonly hub: StreamHub, private readonly opts: HlsOptions) {}

  get playlist(): string {
    return join(this.opts.dir, 'index.m3u8');
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    rmSync(this.opts.dir, { recursive: true, force: true });
    mkdirSync(this.opts.dir, { recursive: true });
    this.spawn();
  }

  private spawn(): void {
    const o = this.opts;
    const args = [
      '-hide_banner', '-loglevel', 'error', '-f', 'flv', '-i', 'pipe:0', '-c', 'copy', '-f', 'hls',
      '-hls_time', String(o.hlsTime ?? 1), '-hls_list_size', String(o.listSize ?? 6),
      '-hls_flags', 'delete_segments+program_date_time+independent_segments+omit_endlist',
      '-hls_segment_filename', join(o.dir, 'seg-%d.ts'), join(o.dir, 'index.m3u8'),
    ];
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      o.logger.error(`media: ${o.streamId}: cannot start ffmpeg for HLS: ${String(e)}`);
      return;
    }
    this.child = child;
    if (child.pid) this.pids.push(child.pid);
    this.stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4096);
    });
    child.stdin.on('error', () => {}); // EPIPE when ffmpeg dies; handled by 'exit'
    child.on('error', (e) => o.logger.error(`media: ${o.streamId}: HLS ffmpeg: ${e.message}`));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.consumer = this.hub.attach(this.stdinSink(child), HLS_POLICY, 'hls');
  }

  private stdinSink(child: ChildProcessWithoutNullStreams): ViewerSink {
    const stdin = child.stdin;
    const cbs: (() => void)[] = [];
    stdin.once('close', () => cbs.splice(0).forEach((cb) => cb()));
    return {
      label: `hls ffmpeg ${child.pid ?? ''}`,
      write: (b) => {
        if (stdin.writable) stdin.write(b);
      },
      writev: (bs) => {
        if (!stdin.writable) return;
        stdin.cork();
        for (const b of bs) stdin.write(b);
        stdin.uncork();
      },
      bufferedBytes: () => stdin.writableLength,
      close: (graceful) => (graceful ? stdin.end() : stdin.destroy()),
      onClose: (cb) => (stdin.closed ? queueMicrotask(cb) : cbs.push(cb)),
    };
  }

  private onExit(child: ChildProcessWithoutNullStreams, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.consumer?.close(false);
    this.consumer = null;
    if (this.stopping) return;
    const o = this.opts;
    const why = `exited (${code ?? signal})${this.stderr ? `: ${lastLine(this.stderr)}` : ''}`;
    if (this.restarts < (o.maxRestarts ?? 1) && !this.hub.isClosed) {
      this.restarts++;
      o.logger.warn(`media: ${o.streamId}: HLS ffmpeg ${why}; restarting`);
      this.spawn();
    } else {
      o.logger.error(`media: ${o.streamId}: HLS ffmpeg ${why}; HLS disabled for this session`);
    }
  }

  /** Close ffmpeg's stdin, wait for it to finish (killing it after timeoutMs), then end the playlist. Idempotent. */
  stop(timeoutMs = 5000): Promise<void> {
    this.stopping ??= this.doStop(timeoutMs);
    return this.stopping;
  }

  private async doStop(timeoutMs: number): Promise<void> {
    const child = this.child;
    if (child) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      this.consumer?.close(true);
      if (!child.stdin.writableEnded) child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    try {
      const text = await readFile(this.playlist, 'utf8');
      if (!text.includes('#EXT-X-ENDLIST')) await appendFile(this.playlist, `${text.endsWith('\n') ? '' : '\n'}#EXT-X-ENDLIST\n`);
    } catch {
      // no playlist was written (stream too short or ffmpeg never started)
    }
  }
}
