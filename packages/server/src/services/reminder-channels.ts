/**
 * The network channels of go-live reminders (issue 6): a signed webhook to the merchant's server,
 * and Web Push (RFC 8030/8291/8292) through the `web-push` library's encryption and VAPID
 * signing; the request itself goes out through one Poster, so timeouts and errors are handled alike.
 */
import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { WebhookHeaders, type ReminderPushPayload, type ReminderWebhookBody } from '@zhibo/protocol';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** Web Push: the subscription is gone (404/410) — remove it, do not retry */
  gone?: boolean;
  /** retrying can not help (e.g. a malformed push subscription) */
  permanent?: boolean;
}

interface WebPushLib {
  generateRequestDetails(
    sub: { endpoint: string; keys: { p256dh: string; auth: string } },
    payload: string,
    options: { vapidDetails: { subject: string; publicKey: string; privateKey: string }; TTL: number; contentEncoding: string; urgency: string },
  ): { method: string; headers: Record<string, string | number>; body: Buffer | null; endpoint: string };
}
const webpush = createRequire(import.meta.url)('web-push') as WebPushLib;

/** `sha256=<hex>`: HMAC-SHA256 of the raw body keyed by the app's sign key (what @zhibo/client's verifyWebhook checks). */
export function webhookSignature(signKey: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', signKey).update(rawBody).digest('hex')}`;
}

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

/** POST the signed JSON body to the merchant; 2xx is delivered, anything else is retried by the caller. */
export async function sendWebhook(poster: Poster, url: string, signKey: string, body: ReminderWebhookBody, timeoutMs: number): Promise<SendOutcome> {
  const raw = JSON.stringify(body);
  const r = await poster.post(url, {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'zhibo-reminders/1',
    [WebhookHeaders.signature]: webhookSignature(signKey, raw),
    [WebhookHeaders.idempotencyKey]: body.idempotency_key,
    [WebhookHeaders.event]: body.event,
  }, raw, timeoutMs);
  if ('error' in r) return { ok: false, statusCode: null, error: r.error };
  if (r.status >= 200 && r.status < 300) return { ok: true, statusCode: r.status, error: null };
  return { ok: false, statusCode: r.status, error: `HTTP ${r.status}${r.text ? `: ${r.text}` : ''}` };
}

/** Encrypt (aes128gcm) and send one Web Push message; 404/410 mean the browser's subscription is gone. */
export async function sendWebPush(
  poster: Poster,
  target: { endpoint: string; keys: { p256dh: string; auth: string } },
  payload: ReminderPushPayload,
  vapid: { subject: string; publicKey: string; privateKey: string },
  timeoutMs: number,
  ttlSec = 3600,
): Promise<SendOutcome> {
  let d: ReturnType<WebPushLib['generateRequestDetails']>;
  try {
    d = webpush.generateRequestDetails(target, JSON.stringify(payload), { vapidDetails: vapid, TTL: ttlSec, contentEncoding: 'aes128gcm', urgency: 'high' });
  } catch (e) {
    return { ok: false, statusCode: null, error: `cannot encrypt for this subscription: ${(e as Error).message}`, permanent: true };
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.headers)) if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
  const r = await poster.post(d.endpoint, headers, d.body, timeoutMs);
  if ('error' in r) return { ok: false, statusCode: null, error: r.error };
  if (r.status >= 200 && r.status < 300) return { ok: true, statusCode: r.status, error: null };
  const gone = r.status === 404 || r.status === 410;
  return { ok: false, statusCode: r.status, error: `push service: HTTP ${r.status}${r.text ? `: ${r.text}` : ''}`, gone };
}
