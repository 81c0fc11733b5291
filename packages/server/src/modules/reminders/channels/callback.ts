/**
 * The app's callback URL: WeChat-style events (wxalive_follow_notify, wxalive_push_message_notify) as JSON message
 * pushes, signed like the reminder webhook (HMAC-SHA256 of the raw body with the app's sign key). The body was
 * written with the row (outbox `payload`), so a retry sends the same bytes.
 */
import { ReminderChannel, WebhookHeaders } from '@zhibo/protocol';
import type { Poster } from '../../../lib/outbound.js';
import type { Channel, Delivery, SendOutcome } from './channel.js';
import { webhookSignature } from './webhook.js';

export class CallbackChannel implements Channel {
  readonly name = ReminderChannel.Callback;
  constructor(private readonly poster: Poster) {}

  async send(d: Delivery, timeoutMs: number): Promise<SendOutcome | 'skipped'> {
    if (!d.callbackUrl || !d.payload) return 'skipped';
    const r = await this.poster.post(
      d.callbackUrl,
      {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'zhibo-callbacks/1',
        [WebhookHeaders.signature]: webhookSignature(d.signKey, d.payload),
        [WebhookHeaders.idempotencyKey]: d.idempotencyKey,
        [WebhookHeaders.event]: d.event,
      },
      d.payload,
      timeoutMs,
    );
    if ('error' in r) return { ok: false, statusCode: null, error: r.error };
    if (r.status >= 200 && r.status < 300) return { ok: true, statusCode: r.status, error: null };
    return { ok: false, statusCode: r.status, error: `HTTP ${r.status}${r.text ? `: ${r.text}` : ''}` };
  }
}
