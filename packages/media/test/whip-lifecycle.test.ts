/** WHIP session lifecycle: timeouts, a vanished peer, kick, and close() releasing UDP ports and ffmpeg. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { killSpawned, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';
import { postOffer, testOffer, testPeer, whipPush, type WhipPush } from './whip-client.js';
import { childProcesses, udpPortsOfThisProcess } from './procs.js';

let t: TestMedia | undefined;
let http: Awaited<ReturnType<typeof startFlvHttp>> | undefined;
const pushes: WhipPush[] = [];
const peers: RTCPeerConnection[] = [];
// A port range of our own below the ephemeral ports (32768+ on Linux), so this file's server sockets
// can be told apart from the test clients' (which bind ephemeral ports).
const base = 20000 + Math.floor(Math.random() * 120) * 100;
const RANGE: [number, number] = [base, base + 99];
const inRange = () => udpPortsOfThisProcess().filter((p) => p >= RANGE[0] && p <= RANGE[1]);
const transcoders = () => childProcesses('adts');

async function start(whip: Record<string, number> = {}, stallTimeoutMs = 1500): Promise<void> {
  t = await startMedia({ stallTimeoutMs, whip: { bindAddress: '127.0.0.1', udpPortRange: RANGE, ...whip } });
  http = await startFlvHttp(t.media);
}

afterEach(async () => {
  for (const p of pushes.splice(0)) await p.vanish();
  for (const p of peers.splice(0)) await p.close();
  await http?.close();
  await t?.close();
  await killSpawned();
  t = undefined;
  http = undefined;
});

describe('WHIP session lifecycle', () => {
  it('a session that never connects is cleaned up after mediaTimeoutMs: no publishStart, the stream is free, its UDP port released', async () => {
    await start({ mediaTimeoutMs: 1000 });
    const pc = testPeer();
    peers.push(pc);
    const r = await postOffer(http!.whipUrl('12'), await testOffer(pc), 'secret'); // the answer is never applied
    expect(r.status).toBe(201);
    expect(inRange().length).toBeGreaterThan(0);
    expect(t!.media.hasPublisher('12')).toBe(true);
    await waitFor(() => t!.media.whip!.sessionCount === 0, { what: 'session cleaned up', timeoutMs: 5000 });
    expect(t!.media.hasPublisher('12')).toBe(false);
    expect(t!.events.publishStart).toHaveLength(0);
    expect(t!.events.publishStop).toHaveLength(0);
    expect(inRange()).toEqual([]);
    expect(t!.logs.some((l) => /ended before publishing: timeout/.test(l))).toBe(true);
  });

  it('a connected publisher that sends no media is stopped with reason timeout after mediaTimeoutMs', async () => {
    await start({ mediaTimeoutMs: 1500 });
    pushes.push(await whipPush(http!.whipUrl('12'), { noMedia: true }));
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart' });
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop', timeoutMs: 5000 });
    expect(stop).toMatchObject({ streamId: '12', reason: 'timeout' });
    expect(stop.detail).toMatch(/no video keyframe within 1500 ms/);
    await waitFor(() => t!.media.whip!.sessionCount === 0, { what: 'session gone' });
  });

  it('a publisher that vanishes without DELETE gets publishStop ice_failed within seconds', async () => {
    await start();
    const p = await whipPush(http!.whipUrl('12'));
    pushes.push(p);
    await waitFor(() => t!.media.whip!.session(t!.events.publishStart[0]?.sessionId ?? '')?.stats().video.keyframes, {
      what: 'media flowing',
    });
    const gone = Date.now();
    await p.vanish();
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop', timeoutMs: 8000 });
    expect(stop).toMatchObject({ streamId: '12', reason: 'ice_failed' });
    expect(Date.now() - gone).toBeLessThan(5000);
    await waitFor(() => inRange().length === 0 && transcoders().length === 0, { what: 'port and ffmpeg released' });
  });

  it('a publisher whose media stops while its connection lives gets publishStop timeout', async () => {
    await start();
    const p = await whipPush(http!.whipUrl('12'));
    pushes.push(p);
    await waitFor(() => t!.media.whip!.session(t!.events.publishStart[0]?.sessionId ?? '')?.stats().video.keyframes, {
      what: 'media flowing',
    });
    process.kill(p.ffmpeg.pid, 'SIGKILL'); // the encoder dies; werift keeps the connection (RTCP) alive
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop', timeoutMs: 8000 });
    expect(stop).toMatchObject({ streamId: '12', reason: 'timeout' });
    expect(stop.detail).toMatch(/no media for/);
  });

  it('kick(streamId) closes a WHIP publisher: publishStop kicked, its session URL is gone', async () => {
    await start();
    const p = await whipPush(http!.whipUrl('12'));
    pushes.push(p);
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart' });
    expect(t!.media.kick('12', 'room ended')).toBe(true);
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop' });
    expect(stop).toMatchObject({ streamId: '12', reason: 'kicked', detail: 'room ended' });
    expect(t!.media.hasPublisher('12')).toBe(false);
    expect((await fetch(p.location, { method: 'DELETE' })).status).toBe(404);
    await waitFor(() => inRange().length === 0 && transcoders().length === 0, { what: 'port and ffmpeg released' });
  });

  it('kick(streamId) also closes a WHIP session that is still connecting, and frees the stream', async () => {
    await start({ mediaTimeoutMs: 30_000 });
    const pc = testPeer();
    peers.push(pc);
    expect((await postOffer(http!.whipUrl('12'), await testOffer(pc), 'secret')).status).toBe(201);
    expect(t!.media.kick('12', 'banned')).toBe(true);
    await waitFor(() => t!.media.whip!.sessionCount === 0 && !t!.media.hasPublisher('12'), { what: 'session closed' });
    expect(t!.events.publishStop).toHaveLength(0);
  });

  it('close() ends WHIP publishers (socket_closed) and leaves no UDP socket and no Opus→AAC ffmpeg behind', async () => {
    await start();
    const before = transcoders().length;
    pushes.push(await whipPush(http!.whipUrl('12')), await whipPush(http!.whipUrl('13')));
    await waitFor(() => t!.events.publishStart.length === 2 && transcoders().length === before + 2, {
      what: 'two publishers with their transcoders',
    });
    expect(inRange().length).toBeGreaterThanOrEqual(2);
    await http!.close();
    await t!.close();
    expect(t!.events.publishStop.map((e) => e.reason).sort()).toEqual(['socket_closed', 'socket_closed']);
    expect(inRange()).toEqual([]); // the clients are still up: these were the server's
    expect(transcoders()).toHaveLength(before);
    await t!.close(); // idempotent
    http = undefined;
    t = undefined;
  });
});
