import { describe, expect, it } from 'vitest';
import { ChunkReader, FLV_HEADROOM, type RtmpMessage } from './chunk-reader.js';
import { basicHeader, controlMessages, encodeMessage, MSG } from './chunk-writer.js';
import { RtmpLimitError, RtmpProtocolError } from '../errors.js';

function collect(limits = {}) {
  const got: RtmpMessage[] = [];
  const reader = new ChunkReader((m) => got.push({ ...m, payload: Buffer.from(m.payload) }), limits);
  return { reader, got };
}

function u24(v: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(v, 0, 3);
  return b;
}

function payload(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('ChunkReader', () => {
  it('reassembles multi-chunk messages fed in any fragmentation (byte by byte, random splits)', () => {
    const msgs = [
      { csid: 4, typeId: MSG.Video, timestamp: 40, streamId: 1, payload: payload(1000) },
      { csid: 5, typeId: MSG.Audio, timestamp: 41, streamId: 1, payload: payload(300, 7) },
      { csid: 4, typeId: MSG.Video, timestamp: 80, streamId: 1, payload: payload(129, 3) },
      { csid: 3, typeId: MSG.CommandAmf0, timestamp: 0, streamId: 0, payload: Buffer.alloc(0) },
    ];
    const wire = Buffer.concat(msgs.map((m) => encodeMessage(m, 128)));
    for (const split of ['bytes', 'random', 'whole'] as const) {
      const { reader, got } = collect();
      if (split === 'whole') reader.push(wire);
      else
        for (let i = 0; i < wire.length;) {
          const n = split === 'bytes' ? 1 : 1 + Math.floor(Math.random() * 300);
          reader.push(wire.subarray(i, i + n));
          i += n;
        }
      expect(got.map((m) => [m.csid, m.typeId, m.timestamp, m.streamId, m.payload.length])).toEqual(
        msgs.map((m) => [m.csid, m.typeId, m.timestamp, m.streamId, m.payload.length]),
      );
      got.forEach((m, i) => expect(m.payload.equals(msgs[i]!.payload)).toBe(true));
    }
  });

  it('places the payload at FLV_HEADROOM in a frame with 4 spare bytes after it', () => {
    const frames: RtmpMessage[] = [];
    new ChunkReader((m) => frames.push(m)).push(
      encodeMessage({ csid: 4, typeId: 9, timestamp: 0, streamId: 1, payload: payload(500) }, 128),
    );
    expect(frames[0]!.frame.length).toBe(FLV_HEADROOM + 500 + 4);
    expect(frames[0]!.payload.byteOffset - frames[0]!.frame.byteOffset).toBe(FLV_HEADROOM);
  });

  it('applies fmt 1, 2 and 3 headers with timestamp deltas as in spec 5.3.1.2 (fmt 3 after fmt 0 reuses the fmt 0 field)', () => {
    const { reader, got } = collect();
    const d = payload(32);
    reader.push(
      Buffer.concat([
        basicHeader(0, 3),
        u24(1000),
        u24(32),
        Buffer.from([8, 1, 0, 0, 0]),
        d, // fmt0 ts 1000
        basicHeader(2, 3),
        u24(20),
        d, // fmt2 delta 20 → 1020
        basicHeader(3, 3),
        d, // fmt3 → 1040
        basicHeader(3, 3),
        d, // fmt3 → 1060
        basicHeader(1, 3),
        u24(5),
        u24(4),
        Buffer.from([9]),
        payload(4), // fmt1 delta 5, new length/type → 1065
        basicHeader(0, 7),
        u24(10),
        u24(4),
        Buffer.from([8, 1, 0, 0, 0]),
        payload(4), // fmt0 ts 10 on csid 7
        basicHeader(3, 7),
        payload(4), // fmt3 after fmt0: delta = 10 → 20
      ]),
    );
    expect(got.map((m) => [m.csid, m.timestamp, m.typeId, m.payload.length])).toEqual([
      [3, 1000, 8, 32],
      [3, 1020, 8, 32],
      [3, 1040, 8, 32],
      [3, 1060, 8, 32],
      [3, 1065, 9, 4],
      [7, 10, 8, 4],
      [7, 20, 8, 4],
    ]);
  });

  it('reads extended timestamps, also on fmt 3 continuation chunks (repeated, as ffmpeg sends) and without them', () => {
    const ts = 0x01234567;
    const msg = { csid: 4, typeId: MSG.Video, timestamp: ts, streamId: 1, payload: payload(300) };
    const withRepeat = encodeMessage(msg, 128); // our writer repeats the extended timestamp
    const { reader, got } = collect();
    reader.push(withRepeat);
    expect(got[0]!.timestamp).toBe(ts);
    expect(got[0]!.payload.equals(msg.payload)).toBe(true);

    // Without the repeat on continuations (some encoders): header + 128, then 0xC4 + 128, then 0xC4 + 44.
    const ext = Buffer.alloc(4);
    ext.writeUInt32BE(ts);
    const p = msg.payload;
    const noRepeat = Buffer.concat([
      basicHeader(0, 4),
      u24(0xffffff),
      u24(300),
      Buffer.from([9, 1, 0, 0, 0]),
      ext,
      p.subarray(0, 128),
      basicHeader(3, 4),
      p.subarray(128, 256),
      basicHeader(3, 4),
      p.subarray(256),
    ]);
    const b = collect();
    for (let i = 0; i < noRepeat.length; i += 7) b.reader.push(noRepeat.subarray(i, i + 7));
    expect(b.got[0]!.timestamp).toBe(ts);
    expect(b.got[0]!.payload.equals(p)).toBe(true);
  });

  it('decodes 1-, 2- and 3-byte basic headers (chunk stream ids 2..65599)', () => {
    const ids = [2, 63, 64, 319, 320, 1000, 65599];
    const { reader, got } = collect({ maxChunkStreams: 10 });
    for (const csid of ids) reader.push(encodeMessage({ csid, typeId: 8, timestamp: csid, streamId: 1, payload: payload(200) }, 128));
    expect(got.map((m) => m.csid)).toEqual(ids);
    expect(got.map((m) => m.timestamp)).toEqual(ids);
  });

  it('Set Chunk Size takes effect for the next chunk; Abort drops the unfinished message', () => {
    const { reader, got } = collect();
    reader.push(encodeMessage(controlMessages.setChunkSize(4096), 128));
    expect(reader.chunkSize).toBe(4096);
    const big = { csid: 4, typeId: 9, timestamp: 0, streamId: 1, payload: payload(5000) };
    reader.push(encodeMessage(big, 4096));
    expect(got).toHaveLength(1);
    const partial = encodeMessage({ ...big, csid: 5 }, 4096).subarray(0, 12 + 4096); // first chunk only
    reader.push(partial);
    expect(reader.pendingBytes).toBe(5000);
    const abort = Buffer.alloc(4);
    abort.writeUInt32BE(5);
    reader.push(encodeMessage({ csid: 2, typeId: MSG.Abort, timestamp: 0, streamId: 0, payload: abort }, 4096));
    expect(reader.pendingBytes).toBe(0);
    reader.push(encodeMessage({ ...big, csid: 5, payload: payload(10) }, 4096));
    expect(got.map((m) => m.payload.length)).toEqual([5000, 10]);
  });

  it('S-RTMP limits: oversized messages, too many chunk streams, unfinished bytes and bad chunk sizes throw typed errors', () => {
    expect(() =>
      collect({ maxMessageSize: 1000 }).reader.push(
        encodeMessage({ csid: 4, typeId: 9, timestamp: 0, streamId: 1, payload: payload(1001) }, 128),
      ),
    ).toThrow(RtmpLimitError);
    const many = collect({ maxChunkStreams: 3 });
    expect(() => {
      for (let c = 3; c < 10; c++)
        many.reader.push(encodeMessage({ csid: c, typeId: 8, timestamp: 0, streamId: 1, payload: payload(1) }, 128));
    }).toThrow(RtmpLimitError);
    const pend = collect({ maxPendingBytes: 10_000 });
    expect(() => {
      for (let c = 3; c < 10; c++)
        pend.reader.push(encodeMessage({ csid: c, typeId: 8, timestamp: 0, streamId: 1, payload: payload(4000) }, 128).subarray(0, 140));
    }).toThrow(RtmpLimitError);
    expect(() => collect().reader.push(encodeMessage(controlMessages.setChunkSize(0), 128))).toThrow(RtmpProtocolError);
    expect(() => collect().reader.push(encodeMessage(controlMessages.setChunkSize(0x80000000), 128))).toThrow(RtmpProtocolError);
    const clamp = collect();
    clamp.reader.push(encodeMessage(controlMessages.setChunkSize(0x7fffffff), 128));
    expect(clamp.reader.chunkSize).toBe(0xffffff);
    expect(() => collect().reader.push(Buffer.from([0x44, 0, 0, 1, 0, 0, 1, 9]))).toThrow(/fmt 1/);
    const inside = collect();
    inside.reader.push(encodeMessage({ csid: 4, typeId: 9, timestamp: 0, streamId: 1, payload: payload(300) }, 128).subarray(0, 140));
    expect(() => inside.reader.push(Buffer.from([0x84, 0, 0, 1]))).toThrow(/unfinished/);
  });

  it('stop() makes later input a no-op', () => {
    const { reader, got } = collect();
    reader.stop();
    reader.push(encodeMessage({ csid: 4, typeId: 9, timestamp: 0, streamId: 1, payload: payload(10) }, 128));
    expect(got).toHaveLength(0);
  });
});
