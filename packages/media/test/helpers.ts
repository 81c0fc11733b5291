/** Shared test helpers: deadline-based waiting, ffmpeg processes killed by PID, a media server in temp dirs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaServer, createHttpFlvSink, createWhipNodeHandler, type MediaEvents, type MediaServerOptions } from '../src/index.js';

/** Deadline-based waiting: the test kit's waitUntil under the name these tests use. */
export { waitUntil as waitFor } from '@zhibo/testkit';

// ---- ffmpeg processes: tracked, killed by PID in afterEach / finally ----
const spawned = new Set<ChildProcess>();

export interface Proc {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  stderr: () => string;
}

export function spawnTracked(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(env ? { env } : {}) });
  spawned.add(child);
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-8192)));
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      spawned.delete(child);
      r(code);
    }),
  );
  return { child, pid: child.pid ?? -1, exited, stderr: () => err };
}

/** Kill every process this test file spawned and still running (SIGKILL by PID). */
export async function killSpawned(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const c of spawned) {
    if (c.pid && c.exitCode === null) {
      waits.push(new Promise((r) => c.once('exit', r)));
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  spawned.clear();
  await Promise.all(waits);
}

export function ffmpegPublish(
  url: string,
  opts: { seconds?: number; size?: string; rate?: number; gop?: number; audio?: boolean; realtime?: boolean; cbrMbps?: number } = {},
): Proc {
  const rate = opts.rate ?? 25;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (opts.realtime !== false) args.push('-re');
  args.push('-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '320x180'}:rate=${rate}`);
  if (opts.audio !== false) args.push('-f', 'lavfi', '-i', 'sine=frequency=440');
  if (opts.seconds) args.push('-t', String(opts.seconds));
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', String(opts.gop ?? rate * 2), '-preset', 'veryfast', '-tune', 'zerolatency');
  if (opts.cbrMbps) {
    const b = `${opts.cbrMbps}M`;
    args.push('-b:v', b, '-minrate', b, '-maxrate', b, '-bufsize', '1M', '-x264-params', 'nal-hrd=cbr');
  }
  if (opts.audio !== false) args.push('-c:a', 'aac');
  args.push('-f', 'flv', url);
  return spawnTracked('ffmpeg', args);
}

export async function ffprobeStreams(input: string, timeoutMs = 20_000): Promise<string[]> {
  const p = spawn('ffprobe', ['-v', 'error', '-rw_timeout', '15000000', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', input], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(p);
  let out = '';
  p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  await new Promise((r) => p.on('exit', r));
  clearTimeout(timer);
  spawned.delete(p);
  return [
    ...new Set(
      out
        .trim()
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}

// ---- a media server with temp dirs, an event log and an HTTP-FLV front ----
export interface TestMedia {
  media: MediaServer;
  port: number;
  dir: string;
  logs: string[];
  events: { [K in keyof MediaEvents]: MediaEvents[K][] };
  rtmpUrl(streamName: string, key?: string): string;
  close(): Promise<void>;
}

/** with.record puts recordDir under the temp dir. */
export async function startMedia(opts: Partial<MediaServerOptions> = {}, withDirs: { record?: boolean } = {}): Promise<TestMedia> {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-media-'));
  if (withDirs.record) opts = { recordDir: join(dir, 'rec'), ...opts };
  const logs: string[] = [];
  const log = (lvl: string) => (m: string) => logs.push(`${lvl} ${m}`);
  const media = new MediaServer({
    rtmpHost: '127.0.0.1',
    rtmpPort: 0,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    authorizePublish: async (r) => (r.query.key === 'secret' ? { ok: true, streamId: r.streamName } : { ok: false, reason: 'invalid key' }),
    ...opts,
  });
  const events = {
    publishStart: [],
    publishRefused: [],
    publishStop: [],
    viewerCount: [],
    recordingReady: [],
    recordingFailed: [],
  } as TestMedia['events'];
  for (const k of Object.keys(events) as (keyof MediaEvents)[]) media.on(k, (e) => (events[k] as unknown[]).push(e));
  const { port } = await media.listen();
  return {
    media,
    port,
    dir,
    logs,
    events,
    rtmpUrl: (name, key = 'secret') => `rtmp://127.0.0.1:${port}/live/${name}?key=${key}`,
    async close() {
      await media.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * http://HOST:PORT/STREAMID.flv[?viewer=KEY] → attachViewer with an HTTP-FLV sink (and that viewerKey);
 * /STREAMID/FILE → media.hlsRequest (LL-HLS); /whip/… → media.whip (when configured).
 */
export async function startFlvHttp(media: MediaServer): Promise<{
  server: HttpServer;
  url: (id: string, viewer?: string) => string;
  hlsUrl: (id: string, file?: string) => string;
  whipUrl: (name: string) => string;
  close: () => Promise<void>;
}> {
  const whip = media.whip ? createWhipNodeHandler(media.whip) : null;
  const server = createHttpServer((req, res) => {
    if (whip && media.whip && (req.url ?? '').startsWith(`${media.whip.path}/`)) return whip(req, res);
    const u = new URL(req.url ?? '/', 'http://x');
    const h = /^\/([A-Za-z0-9_-]+)\/([^/]+)$/.exec(u.pathname);
    if (h?.[1] && h[2]) {
      void media.hlsRequest(h[1], h[2], Object.fromEntries(u.searchParams)).then((r) => res.writeHead(r.status, r.headers).end(r.body));
      return;
    }
    const m = /^\/([A-Za-z0-9_-]+)\.flv$/.exec(u.pathname);
    if (!m?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const viewerKey = u.searchParams.get('viewer') ?? undefined;
    const cap = u.searchParams.get('cap');
    media.attachViewer(m[1], createHttpFlvSink(res, { 'Access-Control-Allow-Origin': '*' }), {
      viewerKey,
      ...(cap ? { maxPerKey: Number(cap) } : {}),
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    url: (id, viewer) => `http://127.0.0.1:${port}/${id}.flv${viewer === undefined ? '' : `?viewer=${encodeURIComponent(viewer)}`}`,
    hlsUrl: (id, file = 'index.m3u8') => `http://127.0.0.1:${port}/${id}/${file}`,
    whipUrl: (name) => `http://127.0.0.1:${port}${media.whip?.path ?? '/whip'}/${name}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Minimal FLV reader over a byte stream: counts tags and notes the first video tag's keyframe flag. */
export class FlvCounter {
  bytes = 0;
  tags = 0;
  videoTags = 0;
  audioTags = 0;
  keyframes = 0;
  firstVideoIsKey: boolean | null = null;
  header = false;
  private buf: Buffer = Buffer.alloc(0);

  push(d: Buffer): void {
    this.bytes += d.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    if (!this.header) {
      if (this.buf.length < 13) return;
      if (this.buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not FLV');
      this.header = true;
      this.buf = this.buf.subarray(13);
    }
    while (this.buf.length >= 11) {
      const size = this.buf.readUIntBE(1, 3);
      if (this.buf.length < 11 + size + 4) break;
      const type = this.buf[0];
      this.tags++;
      if (type === 9) {
        const key = this.buf[11]! >> 4 === 1 && this.buf[12] !== 0;
        const isHeader = this.buf[12] === 0;
        if (!isHeader) {
          this.videoTags++;
          if (key) this.keyframes++;
          if (this.firstVideoIsKey === null) this.firstVideoIsKey = key;
        }
      } else if (type === 8) this.audioTags++;
      this.buf = this.buf.subarray(11 + size + 4);
    }
  }
}

/** GET an HTTP-FLV URL over a raw socket; returns the socket and a live FLV counter. */
export function flvClient(url: string): Promise<{ socket: Socket; flv: FlvCounter; status: () => number }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const flv = new FlvCounter();
    let head = Buffer.alloc(0);
    let status = 0;
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
      resolve({ socket, flv, status: () => status });
    });
    socket.on('data', (d: Buffer) => {
      if (status === 0) {
        head = Buffer.concat([head, d]);
        const i = head.indexOf('\r\n\r\n');
        if (i < 0) return;
        status = Number(head.toString('latin1', 9, 12));
        d = head.subarray(i + 4);
      }
      if (d.length) flv.push(d);
    });
  });
}

/** A TCP proxy that records what the client sends (to build a fuzz corpus from a real ffmpeg publish). */
export async function recordingProxy(targetPort: number): Promise<{ port: number; recorded: () => Buffer; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      chunks.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    recorded: () => Buffer.concat(chunks),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
