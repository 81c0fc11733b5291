/** WHIP HTTP semantics (RFC 9725) and every bad input, each its own test, over real HTTP. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import type { AuthorizeRequest, AuthorizeResult } from '../src/index.js';
import { killSpawned, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';
import { postOffer, testOffer, testPeer, whipPush, type WhipPush } from './whip-client.js';
import { TestRtmpClient } from './rtmp-client.js';
import { answerOffer, createPeer } from '../src/whip/peer.js';
import { createSocket, type Socket } from 'node:dgram';

let t: TestMedia | undefined;
let http: Awaited<ReturnType<typeof startFlvHttp>> | undefined;
const pushes: WhipPush[] = [];
const peers: RTCPeerConnection[] = [];
let seen: AuthorizeRequest[] = [];
let h264Offer = '';
let vp8Offer = '';

/** Like the server's gate: key "secret", room 13 has ended, room 14 refuses without a kind. */
async function authorize(r: AuthorizeRequest): Promise<AuthorizeResult> {
  seen.push(r);
  if (r.query.key !== 'secret') return { ok: false, reason: `room ${r.streamName}: wrong stream key`, kind: 'unauthorized' };
  if (r.streamName === '13') return { ok: false, reason: 'room 13 is 103 (ended) and can not go live', kind: 'forbidden' };
  if (r.streamName === '14') return { ok: false, reason: 'room 14 is banned' };
  return { ok: true, streamId: r.streamName };
}

beforeAll(async () => {
  const a = testPeer('H264');
  const b = testPeer('VP8');
  peers.push(a, b);
  h264Offer = await testOffer(a);
  vp8Offer = await testOffer(b);
});

afterAll(async () => {
  for (const p of peers) await p.close();
});

async function start(): Promise<void> {
  seen = [];
  t = await startMedia({ whip: { bindAddress: '127.0.0.1', mediaTimeoutMs: 5000 }, authorizePublish: authorize });
  http = await startFlvHttp(t.media);
}

afterEach(async () => {
  for (const p of pushes.splice(0)) await p.vanish();
  await http?.close();
  await t?.close();
  await killSpawned();
  t = undefined;
  http = undefined;
});

const endpoint = (name = '12') => http!.whipUrl(name);

