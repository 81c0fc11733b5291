/** An app's members with WeChat's live roles (role/addrole, deleterole, getrolelist): admins, anchors, operators. */
import { h, fmtTime } from '../dom.js';
import { Form, input, select } from '../form.js';
import type { Ctx } from '../shell.js';
import { busy, button, card, confirmAction, empty, toast } from '../ui.js';

interface Member {
  username: string;
  nickname: string;
  openid: string;
  roleList: number[];
  updateTimestamp: string;
}

const ROLE_NAMES: Record<number, string> = { 1: 'Admin', 2: 'Anchor', 3: 'Operator' };

export async function membersPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  ctx.setApp(appid);
  const grant = new URLSearchParams(location.hash.split('?')[1] ?? '').get('grant') ?? '';
  const { list, total } = await ctx.api.get<{ total: number; list: Member[] }>(`/apps/${appid}/roles?limit=30`);
  const app = await ctx.api.get<{ settings: { roleChecks?: boolean } }>(`/apps/${appid}`);
  const reload = () => ctx.go(`#/apps/${appid}/members`);

  const rows = list.flatMap((m) =>
    m.roleList.map((role) =>
      h(
        'tr',
        { dataset: { username: m.username, role: String(role) } },
        h('td', { class: 'mono', text: m.username }),
        h('td', {}, h('span', { class: 'tag', text: ROLE_NAMES[role] ?? String(role) })),
        h('td', { text: fmtTime(Number(m.updateTimestamp) * 1000) }),
        h(
          'td',
          { class: 'right' },
          button(
            'Remove',
            async (e) => {
              if (!(await confirmAction('Remove this role?', `${m.username} loses the ${ROLE_NAMES[role]} role.`, 'Remove'))) return;
              if (
                await busy(e.currentTarget as HTMLButtonElement, () =>
                  ctx.api.post(`/apps/${appid}/roles/delete`, { username: m.username, role }),
                )
              )
                reload();
            },
            'ghost',
            { 'data-action': 'remove-role' },
          ),
        ),
      ),
    ),
  );

  const form = new Form(
    async (f) => {
      const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value.trim();
      await ctx.api.post(`/apps/${appid}/roles`, { username: v('username'), role: Number(v('role')) });
      toast('Member added', 'success');
      reload();
    },
    { 'aria-label': 'Add member' },
  );
  form.add(
    h(
      'div',
      { class: 'grid-2' },
      form.field('username', 'WeChat id', input('username', { value: grant, placeholder: 'wx_anchor', autocomplete: 'off' })),
      form.field(
        'role',
        'Role',
        select(
          'role',
          [
            ['2', 'Anchor'],
            ['3', 'Operator'],
            ['1', 'Admin'],
          ],
          '2',
        ),
      ),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add member' })),
  );

  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h1', { text: 'Members' }),
        h('p', { class: 'muted', text: `${total} member${total === 1 ? '' : 's'} · limits: 10 admins, 500 anchors, 500 operators` }),
      ),
    ),
    h('p', {
      class: 'hint',
      'data-role': 'role-checks',
      text: app.settings.roleChecks
        ? 'Role checks are on: a room’s anchor (and sub-anchor) must hold the Anchor role (WeChat’s 300036 otherwise).'
        : 'Role checks are off (App settings): rooms accept any anchor.',
    }),
    card(
      'Members',
      rows.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table', 'aria-label': 'Members' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['WeChat id', 'Role', 'Added', ''].map((t) => h('th', { text: t })),
                ),
              ),
              h('tbody', {}, rows),
            ),
          )
        : empty('No member yet', 'Add anchors here (or with role/addrole) before turning role checks on.'),
    ),
    card('Add a member', form.el),
  );
}
