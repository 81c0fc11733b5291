/**
 * Incremental RTMP chunk stream parser: a state machine over arbitrary TCP fragmentation.
 *
 * - basic headers of 1, 2 and 3 bytes (chunk stream ids 2..65599), message headers fmt 0..3;
 * - extended timestamps, including on fmt-3 continuation chunks (read when the peer repeats the
 *   value, as ffmpeg and librtmp do; treated as payload when it does not, as some encoders omit it);
 * - Set Chunk Size (1) and Abort (2) are applied here, before the next byte is parsed;
 * - bounded memory: message length, number of chunk streams and bytes of unfinished messages are
 *   capped and violations throw RtmpLimitError / RtmpProtocolError.
 *
 * Each message is reassembled into one buffer with FLV_HEADROOM bytes before and FLV_TAILROOM bytes
 * after the payload, so the FLV tag for an audio/video message is built in place without a copy.
 */
import { RtmpLimitError, RtmpProtocolError } from '../errors.js';

export const FLV_HEADROOM = 11;
export const FLV_TAILROOM = 4;
export const MSG_SET_CHUNK_SIZE = 1;
export const MSG_ABORT = 2;
/** Largest chunk size that means anything: a chunk never exceeds one message (24-bit length). */
export const MAX_CHUNK_SIZE = 0xffffff;

export interface RtmpMessage {
  typeId: number;
  /** Absolute timestamp in ms (uint32, wraps). */
  timestamp: number;
  /** Message stream id. */
  streamId: number;
  csid: number;
  payload: Buffer;
  /** The buffer payload lives in, at offset FLV_HEADROOM, with FLV_TAILROOM spare bytes after it. */
  frame: Buffer;
}

export interface ChunkReaderLimits {
  /** Largest message accepted (bytes). Default 8 MiB. */
  maxMessageSize: number;
  /** Most chunk stream ids a connection may use. Default 64. */
  maxChunkStreams: number;
  /** Most bytes of unfinished messages held at once. Default 16 MiB. */
  maxPendingBytes: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkReaderLimits = { maxMessageSize: 8 << 20, maxChunkStreams: 64, maxPendingBytes: 16 << 20 };

/**
 * Limits before publishing is authorised: a connection that has not proved a stream key may hold at
 * most this much. ffmpeg's largest message before publish is its ~140-byte connect; librtmp (OBS)
 * builds connect in a 4 KiB buffer. Media sent before authorisation is dropped anyway.
 */
export const DEFAULT_PREAUTH_CHUNK_LIMITS: ChunkReaderLimits = { maxMessageSize: 64 << 10, maxChunkStreams: 64, maxPendingBytes: 64 << 10 };

/** The tighter of two limit sets, field by field. */
export function tighterLimits(a: ChunkReaderLimits, b: ChunkReaderLimits): ChunkReaderLimits {
  return {
    maxMessageSize: Math.min(a.maxMessageSize, b.maxMessageSize),
    maxChunkStreams: Math.min(a.maxChunkStreams, b.maxChunkStreams),
    maxPendingBytes: Math.min(a.maxPendingBytes, b.maxPendingBytes),
  };
}

interface ChunkStream {
  csid: number;
  timestamp: number;
  /** Last timestamp field as a delta (for fmt 0 the absolute value, per spec 5.3.1.2.4). */
  delta: number;
  /** Value of the extended timestamp field when the last header used one, else -1. */
  ext: number;
  length: number;
  typeId: number;
  streamId: number;
  frame: Buffer | null;
  filled: number;
}

const MSG_HEADER_LEN = [11, 7, 3, 0] as const;

export class ChunkReader {
  chunkSize = 128;
  private limits: ChunkReaderLimits;
  private readonly streams = new Map<number, ChunkStream>();
  private readonly hdr = Buffer.alloc(18);
  private hdrHave = 0;
  private hdrNeed = 1;
  private inPayload = false;
  private cur: ChunkStream | null = null;
  private chunkRemain = 0;
  private pending = 0;
  private stopped = false;

  constructor(
    private readonly onMessage: (m: RtmpMessage) => void,
    limits: Partial<ChunkReaderLimits> = {},
  ) {
    this.limits = { ...DEFAULT_CHUNK_LIMITS, ...limits };
  }

