/**
 * Images: WeChat's temporary material (POST /cgi-bin/media/upload, kept 3 days) and the permanent copies rooms and
 * goods point at (served at /img/ID).
 */
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { randomToken } from '../../lib/crypto.js';
import { absoluteUrl } from '../../http/base-url.js';
import { DomainError } from '../../lib/errors.js';
import { type DecodedImage, decodeImage } from './decode.js';
import { ImageError } from './errors.js';
import type { ImagesSql } from './sql.js';

export const MEDIA_TTL_MS = 3 * 86_400_000;
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

/** Decodes running at once (sharp uses libuv's small thread pool, shared with fs and crypto; a 40 MP decode holds ~270 MB). */
const MAX_DECODES = 2;

export class ImageService {
  private decoding = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly sql: ImagesSql,
    private readonly clock: Clock,
    private readonly publicUrl: () => string,
    /** the disk watermark: uploads are refused below it (`disk_low`) */
    private readonly disk?: { assertRoom(what: string, field?: string): void },
  ) {}

  /** A stored image field as a link for a reader at `base` (default: the public URL made without a request). */
  url(stored: string, base = this.publicUrl()): string {
    return absoluteUrl(stored, base);
  }

  /** POST /cgi-bin/media/upload?type=image */
  async upload(appid: string, bytes: Buffer): Promise<{ type: 'image'; media_id: string; created_at: number }> {
    if (bytes.length === 0) throw new DomainError(Reason.ImageInvalid, 'the media field is empty', 'media');
    if (bytes.length > MAX_UPLOAD_BYTES)
      throw new DomainError(Reason.ImageInvalid, `image is ${bytes.length} bytes; the limit is ${MAX_UPLOAD_BYTES}`, 'media');
    this.disk?.assertRoom('uploads are', 'media');
    const img = await this.decode(bytes);
    const now = this.clock.now();
    const mediaId = randomToken(24);
    // Stored: the re-encoded image (pixels only: no metadata, nothing appended); `size` is what was uploaded (WeChat's limits).
    await this.sql.insertWithMedia({
      imageId: randomToken(12),
      mediaId,
      appid,
      info: img,
      bytes: img.bytes,
      size: bytes.length,
      at: now,
      expiresAt: now + MEDIA_TTL_MS,
    });
    return { type: 'image', media_id: mediaId, created_at: Math.floor(now / 1000) };
  }

  /** Decode and re-encode untrusted bytes (modules/images/decode.ts), a few at a time. */
  private async decode(bytes: Buffer): Promise<DecodedImage> {
    if (this.decoding >= MAX_DECODES) await new Promise<void>((r) => this.waiting.push(r));
    this.decoding++;
    try {
      return await decodeImage(bytes, { maxBytes: MAX_UPLOAD_BYTES });
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
      throw new DomainError(Reason.ImageInvalid, e.message, 'media');
    } finally {
      this.decoding--;
      this.waiting.shift()?.();
    }
  }

  /**
   * An image field of a room or goods: a media_id of this app (not expired), the `/img/ID` path of one of its images, or an http(s) URL.
   * Returns what the room or goods row stores: this server's `/img/ID` path, or the URL given. `maxBytes` is the field's WeChat limit; `reason` the field's failure.
   */
  async resolve(appid: string, value: unknown, field: string, maxBytes: number, reason: Reason): Promise<string> {
    if (typeof value !== 'string' || value.trim() === '')
      throw new DomainError(reason, `${field} is required (a media_id from /cgi-bin/media/upload or an http(s) URL)`, field);
    const v = value.trim();
    if (/^https?:\/\//i.test(v)) {
      if (v.length > 1024) throw new DomainError(reason, `${field}: URL longer than 1024 characters`, field);
      try {
        new URL(v);
      } catch {
        throw new DomainError(reason, `${field}: not a valid URL`, field);
      }
      return v;
    }
    // This server's own image path, as rows store it and reads hand it back (an edit that keeps the image).
    const own = /^\/img\/([A-Za-z0-9_-]{1,64})$/.exec(v);
    if (own) {
      const size = await this.sql.imageSize(own[1]!, appid);
      if (size === undefined) throw new DomainError(reason, `${field}: no such image of this app`, field);
      if (size > maxBytes) throw new DomainError(reason, `${field}: image is ${size} bytes; this field allows ${maxBytes}`, field);
      return v;
    }
    const row = await this.sql.media(v, appid);
    if (!row) throw new DomainError(reason, `${field}: unknown media_id`, field);
    if (row.expires_at <= this.clock.now())
      throw new DomainError(Reason.ImageInvalid, `${field}: media_id expired (temporary material lives 3 days)`, field);
    if (row.size > maxBytes) throw new DomainError(reason, `${field}: image is ${row.size} bytes; this field allows ${maxBytes}`, field);
    // Stored as a path: links get the public address of whoever reads them (http/base-url.ts absoluteUrl).
    return `/img/${row.image_id}`;
  }

  async read(id: string): Promise<{ contentType: string; bytes: Buffer } | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const row = await this.sql.image(id);
    return row ? { contentType: row.content_type, bytes: Buffer.from(row.bytes) } : undefined;
  }

  /** The bytes behind an image URL this server handed out (`…/img/ID`), for embedding (posters); undefined for others. */
  async bytesOfUrl(url: string): Promise<{ contentType: string; bytes: Buffer } | undefined> {
    const m = /\/img\/([A-Za-z0-9_-]{1,64})$/.exec(url);
    return m ? this.read(m[1]!) : undefined;
  }

  /**
   * Delete temporary material past its 3 days, then the images nothing uses any more (no media_id, no room or goods
   * showing them; an hour of slack after the media expiry). Images a room or goods shows stay.
   */
  async purgeExpired(limit = 1000): Promise<{ media: number; images: number; bytes: number }> {
    const now = this.clock.now();
    const media = await this.sql.deleteExpiredMedia(now);
    const img = await this.sql.deleteUnused(now - MEDIA_TTL_MS - 3_600_000, limit);
    return { media, images: img.count, bytes: img.bytes };
  }
}
