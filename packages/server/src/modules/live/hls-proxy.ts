/**
 * HLS on a node that does not hold the stream (cluster mode): the origin (lease holder) packages it once, so every
 * node answers with the origin's playlists, parts and segments — a player or a cache may hit any node. Blocking
 * reloads are held by the origin; the edge only forwards. In front, nginx/a CDN collapses identical requests
 * (docs/cluster.md), so the origin sees about one request per part whatever the audience.
 */
import type { PublishLease } from './lease.js';

const KEEP = ['content-type', 'cache-control', 'content-length', 'etag', 'last-modified'];
/** A blocking reload waits up to 3 target durations on the origin (≤ 18 s). */
const TIMEOUT_MS = 20_000;

export interface ProxiedHls {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The origin's answer, or undefined when no other node holds the stream (answer locally). */
export async function hlsFromOrigin(lease: PublishLease, streamId: string, file: string, query: string): Promise<ProxiedHls | undefined> {
  const h = await lease.holder(streamId);
  if (!h || h.node === lease.node) return undefined;
  try {
    const r = await fetch(`${h.url}/live/${streamId}/${encodeURIComponent(file)}${query}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const headers: Record<string, string> = {};
    for (const k of KEEP) {
      const v = r.headers.get(k);
      if (v !== null && k !== 'content-length') headers[k] = v;
    }
    return { status: r.status, headers, body: Buffer.from(await r.arrayBuffer()) };
  } catch (e) {
    return {
      status: 502,
      headers: { 'cache-control': 'no-store', 'content-type': 'text/plain' },
      body: Buffer.from(`origin unreachable: ${(e as Error).message}`),
    };
  }
}
