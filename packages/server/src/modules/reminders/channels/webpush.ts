/** Web Push (RFC 8030/8291/8292): the `web-push` library encrypts (aes128gcm) and signs (VAPID); the Poster sends. */
import { createRequire } from 'node:module';
import { ReminderChannel, type ReminderPushPayload } from '@zhibo/protocol';
import type { Poster } from '../../../lib/outbound.js';
import { reminderCopy } from '../copy.js';
import { isPushService } from '../settings.js';
import type { Channel, Delivery, SendOutcome } from './channel.js';

interface WebPushLib {
  generateRequestDetails(
    sub: { endpoint: string; keys: { p256dh: string; auth: string } },
    payload: string,
    options: {
      vapidDetails: { subject: string; publicKey: string; privateKey: string };
      TTL: number;
      contentEncoding: string;
      urgency: string;
    },
  ): { method: string; headers: Record<string, string | number>; body: Buffer | null; endpoint: string };
}
const webpush = createRequire(import.meta.url)('web-push') as WebPushLib;

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushDeps {
  poster: Poster;
  /** ZHIBO_PUSH_SERVICES: endpoints elsewhere (stored before the list was set) are not sent to */
  services: readonly string[];
  /** the subscription's browser PushSubscription (undefined: none, or removed after 404/410) */
  target(subscriptionId: number): PushTarget | undefined;
  vapidKeys(appid: string): Promise<{ publicKey: string; privateKey: string }>;
}

export class WebPushChannel implements Channel {
  readonly name = ReminderChannel.WebPush;
  constructor(
    private readonly d: WebPushDeps,
    private readonly ttlSec = 3600,
  ) {}

  async send(x: Delivery, timeoutMs: number): Promise<SendOutcome | 'skipped'> {
    const target = this.d.target(x.subscriptionId);
    if (!x.settings.webpush || !target) return 'skipped';
    let host = '';
    try {
      host = new URL(target.endpoint).hostname;
    } catch {
      host = '';
    }
    if (!isPushService(host, this.d.services))
      return {
        ok: false,
        statusCode: null,
        error: `push endpoint ${host || '(invalid)'} is not a known push service (ZHIBO_PUSH_SERVICES)`,
        permanent: true,
      };
    const keys = await this.d.vapidKeys(x.appid);
    const subject = x.settings.contact ?? (x.baseUrl.startsWith('https:') ? x.baseUrl : 'mailto:reminders@zhibo.invalid');
    const payload: ReminderPushPayload = {
      ...reminderCopy(x.event, x.roomName),
      url: `${x.baseUrl}/room/?room_id=${x.roomId}`,
      room_id: x.roomId,
      event: x.event,
      idempotency_key: x.idempotencyKey,
      time: x.time,
    };
    let req: ReturnType<WebPushLib['generateRequestDetails']>;
    try {
      req = webpush.generateRequestDetails(target, JSON.stringify(payload), {
        vapidDetails: { subject, ...keys },
        TTL: this.ttlSec,
        contentEncoding: 'aes128gcm',
        urgency: 'high',
      });
    } catch (e) {
      return { ok: false, statusCode: null, error: `cannot encrypt for this subscription: ${(e as Error).message}`, permanent: true };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    const r = await this.d.poster.post(req.endpoint, headers, req.body, timeoutMs);
    if ('error' in r) return { ok: false, statusCode: null, error: r.error, permanent: r.permanent };
    if (r.status >= 200 && r.status < 300) return { ok: true, statusCode: r.status, error: null };
    const gone = r.status === 404 || r.status === 410;
    return { ok: false, statusCode: r.status, error: `push service: HTTP ${r.status}${r.text ? `: ${r.text}` : ''}`, gone };
  }
}

/** The push targets of the batch the worker claimed (one query per batch, not per delivery). */
export class PushTargets {
  private map = new Map<number, PushTarget>();
  constructor(private readonly lookup: (subIds: number[]) => Promise<Map<number, PushTarget>>) {}

  async load(subIds: number[]): Promise<void> {
    const missing = subIds.filter((id) => !this.map.has(id));
    if (this.map.size > 50_000) this.map = new Map();
    if (missing.length) for (const [id, t] of await this.lookup(missing)) this.map.set(id, t);
  }

  get(subId: number): PushTarget | undefined {
    return this.map.get(subId);
  }

  /** A target the push service said is gone. */
  forget(subId: number): void {
    this.map.delete(subId);
  }
}
