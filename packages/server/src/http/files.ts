/** Serving files with HTTP range requests (replays: players seek; merchants download with resume). */
import { createReadStream, promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

const RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * HEAD: an empty stream, so that Fastify's HEAD handling keeps the Content-Length set here (an absent body would be
 * answered `Content-Length: 0`) without reading the file.
 */
const noBody = () => Readable.from([]);

export async function sendFile(
  req: FastifyRequest,
  reply: FastifyReply,
  path: string,
  contentType: string,
  cacheControl = 'public, max-age=86400',
): Promise<FastifyReply> {
  let size: number;
  let mtime: Date;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
    mtime = st.mtime;
  } catch {
    return reply.code(404).send({ error: 'not_found', message: 'no such file' });
  }
  reply
    .header('accept-ranges', 'bytes')
    .header('content-type', contentType)
    .header('cache-control', cacheControl)
    .header('last-modified', mtime.toUTCString())
    .header('access-control-allow-origin', '*')
    .header('access-control-expose-headers', 'content-length, content-range, accept-ranges');
  const range = req.headers.range;
  if (range) {
    const m = RANGE.exec(range.trim());
    let start = 0;
    let end = size - 1;
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        if (m[2]) end = Math.min(Number(m[2]), size - 1);
      } else {
        start = Math.max(0, size - Number(m[2]));
      }
    }
    if (!m || start > end || start >= size) return reply.code(416).header('content-range', `bytes */${size}`).send();
    reply
      .code(206)
      .header('content-range', `bytes ${start}-${end}/${size}`)
      .header('content-length', String(end - start + 1));
    return req.method === 'HEAD' ? reply.send(noBody()) : reply.send(createReadStream(path, { start, end }));
  }
  reply.header('content-length', String(size));
  return req.method === 'HEAD' ? reply.send(noBody()) : reply.send(createReadStream(path));
}
