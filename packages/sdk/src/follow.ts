/**
 * Following the merchant (WeChat's long-term subscription, 长期订阅): the room page's follow button and any page of
 * the merchant's site can read and change whether this viewer follows the app of a room. The merchant's server reads
 * followers with get_wxa_followers and tells them a room is live with push_message.
 */
import { type FollowState, PluginErrorCode, PluginRoutes, type PushSubscriptionJson } from '@zhibo/protocol';
import type { SdkClient } from './client.js';
import { asPluginError, isPluginError, pluginError } from './errors.js';

export class FollowApi {
  constructor(private readonly client: SdkClient) {}

  /** Does this viewer follow the app of `roomId`? */
  state(roomId: number): Promise<FollowState> {
    return this.client.get<FollowState>(PluginRoutes.follow, { room_id: roomId });
  }

  /** Follow (again: nothing changes); a Web Push subscription lets go-live messages reach this browser. */
  follow(roomId: number, pushSubscription?: PushSubscriptionJson | null): Promise<FollowState> {
    return this.send('POST', this.client.url(PluginRoutes.follow), {
      room_id: roomId,
      ...(pushSubscription ? { push_subscription: pushSubscription } : {}),
    });
  }

  unfollow(roomId: number): Promise<FollowState> {
    return this.send('DELETE', this.client.url(PluginRoutes.follow, { room_id: roomId }));
  }

  private async send(method: 'POST' | 'DELETE', url: string, body?: unknown): Promise<FollowState> {
    let res: Response;
    try {
      res = await this.client.env.fetch(url, {
        method,
        headers: { ...this.client.identityHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
      });
    } catch (e) {
      throw asPluginError(e);
    }
    let out: unknown;
    try {
      out = await res.json();
    } catch {
      out = undefined;
    }
    if (res.ok && out !== undefined) return out as FollowState;
    if (isPluginError(out)) throw out;
    throw pluginError(PluginErrorCode.Network, `the zhibo server answered HTTP ${res.status} for ${PluginRoutes.follow}`);
  }
}
