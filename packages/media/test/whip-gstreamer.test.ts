/**
 * Debian's simple-whip-client (`whip-client`, GStreamer webrtcbin + libnice) pushes test video and
 * audio over WHIP; ffprobe plays h264 + aac from HTTP-FLV.
 *
 * Debian 12 ships whip-client linked against libsoup 2, while webrtcbin's libnice pulls in libsoup 3
 * through gupnp-igd (UPnP port mapping), and the two can not live in one process ("libsoup2 symbols
 * detected"). The test builds a do-nothing libgupnp-igd (no UPnP, which a loopback test does not
 * need) with gcc and puts it first on whip-client's LD_LIBRARY_PATH. libnice does not use loopback
 * addresses, so the WHIP UDP side binds the machine's first non-loopback IPv4 address here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffprobeStreams, killSpawned, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';

const STUB = `#include <stddef.h>
void *gupnp_simple_igd_thread_new(void) { return NULL; }
unsigned long gupnp_simple_igd_get_type(void) { return 0; }
void gupnp_simple_igd_add_port(void *s, const char *p, unsigned e, const char *l, unsigned ip, unsigned t, const char *d) {}
void gupnp_simple_igd_remove_port_local(void *s, const char *p, const char *l, unsigned ip) {}
`;
const VIDEO =
  'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert ! x264enc tune=zerolatency speed-preset=veryfast bitrate=600 key-int-max=60 ! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 pt=96 ! application/x-rtp,media=video,encoding-name=H264,payload=96';
const AUDIO =
  'audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111';

let dir = '';
let t: TestMedia | undefined;
let http: Awaited<ReturnType<typeof startFlvHttp>> | undefined;
let client: ChildProcess | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhibo-gst-'));
  writeFileSync(join(dir, 'stub.c'), STUB);
  execFileSync('gcc', [
    '-shared',
    '-fPIC',
    '-Wl,-soname,libgupnp-igd-1.0.so.4',
    '-o',
    join(dir, 'libgupnp-igd-1.0.so.4'),
    join(dir, 'stub.c'),
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  if (client?.pid && client.exitCode === null) {
    const exited = new Promise((r) => client!.once('exit', r));
    process.kill(client.pid, 'SIGKILL');
    await exited;
  }
  client = null;
  await http?.close();
  await t?.close();
  await killSpawned();
});

function hostAddress(): string {
  const a = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!a) throw new Error('no non-loopback IPv4 address for libnice');
  return a.address;
}

describe('WHIP ingest from GStreamer (simple-whip-client)', () => {
  for (const iceLite of [false, true]) {
    it(`whip-client pushes H.264 + Opus${iceLite ? ' to an ICE-lite server' : ''} (trickling candidates by PATCH), viewers play h264 + aac, and its DELETE on SIGINT ends publishing`, async () => {
      await publishWithWhipClient(iceLite);
    });
  }
});

async function publishWithWhipClient(iceLite: boolean): Promise<void> {
  t = await startMedia({ whip: { bindAddress: hostAddress(), iceLite } });
  const whip = t.media.whip!;
  const handled: string[] = [];
  const handle = whip.handle.bind(whip);
  whip.handle = async (req) => {
    const r = await handle(req);
    handled.push(`${req.method} ${r.status}`);
    return r;
  };
  http = await startFlvHttp(t.media);
  let out = '';
  client = spawn('whip-client', ['-u', http.whipUrl('12'), '-t', 'secret', '-V', VIDEO, '-A', AUDIO, '-l', '4', '-o'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LD_LIBRARY_PATH: dir, GST_REGISTRY: join(dir, 'registry.bin') },
  });
  client.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  client.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => client!.once('exit', r));
  await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart', timeoutMs: 20_000 });
  expect(t.events.publishStart[0]).toMatchObject({ streamId: '12', protocol: 'whip' });
  expect(await ffprobeStreams(http.url('12'))).toEqual(['aac', 'h264']);
  const s = t.media.whip!.session(t.events.publishStart[0]!.sessionId)!.stats();
  expect(s.video.keyframes).toBeGreaterThan(0);
  expect(s.audio.frames).toBeGreaterThan(0);
  expect(out).toMatch(/PeerConnection connected/);
  expect(out).not.toMatch(/\[ERR\]/); // e.g. a refused trickle PATCH
  process.kill(client.pid!, 'SIGINT');
  await exited;
  const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop' });
  expect(stop).toMatchObject({ streamId: '12', reason: 'deleted' });
  expect(handled[0]).toBe('POST 201');
  expect(handled).toContain('PATCH 204');
  expect(handled[handled.length - 1]).toBe('DELETE 200');
}
