/**
 * A plain node:http front for MediaServer.hlsRequest() in tests: GET /live/STREAM/FILE?query, plus
 * fixed extra routes (a test page, the hls.js bundle). Requests are logged for assertions.
 */
import { createServer, type Server } from 'node:http';
import type { MediaServer } from '../src/index.js';

export interface HlsHttp {
  server: Server;
  base: string;
  url(streamId: string, file?: string): string;
  /** Every request path with its query, in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startHlsHttp(media: MediaServer, extra: Record<string, { type: string; body: string }> = {}): Promise<HlsHttp> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(`${u.pathname}${u.search}`);
    const page = extra[u.pathname];
    if (page) {
      res.writeHead(200, { 'Content-Type': page.type }).end(page.body);
      return;
    }
    const m = /^\/live\/([^/]+)\/([^/]*)$/.exec(u.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    void media.hlsRequest(m[1]!, m[2]!, u.searchParams).then((r) => {
      res.writeHead(r.status, { ...r.headers, 'Access-Control-Allow-Origin': '*' }).end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    server,
    base,
    requests,
    url: (id, file = 'index.m3u8') => `${base}/live/${id}/${file}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
