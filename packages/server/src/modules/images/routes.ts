/** The images module's routes: WeChat's media upload, and the images themselves at /img/ID. */
import type { FastifyInstance } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { readFileField } from '../../http/multipart.js';
import type { WxRouter } from '../../http/wx.js';
import { MAX_UPLOAD_BYTES, type ImageService } from './service.js';

export function wxRoutes(r: WxRouter, images: ImageService): void {
  r.post(
    '/cgi-bin/media/upload',
    async ({ appid, query, req }) => {
      if (query.type !== 'image') throw new DomainError(Reason.MediaTypeInvalid, 'invalid media type: type must be image', 'type');
      const bytes = await readFileField(req, { field: 'media', maxBytes: MAX_UPLOAD_BYTES + 1, errorField: 'media', label: 'image' });
      return images.upload(appid, bytes);
    },
    { body: false },
  );
}

export function webRoutes(app: FastifyInstance, images: ImageService): void {
  app.get('/img/:id', async (req, reply) => {
    const img = await images.read((req.params as { id: string }).id);
    if (!img) return reply.code(404).send({ error: 'not_found' });
    return reply
      .type(img.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('access-control-allow-origin', '*')
      .send(img.bytes);
  });
}
