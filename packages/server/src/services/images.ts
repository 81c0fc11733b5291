/**
 * Images: WeChat's temporary material (POST /cgi-bin/media/upload, kept 3 days) and the
 * permanent copies rooms and goods point at (served at /img/ID).
 */
import { Errcode } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { Db } from '../db/index.js';
import { randomToken } from './crypto.js';
import { WxFail } from './errors.js';

export const MEDIA_TTL_MS = 3 * 86_400_000;
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

export interface ImageInfo {
  contentType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  width: number;
  height: number;
}

/** Sniff the format and size from the bytes (never trust the file name or the declared type). */
export function sniffImage(b: Buffer): ImageInfo | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR')
    return { contentType: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF') return { contentType: 'image/gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const kind = b.toString('latin1', 12, 16);
    if (kind === 'VP8X') return { contentType: 'image/webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
    if (kind === 'VP8 ') return { contentType: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { contentType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    return undefined;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      const len = b.readUInt16BE(i + 2);
      // SOF0..SOF15 except DHT(C4), JPG(C8), DAC(CC)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { contentType: 'image/jpeg', width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
      i += 2 + len;
    }
  }
  return undefined;
}

export class ImageService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly publicUrl: () => string,
  ) {}

  /** POST /cgi-bin/media/upload?type=image */
  async upload(appid: string, bytes: Buffer): Promise<{ type: 'image'; media_id: string; created_at: number }> {
    if (bytes.length === 0) throw new WxFail(Errcode.ImageUploadFailed, 'the media field is empty');
    if (bytes.length > MAX_UPLOAD_BYTES) throw new WxFail(Errcode.ImageUploadFailed, `image is ${bytes.length} bytes; the limit is ${MAX_UPLOAD_BYTES}`);
    const info = sniffImage(bytes);
    if (!info) throw new WxFail(Errcode.ImageUploadFailed, 'not a PNG, JPEG, GIF or WebP image');
    const now = this.clock.now();
    const imageId = randomToken(12);
    const mediaId = randomToken(24);
    await this.db.tx(async (sql) => {
      await sql.query('INSERT INTO images (id, appid, content_type, bytes, width, height, size, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
        imageId, appid, info.contentType, bytes, info.width, info.height, bytes.length, now,
      ]);
      await sql.query('INSERT INTO media (media_id, appid, image_id, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)', [mediaId, appid, imageId, now, now + MEDIA_TTL_MS]);
    });
    return { type: 'image', media_id: mediaId, created_at: Math.floor(now / 1000) };
  }

  /**
   * An image field of a room or goods: a media_id of this app (not expired) or an http(s) URL.
   * Returns the URL the room list shows. `maxBytes` is the field's WeChat limit.
   */
  async resolve(appid: string, value: unknown, field: string, maxBytes: number, errcode: Errcode): Promise<string> {
    if (typeof value !== 'string' || value.trim() === '') throw new WxFail(errcode, `${field} is required (a media_id from /cgi-bin/media/upload or an http(s) URL)`, field);
    const v = value.trim();
    if (/^https?:\/\//i.test(v)) {
      if (v.length > 1024) throw new WxFail(errcode, `${field}: URL longer than 1024 characters`, field);
      try {
        new URL(v);
      } catch {
        throw new WxFail(errcode, `${field}: not a valid URL`, field);
      }
      return v;
    }
    const [row] = await this.db.query<{ image_id: string; expires_at: number; size: number }>(
      'SELECT m.image_id, m.expires_at, i.size FROM media m JOIN images i ON i.id = m.image_id WHERE m.media_id=$1 AND m.appid=$2',
      [v, appid],
    );
    if (!row) throw new WxFail(errcode, `${field}: unknown media_id`, field);
    if (row.expires_at <= this.clock.now()) throw new WxFail(Errcode.ImageUploadFailed, `${field}: media_id expired (temporary material lives 3 days)`, field);
    if (row.size > maxBytes) throw new WxFail(errcode, `${field}: image is ${row.size} bytes; this field allows ${maxBytes}`, field);
    return `${this.publicUrl()}/img/${row.image_id}`;
  }

  async read(id: string): Promise<{ contentType: string; bytes: Buffer } | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const [row] = await this.db.query<{ content_type: string; bytes: Uint8Array }>('SELECT content_type, bytes FROM images WHERE id=$1', [id]);
    return row ? { contentType: row.content_type, bytes: Buffer.from(row.bytes) } : undefined;
  }

  /** Delete temporary material past its 3 days (the images stay while a room or goods uses them). */
  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM media WHERE expires_at < $1 RETURNING media_id', [this.clock.now()]);
    return rows.length;
  }
}
