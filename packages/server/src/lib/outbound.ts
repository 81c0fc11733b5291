/**
 * Outgoing HTTP requests (webhooks, Web Push): one Poster, so that timeouts, errors and (later) the outbound
 * address policy are handled alike for every caller.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * POSTs over node:http / node:https with keep-alive agents (several times the throughput of
 * fetch on one core). The timeout covers the whole exchange; redirects are not followed.
 */
export class Poster {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;
  constructor(maxSockets: number) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  post(url: string, headers: Record<string, string>, body: string | Buffer | null, timeoutMs: number): Promise<{ status: number; text: string } | { error: string }> {
    return new Promise((resolve) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return resolve({ error: `not a URL: ${url}` });
      }
      const secure = u.protocol === 'https:';
      if (!secure && u.protocol !== 'http:') return resolve({ error: `unsupported protocol ${u.protocol}` });
      const payload = body === null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
      let done = false;
      const finish = (r: { status: number; text: string } | { error: string }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = (secure ? httpsRequest : httpRequest)(u, { method: 'POST', agent: secure ? this.https : this.http, headers: { ...headers, 'content-length': String(payload.length) } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 1024) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 200) }));
        res.on('error', (e) => finish({ error: describe(e) }));
      });
      const timer = setTimeout(() => {
        finish({ error: `timeout after ${timeoutMs} ms` });
        req.destroy();
      }, timeoutMs);
      req.on('error', (e) => finish({ error: describe(e) }));
      req.end(payload);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : err.message || String(e);
}
