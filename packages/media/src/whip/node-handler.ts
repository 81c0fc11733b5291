/** node:http adapter for WhipServer.handle(): reads the body (bounded), writes the response. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WhipServer } from './whip-server.js';

export function createWhipNodeHandler(
  whip: WhipServer,
  opts: { maxBodyBytes?: number } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const max = opts.maxBodyBytes ?? 65536;
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > max) tooLarge = true;
      else chunks.push(d);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) {
        res
          .writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' })
          .end('request body too large\n');
        return;
      }
      whip
        .handle({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks),
          remoteAddress: req.socket.remoteAddress ?? '',
        })
        .then(
          (r) => {
            res.writeHead(r.status, r.headers).end(r.body);
          },
          () => {
            res.writeHead(500).end();
          },
        );
    });
  };
}
