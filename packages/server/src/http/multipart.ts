/** Reading one file field of a multipart/form-data request, bounded (WeChat's media/upload, the console's uploads). */
import type { FastifyRequest } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../lib/errors.js';

/**
 * Limits of every multipart/form-data request (registered with @fastify/multipart, so a route that reads parts
 * without its own limits is bounded too): a few small fields, at most two files of 10 MB.
 */
export const MULTIPART_LIMITS = {
  fieldNameSize: 100,
  fieldSize: 4096,
  fields: 16,
  fileSize: 10 * 1024 * 1024,
  files: 2,
  parts: 20,
  headerPairs: 50,
} as const;

/**
 * The bytes of the file field `field`. Other files are drained and dropped; at most `maxFields` non-file fields
 * of at most 1 KB each are allowed. Failures are DomainErrors on `errorField` (image_invalid, empty_post_data).
 */
export async function readFileField(
  req: FastifyRequest,
  o: { field: string; maxBytes: number; errorField: string; label: string },
): Promise<Buffer> {
  if (!req.isMultipart())
    throw new DomainError(Reason.EmptyPostData, `expected multipart/form-data with a "${o.field}" file field`, o.errorField);
  let bytes: Buffer | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: o.maxBytes, files: 2, fields: 8, fieldSize: 1024, parts: 10 } })) {
      if (part.type !== 'file') {
        if (part.valueTruncated || part.fieldnameTruncated)
          throw new DomainError(Reason.TooLarge, `form field ${part.fieldname.slice(0, 40)} is longer than 1 KB`, o.errorField);
        continue;
      }
      const buf = await part.toBuffer();
      if (part.file.truncated)
        throw new DomainError(Reason.ImageInvalid, `${o.label} is larger than ${fmtBytes(o.maxBytes)}`, o.errorField);
      if (part.fieldname === o.field) bytes = buf;
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new DomainError(Reason.ImageInvalid, `${o.label} is larger than ${fmtBytes(o.maxBytes)}`, o.errorField);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_FILES_LIMIT')
      throw new DomainError(Reason.TooLarge, 'the form has too many fields or files (at most 8 fields of 1 KB and 2 files)', o.errorField);
    throw new DomainError(Reason.ImageInvalid, `upload failed: ${(e as Error).message}`, o.errorField);
  }
  if (!bytes || bytes.length === 0) throw new DomainError(Reason.EmptyPostData, `no "${o.field}" file in the form`, o.errorField);
  return bytes;
}

export const fmtBytes = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
