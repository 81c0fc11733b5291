/** An ffmpeg lavfi test stream instead of binary fixtures (docs/architecture.md). */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Pusher {
  proc: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Push a synthetic H.264 + AAC stream (yuv420p, GOP = 2 s unless `gopSeconds`) to an RTMP URL. */
export function pushTestStream(
  url: string,
  opts: { seconds?: number; size?: string; fps?: number; bitrate?: string; gopSeconds?: number } = {},
): Pusher {
  const fps = opts.fps ?? 25;
  const gopFrames = String(Math.round(fps * (opts.gopSeconds ?? 2)));
  const gop = ['-g', gopFrames, ...(opts.gopSeconds ? ['-keyint_min', gopFrames, '-sc_threshold', '0'] : [])];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${opts.size ?? '640x360'}:rate=${fps}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    ...(opts.seconds ? ['-t', String(opts.seconds)] : []),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    ...gop,
    '-b:v',
    opts.bitrate ?? '800k',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-f',
    'flv',
    url,
  ];
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
    get stderr() {
      return err;
    },
  } as Pusher;
}
