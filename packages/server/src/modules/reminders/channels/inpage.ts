/**
 * In-page: viewers who have the merchant's site open with the SDK (a /ws/site connection) get the reminder at once.
 * Best effort by nature: recorded as sent when handed to the realtime gateway (domain event reminderInPage).
 */
import { ReminderChannel } from '@zhibo/protocol';
import type { DomainBus } from '../../../lib/domain-events.js';
import type { Channel, Delivery, SendOutcome } from './channel.js';

export class InPageChannel implements Channel {
  readonly name = ReminderChannel.InPage;
  constructor(
    private readonly events: DomainBus,
    private readonly now: () => number,
  ) {}

  send(d: Delivery): Promise<SendOutcome | 'skipped'> {
    if (!d.settings.inPage) return Promise.resolve('skipped');
    this.events.emit('reminderInPage', {
      appid: d.appid,
      openid: d.openid,
      roomId: d.roomId,
      roomName: d.roomName,
      key: d.idempotencyKey,
      at: this.now(),
    });
    return Promise.resolve({ ok: true, statusCode: null, error: null });
  }
}
