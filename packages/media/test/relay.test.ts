/**
 * Relays (cluster edges, issue 13): a second media server relays a stream published on the first through one
 * HTTP-FLV pull (`pullFlv` → `openRelay().push`), viewers waiting on the edge attach when it opens, a second upstream
 * session continues the timestamps, and a local publisher closes the relay. Real ffmpeg publishers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { buildTag, flvHeader, pullFlv } from '../src/index.js';
import { ffmpegPublish, killSpawned, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';

type Front = Awaited<ReturnType<typeof startFlvHttp>>;

/** Tags read from an HTTP-FLV URL: video timestamps and keyframe count. */
function reader(url: string) {
  const r = { videoTs: [] as number[], keyframes: 0, ended: undefined as string | undefined };
  const p = pullFlv(url, {
    onTag(t) {
      if ((t[0]! & 0x1f) !== 9) return;
      r.videoTs.push((t.readUIntBE(4, 3) | (t[7]! << 24)) >>> 0);
      if (t[11]! >> 4 === 1 && t[12] === 1) r.keyframes++;
    },
  });
  void p.done.then((w) => (r.ended = w));
  return Object.assign(r, { abort: () => p.abort() });
}

describe('media relays (cluster edges)', () => {
  const open: Array<TestMedia | Front> = [];
  const aborts: Array<() => void> = [];
  afterEach(async () => {
    for (const a of aborts.splice(0)) a();
    await killSpawned();
    for (const o of open.splice(0).reverse()) await o.close();
  });

  async function pair() {
    const origin = await startMedia();
    const edge = await startMedia();
    const [of, ef] = [await startFlvHttp(origin.media), await startFlvHttp(edge.media)];
    open.push(origin, edge, of, ef);
    return { origin, edge, of, ef };
  }

  it("openRelay + pullFlv: a viewer waiting on the edge gets the origin's stream through one pull; a relay is not a publisher", async () => {
    const { origin, edge, of, ef } = await pair();
    ffmpegPublish(origin.rtmpUrl('s1'), { gop: 25 });
    await waitFor(() => origin.media.hasPublisher('s1'), { what: 'publisher', timeoutMs: 15_000 });
    const viewer = reader(ef.url('s1')); // waits: the edge has nothing yet
    aborts.push(viewer.abort);
    const feed = edge.media.openRelay('s1');
    const pull = pullFlv(of.url('s1'), { onTag: (t) => feed.push(t) });
    aborts.push(() => pull.abort());
    await waitFor(() => viewer.keyframes >= 2, { what: 'video through the relay', timeoutMs: 15_000 });
    expect(edge.media.hasPublisher('s1')).toBe(false); // a relay is not a publisher (no recording, no publishStart)
    expect(edge.events.publishStart).toHaveLength(0);
    expect(feed.viewers).toBe(1);
    expect(edge.media.viewerCount('s1')).toBe(1);
  });

  it('a new upstream session continues the timestamps of the last one; the viewer keeps its connection', async () => {
    const { origin, edge, of, ef } = await pair();
    const first = ffmpegPublish(origin.rtmpUrl('s2'), { gop: 25 });
    await waitFor(() => origin.media.hasPublisher('s2'), { what: 'publisher', timeoutMs: 15_000 });
    const feed = edge.media.openRelay('s2');
    const viewer = reader(ef.url('s2'));
    aborts.push(viewer.abort);
    let pull = pullFlv(of.url('s2'), { onTag: (t) => feed.push(t) });
    await waitFor(() => viewer.keyframes >= 2, { what: 'video', timeoutMs: 15_000 });
    first.child.kill('SIGKILL');
    await pull.done;
    const lastTs = viewer.videoTs.at(-1)!;
    const n = viewer.videoTs.length;
    ffmpegPublish(origin.rtmpUrl('s2'), { gop: 25 });
    await waitFor(() => origin.media.hasPublisher('s2'), { what: 'the second session', timeoutMs: 15_000 });
    feed.beginUpstream();
    pull = pullFlv(of.url('s2'), { onTag: (t) => feed.push(t) });
    aborts.push(() => pull.abort());
    await waitFor(() => viewer.keyframes >= 4, { what: 'video of the second session', timeoutMs: 15_000 });
    expect(viewer.ended).toBeUndefined();
    expect(viewer.videoTs[n]!).toBeGreaterThan(lastTs);
    expect(viewer.videoTs[n]! - lastTs).toBeLessThan(200);
  });

  it('a local publisher of the stream closes its relay (viewers reconnect to the local hub)', async () => {
    const { origin, edge, of, ef } = await pair();
    ffmpegPublish(origin.rtmpUrl('s3'), { gop: 25 });
    await waitFor(() => origin.media.hasPublisher('s3'), { what: 'publisher', timeoutMs: 15_000 });
    const feed = edge.media.openRelay('s3');
    const pull = pullFlv(of.url('s3'), { onTag: (t) => feed.push(t) });
    aborts.push(() => pull.abort());
    const viewer = reader(ef.url('s3'));
    aborts.push(viewer.abort);
    await waitFor(() => viewer.keyframes >= 1, { what: 'video', timeoutMs: 15_000 });
    ffmpegPublish(edge.rtmpUrl('s3'), { gop: 25 });
    await waitFor(() => edge.media.hasPublisher('s3'), { what: 'the local publisher', timeoutMs: 15_000 });
    await waitFor(() => feed.closed && viewer.ended !== undefined, { what: 'the relay closed' });
    expect(edge.media.relay('s3')).toBeUndefined();
  });

  it('pullFlv rejects an upstream that is not FLV or not there, with the reason', async () => {
    const { of } = await pair();
    const missing = pullFlv(of.url('nobody').replace('.flv', '.txt'), { onTag: () => {} });
    await expect(missing.opened).rejects.toThrow(/answered 404/);
    expect(await missing.done).toBe('HTTP 404');
    const refused = pullFlv('http://127.0.0.1:1/x.flv', { onTag: () => {} });
    await expect(refused.opened).rejects.toThrow(/ECONNREFUSED/);
  });

  it('pullFlv hands over every whole tag whatever the chunk boundaries (1-byte to 5000-byte pieces)', async () => {
    const tags = Array.from({ length: 60 }, (_, i) => buildTag(i % 2 ? 9 : 8, i * 40, Buffer.alloc(1 + ((i * 997) % 9000), i)));
    const stream = Buffer.concat([flvHeader(), ...tags]);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/x-flv' });
      let o = 0;
      const next = () => {
        if (o >= stream.length) return res.end();
        const n = rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * 5000);
        res.write(stream.subarray(o, o + n));
        o += n;
        setImmediate(next);
      };
      next();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const got: Buffer[] = [];
      const p = pullFlv(`http://127.0.0.1:${(srv.address() as { port: number }).port}/x.flv`, { onTag: (t) => got.push(Buffer.from(t)) });
      expect(await p.done).toBe('upstream ended');
      expect(got).toHaveLength(tags.length);
      for (let i = 0; i < tags.length; i++) expect(got[i]!.equals(tags[i]!)).toBe(true);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
