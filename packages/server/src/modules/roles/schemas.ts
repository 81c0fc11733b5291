/** OpenAPI descriptions of the roles module's routes (WeChat's 成员管理; http/route-docs.ts). */
import { arr, int, obj, type RouteDocs, str } from '../../http/route-docs.js';

const USERNAME = str('WeChat id (6–20 letters, digits, _ or -, starting with a letter; or 6–15 digits)');
const ROLE = int('1 admin, 2 anchor, 3 operator', { enum: [1, 2, 3] });
const roleBody = obj({ username: USERNAME, role: ROLE }, ['username', 'role']);
const listParams = {
  role: int('-1 all (default), 0 super admin (zhibo has none: always empty), 1 admin, 2 anchor, 3 operator', { enum: [-1, 0, 1, 2, 3] }),
  offset: int('default 0', { minimum: 0 }),
  limit: int('default 10', { minimum: 1, maximum: 30 }),
  keyword: str('part of the WeChat id (≤ 64 characters)'),
};
const list = obj(
  {
    total: int(),
    list: arr(
      obj({
        headingimg: str('always empty'),
        nickname: str('the WeChat id'),
        openid: str("the member's openid in this app"),
        roleList: arr(int(), 'roles held (1–3)'),
        updateTimestamp: str('unix seconds as digits'),
        username: str(),
      }),
    ),
  },
  ['total', 'list'],
);

export const ROUTE_DOCS: RouteDocs = {
  'POST /wxaapi/broadcast/role/addrole': {
    summary: 'Give a WeChat id a role (limits: 10 admins, 500 anchors, 500 operators); never answers codeurl (no real-name verification)',
    body: roleBody,
    response: obj({}),
  },
  'POST /wxaapi/broadcast/role/deleterole': {
    summary: 'Take a role from a WeChat id (a role not held changes nothing)',
    body: roleBody,
    response: obj({}),
  },
  'GET /wxaapi/broadcast/role/getrolelist': { summary: "The app's members, newest change first", query: listParams, response: list },
  'POST /wxaapi/broadcast/role/getrolelist': {
    summary: 'The same as GET getrolelist with the parameters as a JSON body (PowerWeChat sends it so)',
    body: obj(listParams),
    response: list,
  },
};