  /**
   * Change the limits from the next message on (e.g. once publishing is authorised). Messages already
   * being assembled keep their buffers; only later messages are checked against the new values.
   */
  setLimits(limits: Partial<ChunkReaderLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  /** Stop parsing (the connection is closing); later input is ignored. */
  stop(): void {
    this.stopped = true;
    this.streams.clear();
    this.pending = 0;
  }

  /** Bytes of unfinished messages currently held. */
  get pendingBytes(): number {
    return this.pending;
  }

  push(data: Buffer, offset = 0): void {
    let pos = offset;
    while (pos < data.length && !this.stopped) {
      if (this.inPayload) pos = this.payload(data, pos);
      else pos = this.header(data, pos);
    }
  }

  private header(data: Buffer, pos: number): number {
    const n = Math.min(this.hdrNeed - this.hdrHave, data.length - pos);
    data.copy(this.hdr, this.hdrHave, pos, pos + n);
    this.hdrHave += n;
    pos += n;
    if (this.hdrHave < this.hdrNeed) return pos;
    const need = this.headerLength();
    if (need > this.hdrNeed) {
      this.hdrNeed = need;
      return pos;
    }
    this.completeHeader();
    return pos;
  }

  /** Header length implied by the bytes read so far. */
  private headerLength(): number {
    const h = this.hdr;
    const fmt = h[0]! >> 6;
    const low = h[0]! & 0x3f;
    const basic = low === 0 ? 2 : low === 1 ? 3 : 1;
    let need = basic + MSG_HEADER_LEN[fmt as 0 | 1 | 2 | 3];
    if (this.hdrHave < need) return need;
    if (fmt < 3) {
      if (h.readUIntBE(basic, 3) === 0xffffff) need += 4;
    } else {
      const s = this.streams.get(this.csid(basic));
      if (s && s.ext >= 0) need += 4;
    }
    return need;
  }

  private csid(basic: number): number {
    const h = this.hdr;
    if (basic === 1) return h[0]! & 0x3f;
    if (basic === 2) return 64 + h[1]!;
    return 64 + h[1]! + h[2]! * 256;
  }

  private completeHeader(): void {
    const h = this.hdr;
    const fmt = h[0]! >> 6;
    const low = h[0]! & 0x3f;
    const basic = low === 0 ? 2 : low === 1 ? 3 : 1;
    const csid = this.csid(basic);
    const hasExt = this.hdrNeed > basic + MSG_HEADER_LEN[fmt as 0 | 1 | 2 | 3];
    const extValue = hasExt ? h.readUInt32BE(this.hdrNeed - 4) : -1;
    let s = this.streams.get(csid);
    if (!s) {
      if (fmt !== 0) throw new RtmpProtocolError(`chunk stream ${csid}: first chunk has fmt ${fmt}, not 0`);
      if (this.streams.size >= this.limits.maxChunkStreams)
        throw new RtmpLimitError(`more than ${this.limits.maxChunkStreams} chunk streams`);
      s = { csid, timestamp: 0, delta: 0, ext: -1, length: 0, typeId: 0, streamId: 0, frame: null, filled: 0 };
      this.streams.set(csid, s);
    }
    let replay: Buffer | null = null;
    if (fmt < 3) {
      if (s.frame) throw new RtmpProtocolError(`chunk stream ${csid}: new message header (fmt ${fmt}) inside an unfinished message`);
      const field = extValue >= 0 ? extValue : h.readUIntBE(basic, 3);
      s.ext = extValue;
      if (fmt === 0) {
        s.timestamp = field;
        s.delta = field;
      } else {
        s.timestamp = (s.timestamp + field) >>> 0;
        s.delta = field;
      }
      if (fmt <= 1) {
        s.length = h.readUIntBE(basic + 3, 3);
        s.typeId = h[basic + 6]!;
      }
      if (fmt === 0) s.streamId = h.readUInt32LE(basic + 7);
    } else if (!s.frame) {
      // fmt 3 starting a new message: everything repeats, timestamp advances by the last delta.
      s.timestamp = (s.timestamp + s.delta) >>> 0;
    } else if (hasExt && extValue !== s.ext) {
      // Continuation chunk without the repeated extended timestamp: those 4 bytes are payload.
      replay = Buffer.from(h.subarray(basic, basic + 4));
    }
    if (!s.frame) this.beginMessage(s);
    this.cur = s;
    this.chunkRemain = Math.min(this.chunkSize, s.length - s.filled);
    this.hdrHave = 0;
    this.hdrNeed = 1;
    this.inPayload = true;
    if (this.chunkRemain === 0) this.finishChunk(s);
    else if (replay) this.push(replay);
  }

  private beginMessage(s: ChunkStream): void {
    if (s.length > this.limits.maxMessageSize)
      throw new RtmpLimitError(`message of ${s.length} bytes exceeds ${this.limits.maxMessageSize}`);
    if (this.pending + s.length > this.limits.maxPendingBytes)
      throw new RtmpLimitError(`unfinished messages exceed ${this.limits.maxPendingBytes} bytes`);
    s.frame = Buffer.allocUnsafe(FLV_HEADROOM + s.length + FLV_TAILROOM);
    s.filled = 0;
    this.pending += s.length;
  }

  private payload(data: Buffer, pos: number): number {
    const s = this.cur!;
    const n = Math.min(this.chunkRemain, data.length - pos);
    data.copy(s.frame!, FLV_HEADROOM + s.filled, pos, pos + n);
    s.filled += n;
    this.chunkRemain -= n;
    if (this.chunkRemain === 0) this.finishChunk(s);
    return pos + n;
  }

  private finishChunk(s: ChunkStream): void {
    this.inPayload = false;
    this.cur = null;
    if (s.filled < s.length) return;
    const frame = s.frame!;
    s.frame = null;
    this.pending -= s.length;
    const payload = frame.subarray(FLV_HEADROOM, FLV_HEADROOM + s.length);
    if (s.typeId === MSG_SET_CHUNK_SIZE) return this.setChunkSize(payload);
    if (s.typeId === MSG_ABORT) return this.abort(payload);
    this.onMessage({ typeId: s.typeId, timestamp: s.timestamp, streamId: s.streamId, csid: s.csid, payload, frame });
  }

  private setChunkSize(p: Buffer): void {
    if (p.length < 4) throw new RtmpProtocolError('Set Chunk Size: payload shorter than 4 bytes');
    const v = p.readUInt32BE(0);
    if (v === 0 || v > 0x7fffffff) throw new RtmpProtocolError(`Set Chunk Size: invalid size ${v}`);
    this.chunkSize = Math.min(v, MAX_CHUNK_SIZE);
  }

  private abort(p: Buffer): void {
    if (p.length < 4) throw new RtmpProtocolError('Abort: payload shorter than 4 bytes');
    const s = this.streams.get(p.readUInt32BE(0));
    if (s?.frame) {
      this.pending -= s.length;
      s.frame = null;
      s.filled = 0;
    }
  }
}
