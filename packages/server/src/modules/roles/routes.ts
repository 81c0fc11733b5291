/** WeChat's member calls (成员管理): role/addrole, role/deleterole, role/getrolelist (GET query; PowerWeChat POSTs JSON). */
import { ok, type WxRouter } from '../../http/wx.js';
import type { RoleService } from './service.js';

export function wxRoutes(r: WxRouter, roles: RoleService): void {
  const P = '/wxaapi/broadcast/role/';
  r.post(`${P}addrole`, async ({ appid, body }) => {
    await roles.add(appid, body);
    return ok({});
  });
  r.post(`${P}deleterole`, async ({ appid, body }) => {
    await roles.remove(appid, body);
    return ok({});
  });
  r.get(`${P}getrolelist`, async ({ appid, query }) => ok(await roles.list(appid, query)));
  r.post(`${P}getrolelist`, async ({ appid, body }) => ok(await roles.list(appid, body)));
}
