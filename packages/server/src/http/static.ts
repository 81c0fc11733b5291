/**
 * Static files of the browser bundles (build/): content types, ETag/304, gzip kept in memory per
 * file version, long caching for versioned URLs (`?v=`) and a short one otherwise.
 */
import { promises as fsp, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.map', '.json', '.html', '.svg']);
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

interface Cached {
  mtimeMs: number;
  size: number;
  body: Buffer;
  gz: Buffer | undefined;
}

export class StaticFiles {
  private readonly root: string;
  private readonly cache = new Map<string, Cached>();
  private readonly versions = new Map<string, { v: string; at: number }>();

  constructor(
    dir: string,
    /** serve source maps (`*.map`; ZHIBO_SOURCE_MAPS, off in production) */
    private readonly sourceMaps = false,
  ) {
    this.root = resolve(dir);
  }

  /** A short version of a file (for `?v=` cache busting); '0' when missing. Re-read at most every 2 s. */
  version(rel: string): string {
    const hit = this.versions.get(rel);
    const now = performance.now();
    if (hit && now - hit.at < 2000) return hit.v;
    let v = '0';
    try {
      const st = statSync(join(this.root, rel));
      v = `${Math.floor(st.mtimeMs).toString(36)}${st.size.toString(36)}`;
    } catch {
      v = '0';
    }
    this.versions.set(rel, { v, at: now });
    return v;
  }

  async send(req: FastifyRequest, reply: FastifyReply, rel: string, cors: boolean): Promise<FastifyReply> {
    const notFound = () =>
      reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(`not found: ${rel}\n(build the browser bundles with: node scripts/build-web.mjs)`);
    if (!SAFE.test(rel) || rel.split('/').some((p) => p === '..' || p === '.')) return notFound();
    if (!this.sourceMaps && rel.endsWith('.map'))
      return reply.code(404).type('text/plain; charset=utf-8').send('source maps are not served (ZHIBO_SOURCE_MAPS=1 turns them on)');
    const path = join(this.root, rel);
    if (!path.startsWith(this.root + sep)) return notFound();
    let file: Cached;
    try {
      file = await this.load(path);
    } catch {
      return notFound();
    }
    const ext = extname(rel).toLowerCase();
    const etag = `W/"${file.size.toString(36)}-${Math.floor(file.mtimeMs).toString(36)}"`;
    const versioned = typeof (req.query as Record<string, unknown>).v === 'string';
    reply
      .header('content-type', TYPES[ext] ?? 'application/octet-stream')
      .header('etag', etag)
      .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=60, must-revalidate')
      .header('vary', 'accept-encoding')
      .header('x-content-type-options', 'nosniff');
    if (cors) reply.header('access-control-allow-origin', '*');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    const gzipOk = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzipOk && COMPRESSIBLE.has(ext) && file.size > 1024) {
      file.gz ??= gzipSync(file.body, { level: 6 });
      return reply.header('content-encoding', 'gzip').send(file.gz);
    }
    return reply.send(file.body);
  }

  private async load(path: string): Promise<Cached> {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new Error('not a file');
    const hit = this.cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = await fsp.readFile(path);
    const c: Cached = { mtimeMs: st.mtimeMs, size: st.size, body, gz: undefined };
    if (this.cache.size > 64) this.cache.clear();
    this.cache.set(path, c);
    return c;
  }
}
