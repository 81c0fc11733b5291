/**
 * HTTP side of LL-HLS without an HTTP server: delivery directives (_HLS_msn, _HLS_part, _HLS_skip)
 * parsed and checked, and responses with the Cache-Control rules a CDN or nginx can follow:
 *
 * - init sections, segments, parts: URIs are unique per publish session and never change → a year, immutable;
 * - a playlist without directives: 1 s (it changes with every part);
 * - a blocking reload (_HLS_msn[&_HLS_part]): 6 s — the answer for one (msn, part) is fixed once the part
 *   exists, so an edge may serve it to every client asking the same query (cache key = full URL);
 * - errors (400, 404, 503): not stored.
 */

export interface HlsResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
export const CACHE_MEDIA = 'public, max-age=31536000, immutable';
export const CACHE_PLAYLIST = 'public, max-age=1';
export const CACHE_BLOCKING = 'public, max-age=6';
export const CACHE_ERROR = 'no-store';

export function playlistResponse(text: string, cache: string): HlsResponse {
  return { status: 200, headers: { 'Content-Type': PLAYLIST_TYPE, 'Cache-Control': cache }, body: text };
}

export function mediaResponse(data: Buffer): HlsResponse {
  return { status: 200, headers: { 'Content-Type': 'video/mp4', 'Cache-Control': CACHE_MEDIA }, body: data };
}

export function errorResponse(status: number, message: string): HlsResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': CACHE_ERROR }, body: `${message}\n` };
}

/** A query as Fastify/querystring parses it, or URLSearchParams. */
export type HlsQuery = URLSearchParams | Readonly<Record<string, unknown>> | undefined;

export interface Directives {
  msn: number | null;
  part: number | null;
  skip: boolean;
}

const DECIMAL = /^\d{1,15}$/;

/** Parse the delivery directives; a string is the 400 message (RFC 8216bis 6.2.5). */
export function parseDirectives(query: HlsQuery): Directives | string {
  const get = (k: string): string | undefined | null => {
    if (query instanceof URLSearchParams) {
      const all = query.getAll(k);
      return all.length > 1 ? null : all[0];
    }
    const v = query?.[k];
    return v === undefined || typeof v === 'string' ? v : null;
  };
  const msn = get('_HLS_msn');
  const part = get('_HLS_part');
  const skip = get('_HLS_skip');
  if (msn === null || part === null || skip === null) return 'each delivery directive may appear once';
  if (msn !== undefined && !DECIMAL.test(msn)) return '_HLS_msn must be a decimal integer';
  if (part !== undefined && !DECIMAL.test(part)) return '_HLS_part must be a decimal integer';
  if (part !== undefined && msn === undefined) return '_HLS_part needs _HLS_msn';
  if (skip !== undefined && skip !== 'YES' && skip !== 'v2') return '_HLS_skip must be YES or v2';
  return { msn: msn === undefined ? null : Number(msn), part: part === undefined ? null : Number(part), skip: skip !== undefined };
}
