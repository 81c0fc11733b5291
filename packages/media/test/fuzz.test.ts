/**
 * Fuzzing the RTMP ingest over real sockets: random bytes and mutated copies of a real ffmpeg
 * publish (bit flips, truncation, splices, chunk size changes, insertions) against a live server,
 * while a real ffmpeg publish on another stream keeps playing. Bounded in time; seeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { controlMessages, encodeMessage } from '../src/index.js';
import { ffmpegPublish, flvClient, killSpawned, recordingProxy, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';

const CORPUS = fileURLToPath(new URL('./corpus/ffmpeg-publish.bin', import.meta.url));
const FUZZ_MS = 8_000;
const MAX_CASES = 2500;
const PARALLEL = 32;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function recordCorpus(): Promise<Buffer> {
  const t = await startMedia();
  const proxy = await recordingProxy(t.port);
  try {
    const p = ffmpegPublish(`rtmp://127.0.0.1:${proxy.port}/live/corpus?key=secret`, { seconds: 3, size: '160x90', rate: 10, gop: 10 });
    await p.exited;
    await waitFor(() => t.events.publishStop.length > 0, { what: 'corpus publish end' });
    return proxy.recorded();
  } finally {
    await proxy.close();
    await t.close();
  }
}

type Mutator = (c: Buffer, rnd: () => number) => Buffer;
const HS = 1 + 1536 * 2;
const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);
const randomBuf = (rnd: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => int(rnd, 256)));

const mutators: Record<string, Mutator> = {
  random: (_c, rnd) => randomBuf(rnd, 1 + int(rnd, 4096)),
  handshakeThenRandom: (c, rnd) => Buffer.concat([c.subarray(0, HS), randomBuf(rnd, 1 + int(rnd, 4096))]),
  bitFlips: (c, rnd) => {
    const b = Buffer.from(c);
    const n = 1 + int(rnd, 16);
    for (let i = 0; i < n; i++) {
      const at = HS + int(rnd, b.length - HS);
      b[at]! ^= 1 << int(rnd, 8);
    }
    return b;
  },
  truncate: (c, rnd) => c.subarray(0, int(rnd, c.length)),
  splice: (c, rnd) => {
    const a = int(rnd, c.length);
    const b = int(rnd, c.length);
    return Buffer.concat([c.subarray(0, a), c.subarray(b)]);
  },
  chunkSize: (c, rnd) => {
    const sizes = [0, 1, 2, 127, 129, 4095, 0xffffff, 0x7fffffff, 0x80000000, int(rnd, 0xffffffff)];
    const at = HS + int(rnd, Math.min(4000, c.length - HS));
    return Buffer.concat([
      c.subarray(0, at),
      encodeMessage(controlMessages.setChunkSize(sizes[int(rnd, sizes.length)]!), 128),
      c.subarray(at),
    ]);
  },
  insertRandom: (c, rnd) => {
    const at = HS + int(rnd, c.length - HS);
    return Buffer.concat([c.subarray(0, at), randomBuf(rnd, 1 + int(rnd, 64)), c.subarray(at)]);
  },
  hugeLength: (c, rnd) => {
    // a valid start, then a message header announcing a 16 MiB message on a fresh chunk stream
    const at = HS + int(rnd, 2000);
    return Buffer.concat([c.subarray(0, at), Buffer.from([0x0a, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0]), randomBuf(rnd, 100)]);
  },
};

function sendCase(port: number, data: Buffer, rnd: () => number): Promise<void> {
  const ending = int(rnd, 4); // 0: end, 1: destroy, 2-3: leave open (server must time it out)
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.on('data', () => {});
    s.on('connect', async () => {
      let i = 0;
      while (i < data.length && !s.destroyed) {
        const n = 1 + int(rnd, 2048);
        s.write(data.subarray(i, i + n));
        i += n;
        if (rnd() < 0.2) await new Promise((r) => setImmediate(r));
      }
      if (ending === 0) s.end();
      else if (ending === 1) s.destroy();
      setTimeout(() => s.destroy(), 8000).unref(); // the server should have closed it long before
    });
  });
}

describe('RTMP ingest fuzzing', () => {
  let t: TestMedia;
  let corpus: Buffer;
  let n = 0;

  beforeAll(async () => {
    corpus = existsSync(CORPUS) ? readFileSync(CORPUS) : await recordCorpus();
    if (!existsSync(CORPUS)) writeFileSync(CORPUS, corpus);
    t = await startMedia({
      idleTimeoutMs: 500,
      stallTimeoutMs: 1000,
      authorizePublish: async (r) => (r.streamName === 'good' ? { ok: true, streamId: 'good' } : { ok: true, streamId: `fz${n++}` }),
    });
  });

  afterAll(async () => {
    await killSpawned();
    await t?.close();
  });

  it('random and mutated publishes never crash the process, every connection is closed, and a real publish keeps working', async () => {
    expect(corpus.length).toBeGreaterThan(HS);
    const http = await startFlvHttp(t.media);
    try {
      ffmpegPublish(t.rtmpUrl('good'), { seconds: 60 });
      await waitFor(() => t.media.hub('good')?.stats().gopTags, { what: 'good stream' });
      const viewer = await flvClient(http.url('good'));
      await waitFor(() => viewer.flv.keyframes > 0, { what: 'good viewer keyframe' });

      const rnd = mulberry32(20240601);
      const names = Object.keys(mutators);
      const counts: Record<string, number> = {};
      const deadline = Date.now() + FUZZ_MS;
      let cases = 0;
      const keysBefore = viewer.flv.keyframes;
      const worker = async () => {
        while (Date.now() < deadline && cases < MAX_CASES) {
          cases++;
          const name = names[int(rnd, names.length)]!;
          counts[name] = (counts[name] ?? 0) + 1;
          await sendCase(t.port, mutators[name]!(corpus, rnd), rnd);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      // During: the good stream kept flowing to its viewer.
      expect(viewer.flv.keyframes).toBeGreaterThan(keysBefore);
      expect(cases).toBeGreaterThan(50);
      // After: every fuzz connection is closed; only the good publisher remains.
      await waitFor(() => t.media.connectionCount === 1, {
        what: `fuzz connections closed (open: ${t.media.connectionCount})`,
        timeoutMs: 6000,
      });
      expect(t.media.hasPublisher('good')).toBe(true);
      expect(t.media.liveStreams()).toEqual(['good']);
      expect(t.events.publishStop.find((e) => e.streamId === 'good')).toBeUndefined();
      const keysAfter = viewer.flv.keyframes;
      await waitFor(() => viewer.flv.keyframes > keysAfter, { what: 'good stream still flowing after fuzzing' });
      // Peer errors are warnings; an "internal error" would be a bug in our parser.
      expect(t.logs.filter((l) => l.includes('internal error'))).toEqual([]);
      viewer.socket.destroy();
      console.log(
        `fuzz: ${cases} cases ${JSON.stringify(counts)}; ${t.events.publishStart.length - 1} reached publishing; ${t.logs.filter((l) => l.startsWith('warn')).length} closed with a protocol warning`,
      );
    } finally {
      await http.close();
    }
  });
});
