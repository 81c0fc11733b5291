/** Accounts (operator only): merchants who own apps. New and reset passwords are shown once. */
import { h, fmtTime } from '../dom.js';
import { Form, input } from '../form.js';
import type { Ctx } from '../shell.js';
import { button, busy, card, confirmAction, copyField, dialog } from '../ui.js';

interface Row {
  id: number;
  login: string;
  name: string;
  role: string;
  created_at: number;
  apps: number;
}

export async function accountsPage(ctx: Ctx): Promise<HTMLElement> {
  ctx.setApp(undefined);
  const rows = await ctx.api.get<Row[]>('/accounts');
  const showPassword = (login: string, password: string) =>
    dialog(
      'Password for ' + login,
      h(
        'div',
        { class: 'stack' },
        h('p', {
          text: 'Give this password to the merchant over a safe channel. It is shown only this once; they can change it under “My password”.',
        }),
        copyField('Password', password, { name: 'password' }),
      ),
      [{ label: 'Done', value: 'ok', kind: 'primary' }],
    );
  const form = new Form(async (f) => {
    const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value;
    const r = await ctx.api.post<{ account: Row; password: string }>('/accounts', {
      login: v('login'),
      name: v('name'),
      password: v('password'),
    });
    await showPassword(r.account.login, r.password);
    ctx.go('#/accounts');
  });
  form.add(
    h(
      'div',
      { class: 'grid-2' },
      form.field(
        'login',
        'Login',
        input('login', { autocapitalize: 'none', placeholder: 'teahouse' }),
        'Lower-case letters, digits, . _ @ -',
      ),
      form.field('name', 'Name', input('name', { placeholder: 'Tea House Ltd.' })),
      form.field(
        'password',
        'Password (optional)',
        input('password', { type: 'password', autocomplete: 'new-password' }),
        'Leave empty to generate one.',
      ),
    ),
    h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create merchant account' }),
  );
  const table = h(
    'table',
    { class: 'table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Login', 'Name', 'Role', 'Apps', 'Created', ''].map((t) => h('th', { text: t })),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          h('td', { class: 'mono', text: r.login }),
          h('td', { text: r.name }),
          h('td', {}, h('span', { class: `tag${r.role === 'operator' ? ' tag-strong' : ''}`, text: r.role })),
          h('td', { text: String(r.apps) }),
          h('td', { text: fmtTime(r.created_at) }),
          h(
            'td',
            { class: 'right' },
            button(
              'Reset password',
              async (e) => {
                if (
                  !(await confirmAction(
                    'Reset password?',
                    `${r.login} will be signed out everywhere and get a new password.`,
                    'Reset password',
                  ))
                )
                  return;
                const out = await busy(e.currentTarget as HTMLButtonElement, () =>
                  ctx.api.post<{ password: string }>(`/accounts/${r.id}/password`),
                );
                if (out) await showPassword(r.login, out.password);
              },
              'ghost',
            ),
          ),
        ),
      ),
    ),
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
        h('h1', { text: 'Accounts' }),
        h('p', { class: 'muted', text: 'Merchants sign in here and see only their own apps, rooms, goods and numbers.' }),
      ),
    ),
    card('All accounts', h('div', { class: 'table-wrap' }, table)),
    card('New merchant', form.el),
  );
}
