/** The reminder channels zhibo has; the worker dispatches by the outbox row's `channel`. Add a channel here. */
import type { DomainBus } from '../../../lib/domain-events.js';
import type { Poster } from '../../../lib/outbound.js';
import type { Channel } from './channel.js';
import { CallbackChannel } from './callback.js';
import { InPageChannel } from './inpage.js';
import { WebhookChannel } from './webhook.js';
import { type PushTargets, WebPushChannel } from './webpush.js';

export function channels(d: {
  poster: Poster;
  events: DomainBus;
  now: () => number;
  pushTargets: PushTargets;
  pushServices: readonly string[];
  vapidKeys(appid: string): Promise<{ publicKey: string; privateKey: string }>;
}): Channel[] {
  return [
    new WebhookChannel(d.poster),
    new WebPushChannel({
      poster: d.poster,
      services: d.pushServices,
      target: (id) => d.pushTargets.get(id),
      vapidKeys: (appid) => d.vapidKeys(appid),
    }),
    new InPageChannel(d.events, d.now),
    new CallbackChannel(d.poster),
  ];
}
