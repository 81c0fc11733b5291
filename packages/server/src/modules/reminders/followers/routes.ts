/**
 * Followers over HTTP: WeChat's get_wxa_followers and push_message (access_token), and the plugin API's follow
 * button (GET state, POST follow, DELETE unfollow; viewer identity required).
 */
import { type FollowState, PluginRoutes } from '@zhibo/protocol';
import type { PluginRouter } from '../../../http/plugin-api.js';
import { ok, type WxRouter } from '../../../http/wx.js';
import type { ReminderService } from '../service.js';
import { validatePushSubscription } from '../settings.js';
import type { FollowerService } from './service.js';

export function followerWxRoutes(r: WxRouter, followers: FollowerService): void {
  r.post('/wxa/business/get_wxa_followers', async ({ appid, body }) => ok(await followers.page(appid, body.limit, body.page_break)));
  r.post('/wxa/business/push_message', async ({ appid, body }) =>
    ok({ message_id: await followers.push(appid, body.room_id, body.user_openid) }),
  );
}

export function followerPluginRoutes(
  r: PluginRouter,
  followers: FollowerService,
  reminders: ReminderService,
  push: { pushAllowHttp: boolean; pushServices: readonly string[] },
): void {
  r.route({
    method: 'GET',
    path: PluginRoutes.follow,
    roomFrom: 'query',
    viewer: true,
    async handler({ room, viewer }): Promise<FollowState> {
      return { following: await followers.isFollowing(room.appid, viewer!.openid) };
    },
  });
  r.route<unknown, { room_id: number; push_subscription?: unknown }>({
    method: 'POST',
    path: PluginRoutes.follow,
    roomFrom: 'body',
    viewer: true,
    body: { push_subscription: {} },
    async handler({ body, room, viewer }): Promise<FollowState> {
      const subscription =
        body.push_subscription && (await reminders.settings(room.appid)).webpush
          ? validatePushSubscription(body.push_subscription, push.pushAllowHttp, push.pushServices)
          : null;
      await followers.follow(room, viewer!.openid, subscription);
      return { following: true };
    },
  });
  r.route({
    method: 'DELETE',
    path: PluginRoutes.follow,
    roomFrom: 'query',
    viewer: true,
    async handler({ room, viewer }): Promise<FollowState> {
      await followers.unfollow(room, viewer!.openid);
      return { following: false };
    },
  });
}
