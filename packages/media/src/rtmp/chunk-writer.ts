/**
 * Serialises RTMP messages into chunks (fmt 0 for the first chunk, fmt 3 for continuations,
 * extended timestamps repeated on continuations as ffmpeg and librtmp expect), plus the
 * protocol control and user control messages a server sends.
 */
import { encodeAmf0, type Amf0Value } from './amf0.js';

export const CSID_PROTOCOL = 2;
export const CSID_COMMAND = 3;

export const MSG = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  CommandAmf3: 17,
  DataAmf0: 18,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;

export const USER_CONTROL = {
  StreamBegin: 0,
  StreamEOF: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

export function basicHeader(fmt: number, csid: number): Buffer {
  if (csid < 2 || csid > 65599) throw new RangeError(`chunk stream id ${csid} out of range 2..65599`);
  if (csid < 64) return Buffer.from([(fmt << 6) | csid]);
  if (csid < 320) return Buffer.from([fmt << 6, csid - 64]);
  const v = csid - 64;
  return Buffer.from([(fmt << 6) | 1, v & 0xff, v >> 8]);
}

export interface OutMessage {
  csid: number;
  typeId: number;
  timestamp: number;
  streamId: number;
  payload: Buffer;
}

export function encodeMessage(m: OutMessage, chunkSize: number): Buffer {
  const ext = m.timestamp >= 0xffffff;
  const first = basicHeader(0, m.csid);
  const cont = basicHeader(3, m.csid);
  const mh = Buffer.alloc(11 + (ext ? 4 : 0));
  mh.writeUIntBE(ext ? 0xffffff : m.timestamp, 0, 3);
  mh.writeUIntBE(m.payload.length, 3, 3);
  mh[6] = m.typeId;
  mh.writeUInt32LE(m.streamId, 7);
  if (ext) mh.writeUInt32BE(m.timestamp >>> 0, 11);
  const parts: Buffer[] = [first, mh];
  const extBytes = ext ? mh.subarray(11) : null;
  for (let off = 0; off < m.payload.length || off === 0; off += chunkSize) {
    if (off > 0) {
      parts.push(cont);
      if (extBytes) parts.push(extBytes);
    }
    parts.push(m.payload.subarray(off, Math.min(off + chunkSize, m.payload.length)));
    if (m.payload.length === 0) break;
  }
  return Buffer.concat(parts);
}

function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function control(typeId: number, payload: Buffer): OutMessage {
  return { csid: CSID_PROTOCOL, typeId, timestamp: 0, streamId: 0, payload };
}

export const controlMessages = {
  setChunkSize: (size: number) => control(MSG.SetChunkSize, u32(size)),
  acknowledgement: (seq: number) => control(MSG.Acknowledgement, u32(seq)),
  windowAckSize: (size: number) => control(MSG.WindowAckSize, u32(size)),
  setPeerBandwidth: (size: number, limitType: 0 | 1 | 2) =>
    control(MSG.SetPeerBandwidth, Buffer.concat([u32(size), Buffer.from([limitType])])),
  userControl: (event: number, value: number) => {
    const b = Buffer.allocUnsafe(6);
    b.writeUInt16BE(event, 0);
    b.writeUInt32BE(value >>> 0, 2);
    return control(MSG.UserControl, b);
  },
};

export function commandMessage(streamId: number, ...values: Amf0Value[]): OutMessage {
  return { csid: CSID_COMMAND, typeId: MSG.CommandAmf0, timestamp: 0, streamId, payload: encodeAmf0(...values) };
}
