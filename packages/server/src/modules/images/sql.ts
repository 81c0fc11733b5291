/** The images module's tables: images (the bytes), media (WeChat's temporary material: media_id → image, 3 days). */
import type { Db } from '../../db/index.js';
import type { ImageHeader } from './decode.js';

export class ImagesSql {
  constructor(private readonly db: Db) {}

  async insertWithMedia(i: {
    imageId: string;
    mediaId: string;
    appid: string;
    info: ImageHeader;
    bytes: Buffer;
    size: number;
    at: number;
    expiresAt: number;
  }): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.query(
        'INSERT INTO images (id, appid, content_type, bytes, width, height, size, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
        [i.imageId, i.appid, i.info.contentType, i.bytes, i.info.width, i.info.height, i.size, i.at],
      );
      await sql.query('INSERT INTO media (media_id, appid, image_id, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)', [
        i.mediaId,
        i.appid,
        i.imageId,
        i.at,
        i.expiresAt,
      ]);
    });
  }

  async media(mediaId: string, appid: string): Promise<{ image_id: string; expires_at: number; size: number } | undefined> {
    const [row] = await this.db.query<{ image_id: string; expires_at: number; size: number }>(
      'SELECT m.image_id, m.expires_at, i.size FROM media m JOIN images i ON i.id = m.image_id WHERE m.media_id=$1 AND m.appid=$2',
      [mediaId, appid],
    );
    return row;
  }

  /** The uploaded size of one of the app's images. */
  async imageSize(id: string, appid: string): Promise<number | undefined> {
    const [row] = await this.db.query<{ size: number }>('SELECT size FROM images WHERE id=$1 AND appid=$2', [id, appid]);
    return row?.size;
  }

  async image(id: string): Promise<{ content_type: string; bytes: Uint8Array } | undefined> {
    const [row] = await this.db.query<{ content_type: string; bytes: Uint8Array }>('SELECT content_type, bytes FROM images WHERE id=$1', [
      id,
    ]);
    return row;
  }

  async deleteExpiredMedia(now: number): Promise<number> {
    return (await this.db.query('DELETE FROM media WHERE expires_at < $1 RETURNING media_id', [now])).length;
  }

  /**
   * Delete up to `limit` images made before `before` that no temporary material points at and no room or goods shows.
   * Reads the image columns of `rooms` and `goods` (their `…/img/ID` URLs, deleted rows included) so that an image in
   * use is never collected.
   */
  async deleteUnused(before: number, limit: number): Promise<{ count: number; bytes: number }> {
    const rows = await this.db.query<{ size: number }>(
      `WITH used AS (
         SELECT substring(u.url from '/img/([A-Za-z0-9_-]{1,64})$') AS id
         FROM (SELECT unnest(ARRAY[cover_img, share_img, feeds_img, anchor_img]) AS url FROM rooms UNION ALL SELECT cover_img FROM goods) u
       )
       DELETE FROM images WHERE id IN (
         SELECT i.id FROM images i WHERE i.created_at < $1
           AND NOT EXISTS (SELECT 1 FROM media m WHERE m.image_id = i.id)
           AND NOT EXISTS (SELECT 1 FROM used WHERE used.id = i.id)
         ORDER BY i.created_at LIMIT $2)
       RETURNING octet_length(bytes) AS size`,
      [before, limit],
    );
    return { count: rows.length, bytes: rows.reduce((n, r) => n + r.size, 0) };
  }
}
