/** The merchant's webhook: a signed JSON POST (HMAC-SHA256 with the app's sign key; @zhibo/client's verifyWebhook). */
import { createHmac } from 'node:crypto';
import { ReminderChannel, WebhookHeaders, type ReminderWebhookBody } from '@zhibo/protocol';
import type { Poster } from '../../../lib/outbound.js';
import type { Channel, Delivery, SendOutcome } from './channel.js';

/** `sha256=<hex>`: HMAC-SHA256 of the raw body keyed by the app's sign key. */
export function webhookSignature(signKey: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', signKey).update(rawBody).digest('hex')}`;
}

export class WebhookChannel implements Channel {
  readonly name = ReminderChannel.Webhook;
  constructor(private readonly poster: Poster) {}

  async send(d: Delivery, timeoutMs: number): Promise<SendOutcome | 'skipped'> {
    const url = d.settings.webhookUrl;
    if (!url) return 'skipped';
    const body: ReminderWebhookBody = {
      event: d.event,
      room_id: d.roomId,
      room_name: d.roomName,
      openid: d.openid,
      time: d.time,
      start_time: d.startTime,
      idempotency_key: d.idempotencyKey,
    };
    const raw = JSON.stringify(body);
    const r = await this.poster.post(
      url,
      {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'zhibo-reminders/1',
        [WebhookHeaders.signature]: webhookSignature(d.signKey, raw),
        [WebhookHeaders.idempotencyKey]: d.idempotencyKey,
        [WebhookHeaders.event]: d.event,
      },
      raw,
      timeoutMs,
    );
    if ('error' in r) return { ok: false, statusCode: null, error: r.error, permanent: r.permanent };
    if (r.status >= 200 && r.status < 300) return { ok: true, statusCode: r.status, error: null };
    return { ok: false, statusCode: r.status, error: `HTTP ${r.status}${r.text ? `: ${r.text}` : ''}` };
  }
}
