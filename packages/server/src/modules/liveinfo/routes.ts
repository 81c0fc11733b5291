/** S-API-1..4: one URL, two calls, one shared daily quota. */
import type { FastifyRequest } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import type { WxRouter } from '../../http/wx.js';
import type { AppService } from '../apps/service.js';
import type { QuotaService } from './quota.js';
import type { LiveInfoService } from './service.js';

export function wxRoutes(r: WxRouter, d: { liveInfo: LiveInfoService; quota: QuotaService; apps: AppService; base(req: FastifyRequest): string }): void {
  r.post('/wxa/business/getliveinfo', async ({ appid, body, req, reply }) => {
    const app = await d.apps.get(appid);
    await d.quota.consume(appid, app?.daily_quota ?? null);
    if (body.action === 'get_replay') return d.liveInfo.getReplay(appid, body, d.base(req));
    if (body.action !== undefined) throw new DomainError(Reason.InvalidArgs, 'unknown action (only get_replay, or none for the room list)', 'action');
    return reply.type('application/json; charset=utf-8').send(await d.liveInfo.getLiveInfoJson(appid, body, d.base(req)));
  });
}
