/**
 * POST /wxa/business/applyliveinfo {action: "apply"}: a third-party platform applies for the live capability on behalf
 * of an app (WxJava WxOpenMaService.applyLiveInfo). Every zhibo app has live from its creation, so a valid
 * application is granted at once; anything but action "apply" is 40097 invalid args.
 */
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { ok, type WxRouter } from '../../http/wx.js';

export function applyRoutes(r: WxRouter): void {
  r.post('/wxa/business/applyliveinfo', async ({ body }) => {
    if (body.action !== 'apply') throw new DomainError(Reason.InvalidArgs, 'action must be "apply"', 'action');
    return ok({ action: 'apply' });
  });
}
