/**
 * Issue 14 acceptance: a WHIP client that is not ours — Debian's simple-whip-client (`whip-client`, GStreamer
 * webrtcbin + libnice) — pushes to a room of a real server with the room's stream key as the Bearer token; the room
 * becomes 101 and plays h264 + aac over HTTP-FLV; its DELETE on SIGINT makes it 106. While it publishes, a second room
 * is unaffected (one publisher per room). Debian 12's whip-client needs the libsoup workaround of the media test
 * (packages/media/test/whip-gstreamer.test.ts): a do-nothing libgupnp-igd built with gcc, first on LD_LIBRARY_PATH.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveStatus } from '@zhibo/protocol';
import { ffprobe, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';

const STUB = `#include <stddef.h>
void *gupnp_simple_igd_thread_new(void) { return NULL; }
unsigned long gupnp_simple_igd_get_type(void) { return 0; }
void gupnp_simple_igd_add_port(void *s, const char *p, unsigned e, const char *l, unsigned ip, unsigned t, const char *d) {}
void gupnp_simple_igd_remove_port_local(void *s, const char *p, const char *l, unsigned ip) {}
`;
const VIDEO =
  'videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1 ! videoconvert ! x264enc tune=zerolatency speed-preset=veryfast bitrate=800 key-int-max=50 ! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 pt=96 ! application/x-rtp,media=video,encoding-name=H264,payload=96';
const AUDIO =
  'audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111';

let dir = '';
let t: TestServer | undefined;
let client: ChildProcess | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhibo-gst-server-'));
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
  if (client?.pid && client.exitCode === null && client.signalCode === null) {
    const exited = new Promise((r) => client!.once('exit', r));
    process.kill(client.pid, 'SIGKILL');
    await exited;
  }
  client = null;
  await t?.cleanup();
  t = undefined;
});

/** libnice does not use loopback addresses: the WHIP UDP side binds the host's own address. */
function hostAddress(): string {
  const a = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!a) throw new Error('no non-loopback IPv4 address for libnice');
  return a.address;
}

describe('WHIP from GStreamer (simple-whip-client) to the server', () => {
  it('whip-client with the stream key as Bearer token makes the room 101; HTTP-FLV plays h264 + aac; another room stays 102; SIGINT (DELETE) makes it 106', async () => {
    t = await startServer('pglite', { env: { ZHIBO_WHIP_BIND: hostAddress() } });
    t.clock.set(Date.now());
    const m = await merchant(t);
    const [first, second] = [await m.room(), await m.room()];
    const push = await t.api.get('/wxaapi/broadcast/room/getpushurl', { roomId: second, access_token: m.token });
    const key = new URL(push.pushAddr as string).searchParams.get('key')!;
    const whipUrl = push.whipUrl as string;
    expect(whipUrl).toBe(`${t.url}/whip/${second}`);
    let out = '';
    client = spawn('whip-client', ['-u', whipUrl, '-t', key, '-V', VIDEO, '-A', AUDIO, '-l', '4', '-o'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LD_LIBRARY_PATH: dir, GST_REGISTRY: join(dir, 'registry.bin') },
    });
    client.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    client.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    const exited = new Promise((r) => client!.once('exit', r));
    const status = (id: number) => t!.z.services.rooms.cachedStatus(id)?.status;
    await waitUntil(() => status(second) === LiveStatus.Live, {
      timeoutMs: 30_000,
      what: `101 from whip-client (its log: ${out.slice(-400)})`,
    });
    expect((await ffprobe(`${t.url}/live/${second}.flv`)).codecs).toEqual(['aac', 'h264']);
    expect(out).toMatch(/PeerConnection connected/);
    expect(out).not.toMatch(/\[ERR\]/); // e.g. a trickle PATCH the server's route refused
    expect(status(first)).toBe(LiveStatus.NotStarted);
    process.kill(client.pid!, 'SIGINT');
    await exited;
    await waitUntil(() => status(second) === LiveStatus.Abnormal, { timeoutMs: 15_000, what: "106 after whip-client's DELETE" });
    await waitUntil(() => t!.z.services.media.whip!.sessionCount === 0, { timeoutMs: 10_000, what: 'the session closed' });
  });
});
