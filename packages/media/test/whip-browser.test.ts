/**
 * Chromium as a WHIP publisher: a tiny page (served from another origin, so CORS is exercised)
 * does getUserMedia (fake camera and microphone) and a plain WHIP POST — no codec preferences,
 * Chromium offers VP8 first and the answer picks H.264. ffprobe plays h264 + aac from HTTP-FLV.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { launchBrowser, type TestBrowser } from '@zhibo/testkit';
import { ffprobeStreams, killSpawned, spawnTracked, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';
import { avOffsets } from './av-offset.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>WHIP publish</title>
<script>
async function publish(endpoint, token) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 30 }, audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
  const res = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('WHIP POST ' + res.status + ': ' + await res.text());
  const location = new URL(res.headers.get('Location'), endpoint).toString();
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  window.whip = { pc, location, token };
  return location;
}
async function unpublish() {
  const r = await fetch(window.whip.location, { method: 'DELETE', headers: { Authorization: 'Bearer ' + window.whip.token } });
  window.whip.pc.close();
  return r.status;
}
async function sentCodec() {
  const stats = await window.whip.pc.getStats();
  for (const s of stats.values()) if (s.type === 'codec' && s.mimeType.startsWith('video/')) return s.mimeType;
  return null;
}
</script>`;

let t: TestMedia | undefined;
let http: Awaited<ReturnType<typeof startFlvHttp>> | undefined;
let pageServer: Server | undefined;
let browser: TestBrowser | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await browser?.close();
  await new Promise((r) => (pageServer ? pageServer.close(r) : r(null)));
  await http?.close();
  await t?.close();
  await killSpawned();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  browser = undefined;
  pageServer = undefined;
});

function hostAddress(): string {
  const a = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!a) throw new Error('no non-loopback IPv4 address');
  return a.address;
}

async function openPublisher(args: string[], whip: Record<string, unknown> = {}) {
  // Chromium does not gather loopback candidates: the WHIP UDP side binds the host's address.
  t = await startMedia({ whip: { bindAddress: hostAddress(), ...whip } });
  http = await startFlvHttp(t.media);
  pageServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => pageServer!.listen(0, '127.0.0.1', r));
  browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', ...args] });
  const page = await (await browser.context('desktop')).newPage();
  await page.goto(`http://127.0.0.1:${(pageServer.address() as { port: number }).port}/`);
  const location = await page.evaluate(
    ([e, k]) => (window as unknown as { publish: (e: string, k: string) => Promise<string> }).publish(e!, k!),
    [http.whipUrl('12'), 'secret'],
  );
  return { page, location };
}

describe('WHIP ingest from Chromium', () => {
  it('A/V sync of a Chromium publisher (fake capture from 20 s files: flash + beep every second) measured in the FLV output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhibo-chromium-av-'));
    dirs.push(dir);
    const y4m = join(dir, 'flash.y4m');
    const wav = join(dir, 'beep.wav');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      "color=c=black:s=160x120:r=30,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t,1),0.1)'",
      '-t',
      '20',
      '-pix_fmt',
      'yuv420p',
      y4m,
    ]);
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      "aevalsrc='if(lt(mod(t,1),0.1),sin(2*PI*1000*t),0)':s=48000",
      '-t',
      '20',
      wav,
    ]);
    await openPublisher([`--use-file-for-fake-video-capture=${y4m}`, `--use-file-for-fake-audio-capture=${wav}`]);
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart', timeoutMs: 15_000 });
    const file = join(dir, 'out.flv');
    const cap = spawnTracked('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', http!.url('12'), '-t', '10', '-c', 'copy', file]);
    expect(await cap.exited).toBe(0);
    const offsets = await avOffsets(file);
    const stats = t!.media.whip!.session(t!.events.publishStart[0]!.sessionId)!.stats();
    console.info(`chromium A/V offsets (ms, audio − video): ${offsets.join(' ')}; sender reports ${JSON.stringify(stats.senderReports)}`);
    expect(offsets.length).toBeGreaterThanOrEqual(6);
    for (const o of offsets) expect(Math.abs(o)).toBeLessThan(100);
  });

  it('a page doing getUserMedia + WHIP POST (cross-origin) becomes the publisher; viewers play h264 + aac; keyframes come on PLI; DELETE ends it', async () => {
    // Chromium does not gather loopback candidates: the WHIP UDP side binds the host's address.
    t = await startMedia({ whip: { bindAddress: hostAddress(), keyframeIntervalMs: 1000 } });
    http = await startFlvHttp(t.media);
    pageServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE));
    await new Promise<void>((r) => pageServer!.listen(0, '127.0.0.1', r));
    browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
    const page = await (await browser.context('desktop')).newPage();
    await page.goto(`http://127.0.0.1:${(pageServer.address() as { port: number }).port}/`);
    const location = await page.evaluate(
      ([e, k]) => (window as unknown as { publish: (e: string, k: string) => Promise<string> }).publish(e!, k!),
      [http.whipUrl('12'), 'secret'],
    );
    expect(location).toMatch(/\/whip\/12\/w/); // Location was readable cross-origin (Access-Control-Expose-Headers)
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart', timeoutMs: 15_000 });
    expect(await ffprobeStreams(http.url('12'))).toEqual(['aac', 'h264']);
    expect(await page.evaluate(() => (window as unknown as { sentCodec: () => Promise<string | null> }).sentCodec())).toBe('video/H264');
    const session = t.media.whip!.session(t.events.publishStart[0]!.sessionId)!;
    // Chromium's own keyframe interval is minutes long; keyframes every ~1 s come from our PLIs.
    await waitFor(() => session.stats().video.keyframes >= 3, { what: 'keyframes on PLI', timeoutMs: 10_000 });
    await waitFor(() => session.stats().senderReports.video.used > 0, { what: 'a trusted video sender report', timeoutMs: 10_000 });
    expect(session.stats().audio.frames).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { unpublish: () => Promise<number> }).unpublish())).toBe(200);
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop' });
    expect(stop).toMatchObject({ streamId: '12', reason: 'deleted' });
  });
});
