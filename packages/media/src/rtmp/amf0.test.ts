import { describe, expect, it } from 'vitest';
import { decodeAmf0, EcmaArray, encodeAmf0, type Amf0Object } from './amf0.js';
import { Amf0Error } from '../errors.js';

describe('AMF0', () => {
  it('encodeAmf0 → decodeAmf0 round-trips number, boolean, string, object, null, undefined, strict array, date, long string', () => {
    const long = 'x'.repeat(70_000);
    const date = new Date(1_700_000_000_000);
    const values = [1.5, -0, true, false, 'héllo', { a: 1, b: { c: 'd' } }, null, undefined, [1, 'two', null], date, long];
    const out = decodeAmf0(encodeAmf0(...values));
    expect(out).toEqual(values);
    expect(encodeAmf0(long)[0]).toBe(0x0c); // long string marker
  });

  it('an ECMA array encodes with type 8 and decodes to its properties', () => {
    const buf = encodeAmf0('onMetaData', new EcmaArray({ width: 640, height: 360, encoder: 'Lavf' }));
    expect(buf[13]).toBe(0x08);
    expect(decodeAmf0(buf)).toEqual(['onMetaData', { width: 640, height: 360, encoder: 'Lavf' }]);
  });

  it('decodes a typed object and the ECMA array count is advisory (object end decides)', () => {
    const ecma = Buffer.concat([Buffer.from([0x08, 0, 0, 0, 99]), Buffer.from([0, 1, 0x61, 0x05, 0, 0, 0x09])]);
    expect(decodeAmf0(ecma)).toEqual([{ a: null }]);
    const typed = Buffer.concat([Buffer.from([0x10, 0, 1, 0x54]), Buffer.from([0, 1, 0x61, 0x01, 1, 0, 0, 0x09])]);
    expect(decodeAmf0(typed)).toEqual([{ a: true }]);
  });

  it('a "__proto__" key is plain data, not a prototype change', () => {
    const buf = Buffer.concat([
      Buffer.from([0x03, 0, 9]),
      Buffer.from('__proto__'),
      encodeAmf0({ polluted: true }),
      Buffer.from([0, 0, 9]),
    ]);
    const [o] = decodeAmf0(buf) as [Amf0Object];
    expect(Object.getPrototypeOf(o)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(o['__proto__']).toEqual({ polluted: true });
  });

  it('decodeAmf0 throws Amf0Error on truncation, unknown types, huge array counts and deep nesting', () => {
    const full = encodeAmf0({ app: 'live', n: 1, list: [true, 'x'] });
    for (let i = 1; i < full.length; i++) expect(() => decodeAmf0(full.subarray(0, i))).toThrow(Amf0Error);
    expect(() => decodeAmf0(Buffer.from([0x11]))).toThrow(Amf0Error);
    expect(() => decodeAmf0(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x05]))).toThrow(Amf0Error);
    expect(() => decodeAmf0(Buffer.alloc(100, 0x0a).fill(0, 1))).toThrow(Amf0Error);
    const deep = Buffer.concat([...Array.from({ length: 40 }, () => Buffer.from([0x0a, 0, 0, 0, 1])), Buffer.from([0x05])]);
    expect(() => decodeAmf0(deep)).toThrow(/deep/);
  });
});
