/**
 * Members of an app with WeChat's live roles (成员管理): 1 admin, 2 anchor, 3 operator (limits 10/500/500). When the app
 * switches role checks on (app setting `roleChecks`), the anchor named in a room must hold the anchor role (300036,
 * with `qrcode_url`: the console page where the role is granted), and so must a sub-anchor (500002).
 */
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import { intOf, isWechatId } from '../../lib/ids.js';
import type { AppService } from '../apps/service.js';
import type { IdentityService } from '../identity/service.js';
import { missing } from '../rooms/index.js';
import type { RolesSql } from './sql.js';

export const Role = { Admin: 1, Anchor: 2, Operator: 3 } as const;
export const ROLE_LIMITS: Record<number, number> = { 1: 10, 2: 500, 3: 500 };
export const ROLE_NAMES: Record<number, string> = { 1: 'admin', 2: 'anchor', 3: 'operator' };

export interface RoleMember {
  headingimg: string;
  nickname: string;
  openid: string;
  roleList: number[];
  /** seconds, as a string of digits (WeChat's sample) */
  updateTimestamp: string;
  username: string;
}

export function username(v: unknown, field = 'username', reason: Reason = Reason.MemberIdInvalid): string {
  if (v === undefined || v === null || v === '') throw missing(field);
  if (!isWechatId(v))
    throw new DomainError(
      reason,
      `${field} is not a WeChat id (6–20 letters, digits, _ or -, starting with a letter; or 6–15 digits)`,
      field,
    );
  return v;
}

function roleOf(v: unknown, allowAll = false): number {
  if (v === undefined || v === null || v === '') throw missing('role');
  const r = intOf(v);
  if (r === 1 || r === 2 || r === 3 || (allowAll && (r === -1 || r === 0))) return r;
  throw new DomainError(
    Reason.BadParameter,
    `role must be 1 (admin), 2 (anchor) or 3 (operator)${allowAll ? ', -1 (all) or 0 (super admin)' : ''}`,
    'role',
  );
}

export class RoleService {
  constructor(
    private readonly sql: RolesSql,
    private readonly clock: Clock,
    private readonly apps: AppService,
    private readonly identity: IdentityService,
    private readonly consoleUrl: (appid: string, username: string) => string,
  ) {}

  /** role/addrole; `codeurl` never: zhibo has no real-name verification to ask for. */
  async add(appid: string, body: Record<string, unknown>): Promise<void> {
    const role = roleOf(body.role);
    const user = username(body.username);
    const added = await this.sql.add(appid, user, role, ROLE_LIMITS[role]!, this.clock.now());
    if (added === false) throw new DomainError(Reason.RoleDuplicate, `${user} already holds the ${ROLE_NAMES[role]} role`, 'username');
    if (added === null)
      throw new DomainError(Reason.RoleLimit, `an app has at most ${ROLE_LIMITS[role]} members with the ${ROLE_NAMES[role]} role`, 'role');
  }

  /** role/deleterole: removing a role the user does not hold changes nothing (errcode 0). */
  async remove(appid: string, body: Record<string, unknown>): Promise<void> {
    const role = roleOf(body.role);
    await this.sql.remove(appid, username(body.username), role);
  }

  /** role/getrolelist {role: -1 all | 0 super admin | 1–3, offset, limit ≤ 30 (default 10), keyword}. */
  async list(appid: string, q: Record<string, unknown>): Promise<{ total: number; list: RoleMember[] }> {
    const role = q.role === undefined || q.role === '' ? -1 : roleOf(q.role, true);
    const offset = intOf(q.offset ?? 0);
    const limit = intOf(q.limit ?? 10);
    if (typeof offset !== 'number' || offset < 0) throw new DomainError(Reason.InvalidArgs, 'offset must be an integer ≥ 0', 'offset');
    if (typeof limit !== 'number' || limit < 1 || limit > 30)
      throw new DomainError(Reason.InvalidArgs, 'limit must be an integer from 1 to 30', 'limit');
    const keyword = typeof q.keyword === 'string' ? q.keyword.slice(0, 64) : '';
    // zhibo has no super admin (role 0): the app's owner is the console account.
    if (role === 0) return { total: 0, list: [] };
    const { total, rows } = await this.sql.page(appid, role, keyword, offset, limit);
    return {
      total,
      list: rows.map((r) => ({
        headingimg: '',
        nickname: r.username,
        openid: this.identity.openid(appid, { kind: 'user', id: `wechat:${r.username}` }),
        roleList: r.roles,
        updateTimestamp: String(Math.floor(r.updated / 1000)),
        username: r.username,
      })),
    };
  }

  holds(appid: string, user: string, role: number): Promise<boolean> {
    return this.sql.holds(appid, user, role);
  }

  /** Whether the app switched role checks on (app setting `roleChecks`). */
  async checksOn(appid: string): Promise<boolean> {
    return (await this.apps.get(appid))?.settings.roleChecks === true;
  }

  /** With role checks on, `user` must hold the anchor role: 300036 (main anchor, with qrcode_url) or 500002 (sub-anchor). */
  async requireAnchor(appid: string, user: string, sub = false): Promise<void> {
    if (sub && !user) return;
    if (!(await this.checksOn(appid))) return;
    // With role checks on, a room names its anchor (WeChat requires anchorWechat).
    if (!user) throw missing('anchorWechat');
    if (await this.sql.holds(appid, user, Role.Anchor)) return;
    if (sub)
      throw new DomainError(
        Reason.SubAnchorNotVerified,
        `${user} does not hold the anchor role of this app (role/addrole role 2)`,
        'username',
      );
    throw new DomainError(
      Reason.AnchorRoleMissing,
      `anchorWechat ${user} does not hold the anchor role of this app (role/addrole role 2, or the console's Members page)`,
      'anchorWechat',
      undefined,
      { qrcode_url: this.consoleUrl(appid, user) },
    );
  }
}
