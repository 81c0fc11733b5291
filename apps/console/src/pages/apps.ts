/** All apps (create one: the appsecret is shown once), and the signed-in account's password. */
import { h } from '../dom.js';
import { Form, input } from '../form.js';
import type { Ctx } from '../shell.js';
import { card, copyField, dialog, empty, toast } from '../ui.js';

export async function showSecret(title: string, appid: string, appsecret: string): Promise<void> {
  await dialog(
    title,
    h(
      'div',
      { class: 'stack' },
      h('p', {
        text: 'Copy the appsecret now and keep it on your server: it is shown only this once. Your server exchanges appid + appsecret for an access_token (GET /cgi-bin/token), as with WeChat.',
      }),
      copyField('appid', appid, { name: 'appid' }),
      copyField('appsecret', appsecret, { name: 'appsecret' }),
    ),
    [{ label: 'I have saved it', value: 'ok', kind: 'primary' }],
  );
}

export async function appsPage(ctx: Ctx): Promise<HTMLElement> {
  ctx.setApp(undefined);
  const form = new Form(async (f) => {
    const name = (f.el.elements.namedItem('name') as HTMLInputElement).value;
    const r = await ctx.api.post<{ appid: string; appsecret: string }>('/apps', { name });
    await ctx.refreshApps();
    await showSecret('Your app is ready', r.appid, r.appsecret);
    ctx.go(`#/apps/${r.appid}`);
  });
  form.add(
    h(
      'div',
      { class: 'inline-form' },
      form.field(
        'name',
        'App name',
        input('name', { placeholder: 'e.g. Tea House Shop', maxlength: 64, required: true }),
        'Usually your shop’s or mini program’s name.',
      ),
      h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create app' }),
    ),
  );
  const list = ctx.apps.length
    ? h(
        'div',
        { class: 'app-grid' },
        ctx.apps.map((a) =>
          h(
            'a',
            { class: 'app-card', href: `#/apps/${a.appid}` },
            h('div', { class: 'app-avatar', text: a.name.slice(0, 1).toUpperCase(), 'aria-hidden': 'true' }),
            h(
              'div',
              {},
              h('strong', { text: a.name }),
              h('div', { class: 'muted mono', text: a.appid }),
              a.owner && !a.mine ? h('div', { class: 'hint', text: `owned by ${a.owner}` }) : null,
            ),
          ),
        ),
      )
    : empty(
        'No app yet',
        'An app is what your mini program or website uses to talk to zhibo: create one to get its appid and appsecret, then create live rooms in it.',
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
        h('h1', { text: 'Apps' }),
        h('p', { class: 'muted', text: 'Each app has its own rooms, goods, settings and API credentials.' }),
      ),
    ),
    card('Your apps', list),
    card('Create an app', form.el),
  );
}

/** Fired when the signed-in account changed its password (main.ts lifts the must-change restriction). */
export const PASSWORD_CHANGED = 'zhibo:password-changed';

export async function mePage(ctx: Ctx): Promise<HTMLElement> {
  ctx.setApp(undefined);
  const form = new Form(async (f) => {
    const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value;
    if (v('next') !== v('again')) {
      f.setError('again', 'The two new passwords differ');
      return;
    }
    const r = await ctx.api.post<{ csrf: string }>('/password', { current: v('current'), next: v('next') });
    ctx.api.csrf = r.csrf;
    f.el.reset();
    toast('Password changed. Other devices were signed out.', 'success');
    window.dispatchEvent(new Event(PASSWORD_CHANGED));
  });
  form.add(
    form.field('current', 'Current password', input('current', { type: 'password', autocomplete: 'current-password' })),
    form.field(
      'next',
      'New password',
      input('next', { type: 'password', autocomplete: 'new-password' }),
      'At least 10 characters, not a common password.',
    ),
    form.field('again', 'New password again', input('again', { type: 'password', autocomplete: 'new-password' })),
    h('button', { type: 'submit', class: 'btn btn-primary', text: 'Change password' }),
  );
  return h(
    'div',
    { class: 'page narrow' },
    h('header', { class: 'page-head' }, h('h1', { text: 'My password' })),
    card(
      null,
      ctx.account.mustChangePassword
        ? h('p', { class: 'form-error', text: 'You signed in with a generated password: choose your own to continue.' })
        : null,
      h('p', { class: 'muted', text: `Signed in as ${ctx.account.name} (${ctx.account.login}).` }),
      form.el,
    ),
  );
}
