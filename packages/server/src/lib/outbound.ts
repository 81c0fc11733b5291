/**
 * Outgoing HTTP requests (webhooks, Web Push): one Poster, so that timeouts, errors and the outbound address policy
 * (lib/address-policy.ts: no loopback/private/metadata targets, checked after DNS, connected to the checked address)
 * are handled alike for every caller.
 */
import type { LookupFunction } from 'node:net';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AddressPolicy } from './address-policy.js';

export type PostResult = { status: number; text: string } | { error: string; permanent?: boolean };

/**
 * POSTs over node:http / node:https with keep-alive agents (several times the throughput of
 * fetch on one core). The timeout covers the whole exchange; redirects are not followed.
 */
export class Poster {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;
  constructor(
    maxSockets: number,
    private readonly policy: AddressPolicy = new AddressPolicy(),
  ) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  async post(url: string, headers: Record<string, string>, body: string | Buffer | null, timeoutMs: number): Promise<PostResult> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { error: `not a URL: ${url.slice(0, 200)}`, permanent: true };
    }
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') return { error: `unsupported protocol ${u.protocol}`, permanent: true };
    const target = await this.policy.resolve(u.hostname);
    if (!target.ok) return { error: target.error, permanent: target.error.startsWith('refused') };
    // Connect to the address that was checked, not to a second lookup's answer (DNS rebinding).
    const pinned: LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all)
        (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
          { address: target.address, family: target.family },
        ]);
      else cb(null, target.address, target.family);
    };
    return this.send(u, secure, pinned, headers, body, timeoutMs);
  }

  private send(
    u: URL,
    secure: boolean,
    lookup: LookupFunction,
    headers: Record<string, string>,
    body: string | Buffer | null,
    timeoutMs: number,
  ): Promise<PostResult> {
    return new Promise((resolve) => {
      const payload = body === null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
      let done = false;
      const finish = (r: PostResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = (secure ? httpsRequest : httpRequest)(
        u,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          lookup,
          headers: { ...headers, 'content-length': String(payload.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < 1024) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 200) }));
          res.on('error', (e) => finish({ error: describe(e) }));
        },
      );
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
