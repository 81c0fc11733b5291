/** WeChat's assistant calls: room/addassistant, modifyassistant, removeassistant, getassistantlist. */
import { ok, type WxRouter } from '../../http/wx.js';
import type { AssistantService } from './service.js';

export function wxRoutes(r: WxRouter, assistants: AssistantService): void {
  const P = '/wxaapi/broadcast/room/';
  r.post(`${P}addassistant`, async ({ appid, body }) => {
    await assistants.add(appid, body);
    return ok({});
  });
  r.post(`${P}modifyassistant`, async ({ appid, body }) => {
    await assistants.modify(appid, body);
    return ok({});
  });
  r.post(`${P}removeassistant`, async ({ appid, body }) => {
    await assistants.remove(appid, body);
    return ok({});
  });
  r.get(`${P}getassistantlist`, async ({ appid, query }) => ok(await assistants.list(appid, query.roomId)));
}
