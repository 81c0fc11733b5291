/** The images module's tables: images (the bytes), media (WeChat's temporary material: media_id → image, 3 days). */
import type { Db } from '../../db/index.js';
import type { ImageHeader } from './decode.js';

export class ImagesSql {
  constructor(private readonly db: Db) {}

  async insertWithMedia(i: { imageId: string; mediaId: string; appid: string; info: ImageHeader; bytes: Buffer; size: number; at: number; expiresAt: number }): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.query('INSERT INTO images (id, appid, content_type, bytes, width, height, size, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
        i.imageId, i.appid, i.info.contentType, i.bytes, i.info.width, i.info.height, i.size, i.at,
      ]);
      await sql.query('INSERT INTO media (media_id, appid, image_id, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)', [i.mediaId, i.appid, i.imageId, i.at, i.expiresAt]);
    });
  }

  async media(mediaId: string, appid: string): Promise<{ image_id: string; expires_at: number; size: number } | undefined> {
    const [row] = await this.db.query<{ image_id: string; expires_at: number; size: number }>(
      'SELECT m.image_id, m.expires_at, i.size FROM media m JOIN images i ON i.id = m.image_id WHERE m.media_id=$1 AND m.appid=$2',
      [mediaId, appid],
    );
    return row;
  }

  async image(id: string): Promise<{ content_type: string; bytes: Uint8Array } | undefined> {
    const [row] = await this.db.query<{ content_type: string; bytes: Uint8Array }>('SELECT content_type, bytes FROM images WHERE id=$1', [id]);
    return row;
  }

  async deleteExpiredMedia(now: number): Promise<number> {
    return (await this.db.query('DELETE FROM media WHERE expires_at < $1 RETURNING media_id', [now])).length;
  }
}
