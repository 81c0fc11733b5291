/**
 * Ogg Opus (RFC 7845) writer: the ID header (OpusHead), the comment header (OpusTags), then one
 * page per Opus packet with its granule position (48 kHz samples), so a decoder sees the gaps of
 * lost packets as timestamp jumps. Also the duration of an Opus packet from its TOC byte (RFC 6716).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(b: Buffer): number {
  let crc = 0;
  for (let i = 0; i < b.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]!) & 0xff]!) >>> 0;
  return crc;
}

const HEADER_FLAG_BOS = 0x02;

/** Samples (at 48 kHz) in one Opus packet; 0 if the packet is malformed. */
export function opusPacketSamples(p: Buffer): number {
  if (p.length < 1) return 0;
  const toc = p[0]!;
  const config = toc >> 3;
  let frame: number; // samples per frame at 48 kHz
  if (config < 12)
    frame = [480, 960, 1920, 2880][config & 3]!; // SILK 10/20/40/60 ms
  else if (config < 16)
    frame = [480, 960][config & 1]!; // hybrid 10/20 ms
  else frame = [120, 240, 480, 960][config & 3]!; // CELT 2.5/5/10/20 ms
  const code = toc & 3;
  let frames = 1;
  if (code === 1 || code === 2) frames = 2;
  else if (code === 3) {
    if (p.length < 2) return 0;
    frames = p[1]! & 0x3f;
  }
  const samples = frame * frames;
  return samples > 5760 ? 0 : samples; // at most 120 ms
}

export class OggOpusWriter {
  private seq = 0;
  private readonly serial: number;

  constructor(serial = 0x7a686962) {
    this.serial = serial >>> 0;
  }

  /** OpusHead + OpusTags pages (start of stream). */
  headers(channels = 2, inputRate = 48000): Buffer {
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'latin1');
    head[8] = 1; // version
    head[9] = channels;
    head.writeUInt16LE(0, 10); // pre-skip
    head.writeUInt32LE(inputRate, 12);
    head.writeInt16LE(0, 16); // output gain
    head[18] = 0; // channel mapping family 0
    const vendor = Buffer.from('zhibo', 'latin1');
    const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
    tags.write('OpusTags', 0, 'latin1');
    tags.writeUInt32LE(vendor.length, 8);
    vendor.copy(tags, 12);
    tags.writeUInt32LE(0, 12 + vendor.length);
    return Buffer.concat([this.page(head, 0n, HEADER_FLAG_BOS), this.page(tags, 0n, 0)]);
  }

  /** One packet on its own page; granule = 48 kHz sample position at the packet's end. */
  packet(p: Buffer, granuleEnd: number): Buffer {
    return this.page(p, BigInt(Math.max(0, Math.floor(granuleEnd))), 0);
  }

  private page(data: Buffer, granule: bigint, flags: number): Buffer {
    const segs: number[] = [];
    let n = data.length;
    while (n >= 255) {
      segs.push(255);
      n -= 255;
    }
    segs.push(n);
    if (segs.length > 255) throw new RangeError('Ogg packet too large for one page');
    const h = Buffer.alloc(27 + segs.length);
    h.write('OggS', 0, 'latin1');
    h[4] = 0;
    h[5] = flags;
    h.writeBigUInt64LE(granule, 6);
    h.writeUInt32LE(this.serial, 14);
    h.writeUInt32LE(this.seq++, 18);
    h.writeUInt32LE(0, 22);
    h[26] = segs.length;
    for (let i = 0; i < segs.length; i++) h[27 + i] = segs[i]!;
    const page = Buffer.concat([h, data]);
    page.writeUInt32LE(oggCrc(page), 22);
    return page;
  }
}
