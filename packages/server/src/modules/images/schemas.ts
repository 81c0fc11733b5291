/** OpenAPI descriptions of the images module's routes (http/route-docs.ts). */
import { int, obj, type RouteDocs, str } from '../../http/route-docs.js';

export const ROUTE_DOCS: RouteDocs = {
  'POST /cgi-bin/media/upload': {
    summary: 'Upload an image (temporary material); answers a media_id for room and goods fields',
    query: { type: str('image', { const: 'image' }) },
    required: ['type'],
    body: obj({ media: str('the image file (JPEG, PNG, GIF, WebP)', { contentMediaType: 'application/octet-stream' }) }, ['media']),
    bodyType: 'multipart/form-data',
    response: obj({ type: str(undefined, { const: 'image' }), media_id: str(), created_at: int('unix seconds') }, [
      'type',
      'media_id',
      'created_at',
    ]),
  },
  'GET /img/{id}': { summary: 'An uploaded image (immutable, CORS open)', params: { id: str('image id') }, responseType: 'image/*' },
};
