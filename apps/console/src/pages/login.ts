/** Sign in. */
import type { Account, Api } from '../api.js';
import { h } from '../dom.js';
import { Form, input } from '../form.js';

export async function loginPage(api: Api, signedIn: (a: Account) => Promise<void>): Promise<HTMLElement> {
  const form = new Form(
    async (f) => {
      const r = await api.post<{ account: Account; csrf: string; mustChangePassword?: boolean }>('/login', {
        login: (f.el.elements.namedItem('login') as HTMLInputElement).value,
        password: (f.el.elements.namedItem('password') as HTMLInputElement).value,
      });
      api.csrf = r.csrf;
      await signedIn({ ...r.account, mustChangePassword: r.mustChangePassword === true });
    },
    { 'aria-label': 'Sign in' },
  );
  form.add(
    form.field(
      'login',
      'Login',
      input('login', { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, autofocus: true }),
    ),
    form.field('password', 'Password', input('password', { type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block', text: 'Sign in' }),
  );
  return h(
    'div',
    { class: 'login' },
    h(
      'div',
      { class: 'login-card' },
      h(
        'div',
        { class: 'login-brand' },
        h('span', { class: 'brand-mark big', 'aria-hidden': 'true' }),
        h('div', {}, h('h1', { text: 'zhibo console' }), h('p', { class: 'muted', text: '直播 · live commerce for your shop' })),
      ),
      form.el,
      h('p', {
        class: 'hint login-help',
        text: 'First time? The operator’s login “admin” and its password were printed once by `zhibo serve`. Lost it? Run `zhibo operator reset-password`. Merchant accounts are created by the operator.',
      }),
    ),
    h('p', { class: 'login-foot muted', text: 'Self-hosted and compatible with WeChat Mini Program Live.' }),
  );
}
