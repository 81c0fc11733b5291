/** WHIP audio path: Opus packets (real libopus via ffmpeg RTP) → Ogg → ffmpeg → AAC, timeline kept across gaps. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { OpusTranscoder } from '../src/whip/opus-transcoder.js';
import { AdtsParser, type AdtsFrame } from '../src/whip/adts.js';
import { opusPacketSamples } from '../src/whip/ogg-opus.js';
import { killSpawned, spawnTracked, waitFor } from './helpers.js';
import { childProcesses } from './procs.js';

afterEach(() => killSpawned());

/** `seconds` of a 440 Hz sine as Opus RTP packets (20 ms each): payload and RTP timestamp. */
async function opusPackets(seconds: number): Promise<{ payload: Buffer; ts: number }[]> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const port = sock.address().port;
  const out: { payload: Buffer; ts: number }[] = [];
  sock.on('message', (b: Buffer) => {
    if ((b[1]! & 0x7f) >= 72 && (b[1]! & 0x7f) <= 76) return; // RTCP
    out.push({ payload: b.subarray(12 + 4 * (b[0]! & 0x0f)), ts: b.readUInt32BE(4) });
  });
  const p = spawnTracked('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    '-frame_duration',
    '20',
    '-f',
    'rtp',
    '-payload_type',
    '111',
    `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`,
  ]);
  await p.exited;
  await waitFor(() => out.length >= seconds * 50 - 1, { what: 'Opus packets', timeoutMs: 5000 });
  sock.close();
  return out;
}

const silence = { info() {}, warn() {}, error() {} };

describe('Opus → AAC', () => {
  it('opusPacketSamples reads the TOC: 20 ms CELT/SILK frames are 960 samples, code-3 packets count their frames', () => {
    expect(opusPacketSamples(Buffer.from([0xf8]))).toBe(960); // CELT FB 20 ms, 1 frame
    expect(opusPacketSamples(Buffer.from([0x09]))).toBe(1920); // SILK NB 40 ms
    expect(opusPacketSamples(Buffer.from([0xfb, 0x03]))).toBe(2880); // CELT 20 ms × 3 frames
    expect(opusPacketSamples(Buffer.from([]))).toBe(0);
  });

  it('a lost stretch of packets becomes silence: the AAC timeline still matches the RTP clock, and stop() ends ffmpeg', async () => {
    const packets = await opusPackets(4);
    const frames: { f: AdtsFrame; rtp: number }[] = [];
    const tc = new OpusTranscoder({ logger: silence, label: 'test', onFrame: (f, rtp) => frames.push({ f, rtp }) });
    const first = packets[0]!.ts;
    packets.forEach((p, i) => {
      if (i < 50 || i >= 75) tc.push(p.payload, p.ts - first); // 25 packets (500 ms) lost after 1 s
    });
    const last = packets[packets.length - 1]!.ts - first;
    await waitFor(() => frames.length > 0 && frames[frames.length - 1]!.rtp >= last - 3 * 1024, {
      what: 'AAC up to the last packet',
      timeoutMs: 10_000,
    });
    expect(frames[0]!.rtp).toBe(0);
    expect(frames[0]!.f.sampleRate).toBe(48000);
    expect([...frames[0]!.f.config]).toEqual([0x11, 0x90]); // AAC LC, 48 kHz, stereo
    // one AAC frame per 1024 samples of the whole span, gap included
    expect(Math.abs(frames.length - last / 1024)).toBeLessThan(4);
    expect(tc.pids).toHaveLength(1);
    expect(childProcesses('adts')).toEqual(tc.pids);
    await tc.stop();
    expect(childProcesses('adts')).toEqual([]);
    await tc.stop(); // idempotent
  });

  it('AdtsParser skips garbage and resynchronises on the next sync word', () => {
    const frame = Buffer.from([0xff, 0xf1, 0x4c, 0x80, 0x01, 0x3f, 0xfc, 0xaa, 0xbb]); // 9 bytes: 7 header + 2
    const got: Buffer[] = [];
    const p = new AdtsParser((f) => got.push(f.data));
    p.push(Buffer.concat([Buffer.from([1, 2, 3]), frame.subarray(0, 5)]));
    p.push(Buffer.concat([frame.subarray(5), frame]));
    expect(got.map((b) => b.toString('hex'))).toEqual(['aabb', 'aabb']);
    expect(p.skipped).toBe(3);
  });
});