describe('WHIP HTTP semantics', () => {
  it('OPTIONS on the endpoint answers 204 with CORS headers and Accept-Post: application/sdp', async () => {
    await start();
    const r = await fetch(endpoint(), {
      method: 'OPTIONS',
      headers: { Origin: 'https://anchor.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toContain('POST');
    expect(r.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(r.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    expect(r.headers.get('access-control-expose-headers')).toMatch(/Location/);
    expect(r.headers.get('accept-post')).toBe('application/sdp');
  });

  it('POST with a good key answers 201 with an SDP answer, Location, ETag and the gate saw app live, the room id and the key', async () => {
    await start();
    const r = await postOffer(endpoint('12'), h264Offer, 'secret');
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe('application/sdp');
    expect(r.headers.get('location')).toMatch(/^\/whip\/12\/w[0-9a-z-]+$/);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
    const answer = await r.text();
    expect(answer).toMatch(/^v=0/);
    expect(answer).toMatch(/a=rtpmap:\d+ H264\/90000/);
    expect(answer).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    expect(answer).not.toMatch(/a=candidate:\S+ 1 udp \d+ (?!127\.0\.0\.1)/); // bindAddress: only that address
    expect(seen).toEqual([
      { app: 'live', streamName: '12', query: { key: 'secret' }, remoteAddress: expect.stringMatching(/127\.0\.0\.1/) },
    ]);
    expect(t!.media.hasPublisher('12')).toBe(true); // reserved while connecting
    expect((await fetch(new URL(r.headers.get('location')!, endpoint()), { method: 'DELETE' })).status).toBe(200);
    await waitFor(() => !t!.media.hasPublisher('12'), { what: 'reservation released' });
  });

  it('POST without Authorization is refused with 401 and WWW-Authenticate: Bearer, before the gate is asked', async () => {
    await start();
    const r = await postOffer(endpoint(), h264Offer, null);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(await r.text()).toMatch(/Authorization: Bearer/);
    expect(seen).toHaveLength(0);
  });

  it("POST with a wrong stream key is refused with 401 and the gate's reason", async () => {
    await start();
    const r = await postOffer(endpoint(), h264Offer, 'nope');
    expect(r.status).toBe(401);
    expect(await r.text()).toMatch(/wrong stream key/);
    expect(t!.media.hasPublisher('12')).toBe(false);
  });

  it('POST to a room whose status refuses publishing is refused with 403 and the reason', async () => {
    await start();
    const r = await postOffer(endpoint('13'), h264Offer, 'secret');
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/103 \(ended\)/);
  });

  it('a refusal without a kind is a 403', async () => {
    await start();
    const r = await postOffer(endpoint('14'), h264Offer, 'secret');
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/banned/);
  });

  it('a second WHIP publisher for a stream is refused with 409 while the first publishes', async () => {
    await start();
    pushes.push(await whipPush(endpoint('12')));
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'first publisher' });
    const r = await postOffer(endpoint('12'), h264Offer, 'secret');
    expect(r.status).toBe(409);
    expect(await r.text()).toMatch(/already being published/);
    expect(t!.events.publishStart).toHaveLength(1);
  });

  it('a WHIP publisher is refused with 409 while an RTMP publisher has the stream, and vice versa', async () => {
    await start();
    const rtmp = new TestRtmpClient(t!.port);
    try {
      expect(await rtmp.publish('live', '12?key=secret')).toBe('NetStream.Publish.Start');
      expect((await postOffer(endpoint('12'), h264Offer, 'secret')).status).toBe(409);
      pushes.push(await whipPush(endpoint('15')));
      await waitFor(() => t!.events.publishStart.some((e) => e.streamId === '15'), { what: 'WHIP publisher on 15' });
      const second = new TestRtmpClient(t!.port);
      try {
        expect(await second.publish('live', '15?key=secret')).toBe('NetStream.Publish.BadName');
      } finally {
        second.close();
      }
    } finally {
      rtmp.close();
    }
  });

  it('POST with a body that is not SDP is refused with 400 and says why', async () => {
    await start();
    const r = await postOffer(endpoint(), 'hello, this is not an offer', 'secret');
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/not an SDP offer/);
    expect(t!.media.hasPublisher('12')).toBe(false);
  });

  it('POST with an SDP that has no media line is refused with 400', async () => {
    await start();
    const r = await postOffer(endpoint(), 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', 'secret');
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/no media/);
  });

  it('POST with Content-Type other than application/sdp is refused with 415 and Accept-Post', async () => {
    await start();
    const r = await postOffer(endpoint(), h264Offer, 'secret', 'text/plain');
    expect(r.status).toBe(415);
    expect(r.headers.get('accept-post')).toBe('application/sdp');
    expect(seen).toHaveLength(0);
  });

  it('an offer without H.264 (VP8 only) is refused with 406 and a clear text body', async () => {
    await start();
    const r = await postOffer(endpoint(), vp8Offer, 'secret');
    expect(r.status).toBe(406);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await r.text();
    expect(body).toMatch(/no H\.264/);
    expect(body).toMatch(/VP8/);
    expect(t!.media.hasPublisher('12')).toBe(false);
  });

  it('an offer without Opus audio is refused with 406', async () => {
    await start();
    const noOpus = h264Offer.replace(/opus\/48000\/2/g, 'PCMU/8000');
    const r = await postOffer(endpoint(), noOpus, 'secret');
    expect(r.status).toBe(406);
    expect(await r.text()).toMatch(/no Opus/);
  });

  it('GET on the endpoint is 405 with Allow, and an unknown path is 404', async () => {
    await start();
    const r = await fetch(endpoint());
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await fetch(`${endpoint()}/x/y`, { method: 'DELETE' })).status).toBe(404);
  });

  it('DELETE of an unknown session is 404', async () => {
    await start();
    expect((await fetch(`${endpoint()}/wnope`, { method: 'DELETE' })).status).toBe(404);
  });

  it("DELETE with another token than the session's is refused with 401 and publishing goes on", async () => {
    await start();
    const p = await whipPush(endpoint('12'));
    pushes.push(p);
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart' });
    const r = await fetch(p.location, { method: 'DELETE', headers: { Authorization: 'Bearer other' } });
    expect(r.status).toBe(401);
    expect(t!.media.hasPublisher('12')).toBe(true);
  });

  it('PATCH with a trickled candidate answers 204; a stale If-Match is 412; a new ufrag (ICE restart) is 422; other content types 415', async () => {
    await start();
    const r = await postOffer(endpoint(), h264Offer, 'secret');
    expect(r.status).toBe(201);
    const loc = new URL(r.headers.get('location')!, endpoint()).toString();
    const etag = r.headers.get('etag')!;
    const ufrag = /a=ice-ufrag:(\S+)/.exec(h264Offer)![1]!;
    const pwd = /a=ice-pwd:(\S+)/.exec(h264Offer)![1]!;
    const frag = (u: string) =>
      `a=ice-ufrag:${u}\r\na=ice-pwd:${pwd}\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 2113937151 127.0.0.1 40999 typ host\r\na=end-of-candidates\r\n`;
    const patch = (body: string, headers: Record<string, string>) =>
      fetch(loc, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag', ...headers }, body });
    expect((await patch(frag(ufrag), { 'If-Match': etag })).status).toBe(204);
    expect((await patch(frag(ufrag), { 'If-Match': '"stale"' })).status).toBe(412);
    const restart = await patch(frag('newufrag'), { 'If-Match': '*' });
    expect(restart.status).toBe(422);
    expect(await restart.text()).toMatch(/ICE restarts are not supported/);
    expect((await patch(frag(ufrag), { 'Content-Type': 'application/sdp' })).status).toBe(415);
    expect((await fetch(loc, { method: 'OPTIONS' })).headers.get('accept-patch')).toBe('application/trickle-ice-sdpfrag');
  });

  it('when no UDP port of udpPortRange is free the POST is refused with 503 and the stream stays free', async () => {
    // two ports below the ephemeral range, both taken by us
    const taken: Socket[] = [];
    let base = 0;
    for (let tries = 0; taken.length < 2 && tries < 50; tries++) {
      for (const s of taken.splice(0)) s.close();
      base = 20000 + Math.floor(Math.random() * 12000);
      for (const port of [base, base + 1]) {
        const s = createSocket('udp4');
        const ok = await new Promise<boolean>((r) => {
          s.once('error', () => r(false));
          s.bind(port, '127.0.0.1', () => r(true));
        });
        if (ok) taken.push(s);
        else s.close();
      }
    }
    try {
      expect(taken).toHaveLength(2);
      seen = [];
      t = await startMedia({ whip: { bindAddress: '127.0.0.1', udpPortRange: [base, base + 1] }, authorizePublish: authorize });
      http = await startFlvHttp(t.media);
      const r = await postOffer(endpoint(), h264Offer, 'secret');
      expect(r.status).toBe(503);
      expect(await r.text()).toMatch(/no UDP port free/);
      await waitFor(() => t!.media.whip!.sessionCount === 0 && !t!.media.hasPublisher('12'), { what: 'nothing held' });
      expect(t.logs.some((l) => l.startsWith('warn') && l.includes(`no UDP port free in ${base}-${base + 1}`))).toBe(true);
    } finally {
      for (const s of taken) s.close();
    }
  });

  it('when the gate maps the name to another stream id, the session URL keeps the name and DELETE finds it', async () => {
    t = await startMedia({
      whip: { bindAddress: '127.0.0.1' },
      authorizePublish: async (r) => ({ ok: true, streamId: `room-${r.streamName}` }),
    });
    http = await startFlvHttp(t.media);
    const r = await postOffer(endpoint('12'), h264Offer, 'secret');
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toMatch(/^\/whip\/12\//);
    expect(t.media.hasPublisher('room-12')).toBe(true);
    expect((await fetch(new URL(r.headers.get('location')!, endpoint()), { method: 'DELETE' })).status).toBe(200);
    await waitFor(() => !t!.media.hasPublisher('room-12'), { what: 'released' });
  });

  it('a body larger than the limit is refused with 413', async () => {
    await start();
    const r = await postOffer(endpoint(), `v=0\r\n${'a=x\r\n'.repeat(20_000)}`, 'secret');
    expect(r.status).toBe(413);
  });
});

describe('WHIP peer', () => {
  it("never queries a public STUN server: werift's stun.l.google.com fallback is removed before gathering", async () => {
    const plain = testPeer(); // werift with iceServers: [] …
    peers.push(plain);
    await plain.setRemoteDescription({ type: 'offer', sdp: h264Offer });
    expect(plain.iceTransports[0]!.connection.stunServer).toEqual(['stun.l.google.com', 19302]); // … still has Google's
    const pc = createPeer({ bindAddress: '127.0.0.1' });
    peers.push(pc);
    const answer = await answerOffer(pc, h264Offer);
    expect(pc.iceTransports.length).toBeGreaterThan(0);
    for (const t of pc.iceTransports) expect(t.connection.stunServer).toBeUndefined();
    expect(answer).not.toMatch(/typ srflx/);
  });
});
