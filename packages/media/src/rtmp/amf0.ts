/**
 * AMF0 (Action Message Format 0) encode/decode: the command and metadata encoding of RTMP.
 * Decoding is bounded (depth, lengths checked against the buffer) and throws Amf0Error on bad input.
 * Decoded objects have a null prototype so a key like "__proto__" is just data.
 */
import { Amf0Error } from '../errors.js';

export interface Amf0Object {
  [key: string]: Amf0Value;
}
export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Value[] | Amf0Object | EcmaArray;

/** Marks an object to be encoded as an AMF0 ECMA array (type 8), as onMetaData conventionally is. */
export class EcmaArray {
  constructor(readonly props: Amf0Object) {}
}

export enum Amf0Type {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  Null = 0x05,
  Undefined = 0x06,
  Reference = 0x07,
  EcmaArray = 0x08,
  ObjectEnd = 0x09,
  StrictArray = 0x0a,
  Date = 0x0b,
  LongString = 0x0c,
  Unsupported = 0x0d,
  XmlDocument = 0x0f,
  TypedObject = 0x10,
}

const MAX_DEPTH = 32;

export function decodeAmf0(buf: Buffer): Amf0Value[] {
  const d = new Decoder(buf);
  const out: Amf0Value[] = [];
  while (d.pos < buf.length) out.push(d.value(0));
  return out;
}

class Decoder {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new Amf0Error(`AMF0: truncated at ${this.pos} (need ${n} bytes of ${this.buf.length - this.pos})`);
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  private f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  private str(len: number): string {
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  value(depth: number): Amf0Value {
    if (depth > MAX_DEPTH) throw new Amf0Error('AMF0: nesting too deep');
    const type = this.u8() as Amf0Type;
    switch (type) {
      case Amf0Type.Number:
        return this.f64();
      case Amf0Type.Boolean:
        return this.u8() !== 0;
      case Amf0Type.String:
        return this.str(this.u16());
      case Amf0Type.LongString:
      case Amf0Type.XmlDocument:
        return this.str(this.u32());
      case Amf0Type.Object:
        return this.props(depth);
      case Amf0Type.TypedObject:
        this.str(this.u16());
        return this.props(depth);
      case Amf0Type.EcmaArray:
        this.u32();
        return this.props(depth); // the count is advisory; the end marker decides
      case Amf0Type.Null:
        return null;
      case Amf0Type.Undefined:
      case Amf0Type.Unsupported:
        return undefined;
      case Amf0Type.StrictArray: {
        const n = this.u32();
        if (n > this.buf.length - this.pos) throw new Amf0Error(`AMF0: strict array of ${n} cannot fit`);
        const arr: Amf0Value[] = [];
        for (let i = 0; i < n; i++) arr.push(this.value(depth + 1));
        return arr;
      }
      case Amf0Type.Date: {
        const ms = this.f64();
        this.u16(); // time zone: reserved, should be 0
        return new Date(ms);
      }
      default:
        throw new Amf0Error(`AMF0: unsupported type 0x${type.toString(16)} at ${this.pos - 1}`);
    }
  }

  private props(depth: number): Amf0Object {
    const o = Object.create(null) as Amf0Object;
    for (;;) {
      const key = this.str(this.u16());
      if (key === '') {
        if ((this.u8() as Amf0Type) !== Amf0Type.ObjectEnd) throw new Amf0Error('AMF0: empty key without object end');
        return o;
      }
      o[key] = this.value(depth + 1);
    }
  }
}

/** Encode values one after another (a command is name, transaction id, then arguments). */
export function encodeAmf0(...values: Amf0Value[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) encodeValue(v, parts, 0);
  return Buffer.concat(parts);
}

function header(type: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(1 + size);
  b[0] = type;
  return b;
}

function encodeKey(key: string, parts: Buffer[]): void {
  const s = Buffer.from(key, 'utf8');
  if (s.length > 0xffff) throw new Amf0Error('AMF0: key too long');
  const h = Buffer.allocUnsafe(2);
  h.writeUInt16BE(s.length, 0);
  parts.push(h, s);
}

function encodeProps(o: Amf0Object, parts: Buffer[], depth: number): void {
  for (const [k, v] of Object.entries(o)) {
    encodeKey(k, parts);
    encodeValue(v, parts, depth + 1);
  }
  parts.push(Buffer.from([0, 0, Amf0Type.ObjectEnd]));
}

function encodeValue(v: Amf0Value, parts: Buffer[], depth: number): void {
  if (depth > MAX_DEPTH) throw new Amf0Error('AMF0: nesting too deep');
  if (typeof v === 'number') {
    const b = header(Amf0Type.Number, 8);
    b.writeDoubleBE(v, 1);
    parts.push(b);
  } else if (typeof v === 'boolean') {
    parts.push(Buffer.from([Amf0Type.Boolean, v ? 1 : 0]));
  } else if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    if (s.length <= 0xffff) {
      const b = header(Amf0Type.String, 2);
      b.writeUInt16BE(s.length, 1);
      parts.push(b, s);
    } else {
      const b = header(Amf0Type.LongString, 4);
      b.writeUInt32BE(s.length, 1);
      parts.push(b, s);
    }
  } else if (v === null) {
    parts.push(Buffer.from([Amf0Type.Null]));
  } else if (v === undefined) {
    parts.push(Buffer.from([Amf0Type.Undefined]));
  } else if (v instanceof Date) {
    const b = header(Amf0Type.Date, 10);
    b.writeDoubleBE(v.getTime(), 1);
    b.writeInt16BE(0, 9);
    parts.push(b);
  } else if (Array.isArray(v)) {
    const b = header(Amf0Type.StrictArray, 4);
    b.writeUInt32BE(v.length, 1);
    parts.push(b);
    for (const x of v) encodeValue(x, parts, depth + 1);
  } else if (v instanceof EcmaArray) {
    const b = header(Amf0Type.EcmaArray, 4);
    b.writeUInt32BE(Object.keys(v.props).length, 1);
    parts.push(b);
    encodeProps(v.props, parts, depth);
  } else {
    parts.push(Buffer.from([Amf0Type.Object]));
    encodeProps(v, parts, depth);
  }
}
