/** S-API-1..4: one URL, two calls, one shared daily quota. */
import type { FastifyRequest } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import type { WxRouter } from '../../http/wx.js';
import type { AppService } from '../apps/service.js';
import type { QuotaService } from './quota.js';
import type { LiveInfoService } from './service.js';

/** getliveinfo's daily quota on WeChat today (profile `current`). */
export const CURRENT_DAILY_QUOTA = 100_000;

export function wxRoutes(
  r: WxRouter,
  d: { liveInfo: LiveInfoService; quota: QuotaService; apps: AppService; base(req: FastifyRequest): string },
): void {
  r.post('/wxa/business/getliveinfo', async ({ appid, body, req, reply }) => {
    const app = await d.apps.get(appid);
    const profile = app?.settings.compat ?? 'seed';
    // The quota: the app's own, else the profile's (seed: the server default, 500; current: WeChat's 100000 today).
    await d.quota.consume(appid, app?.daily_quota ?? (profile === 'current' ? CURRENT_DAILY_QUOTA : null));
    if (body.action === 'get_replay') return d.liveInfo.getReplay(appid, body, d.base(req));
    if (body.action !== undefined)
      throw new DomainError(Reason.InvalidArgs, 'unknown action (only get_replay, or none for the room list)', 'action');
    return reply.type('application/json; charset=utf-8').send(await d.liveInfo.getLiveInfoJson(appid, body, profile, d.base(req)));
  });
}
