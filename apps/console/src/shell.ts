/** The console frame: sidebar (app switcher, sections) on desktop, a top bar with a scrolling tab row on phones. */
import type { Account, Api } from './api.js';
import { h } from './dom.js';

export interface AppInfo {
  /** the app's time zone: every date and time the console shows is in it */
  timeZone?: string;
  appid: string;
  name: string;
  owner: string | null;
  mine: boolean;
}

export interface Ctx {
  api: Api;
  account: Account;
  apps: AppInfo[];
  params: Record<string, string>;
  go(hash: string): void;
  refreshApps(): Promise<void>;
  /** the app the current page belongs to (the switcher follows it) */
  setApp(appid: string | undefined): void;
  /** called when the page goes away (stop polling, players) */
  onDispose(fn: () => void): void;
}

export interface Shell {
  root: HTMLElement;
  main: HTMLElement;
  update(ctx: { account: Account; apps: AppInfo[]; appid: string | undefined; section: string }): void;
}

export function createShell(onSignOut: () => void, go: (hash: string) => void): Shell {
  const appSelect = h('select', { class: 'input app-select', 'aria-label': 'Current app' });
  appSelect.addEventListener('change', () => go(appSelect.value === '__new' ? '#/apps' : `#/apps/${appSelect.value}`));
  const nav = h('nav', { class: 'nav', 'aria-label': 'Sections' });
  const who = h('div', { class: 'who' });
  const main = h('main', { class: 'main', id: 'main', tabindex: '-1' });
  const side = h(
    'aside',
    { class: 'side' },
    h(
      'a',
      { class: 'brand', href: '#/' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      h('span', { class: 'brand-name' }, 'zhibo', h('small', { text: ' 直播 · console' })),
    ),
    h('div', { class: 'side-app' }, h('label', { class: 'side-label', text: 'App' }), appSelect),
    nav,
    h(
      'div',
      { class: 'side-foot' },
      who,
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: onSignOut, 'data-action': 'sign-out' }, 'Sign out'),
    ),
  );
  const root = h('div', { class: 'shell' }, h('a', { class: 'skip', href: '#main', text: 'Skip to content' }), side, main);

  return {
    root,
    main,
    update({ account, apps, appid, section }) {
      appSelect.replaceChildren(
        ...(appid ? [] : [h('option', { value: '', text: apps.length ? 'Choose an app…' : 'No app yet' })]),
        ...apps.map((a) => h('option', { value: a.appid, text: a.owner && !a.mine ? `${a.name} (${a.owner})` : a.name })),
        h('option', { value: '__new', text: '＋ New app…' }),
      );
      appSelect.value = appid ?? '';
      const item = (key: string, href: string, label: string, icon: string) =>
        h(
          'a',
          { href, class: `nav-item${section === key ? ' is-active' : ''}`, 'aria-current': section === key ? 'page' : undefined },
          h('span', { class: 'nav-icon', 'aria-hidden': 'true', text: icon }),
          h('span', { text: label }),
        );
      nav.replaceChildren(
        ...(appid
          ? [
              item('rooms', `#/apps/${appid}`, 'Live rooms', '●'),
              item('goods', `#/apps/${appid}/goods`, 'Goods', '▦'),
              item('members', `#/apps/${appid}/members`, 'Members', '☺'),
              item('followers', `#/apps/${appid}/followers`, 'Followers', '♥'),
              item('settings', `#/apps/${appid}/settings`, 'App settings', '⚙'),
            ]
          : []),
        item('apps', '#/apps', 'All apps', '◫'),
        ...(account.role === 'operator'
          ? [item('review', '#/review', 'Goods review', '✓'), item('accounts', '#/accounts', 'Accounts', '☺')]
          : []),
        item('me', '#/me', 'My password', '✱'),
        h('button', { type: 'button', class: 'nav-item nav-signout btn-ghost', onclick: onSignOut, text: 'Sign out' }),
      );
      who.replaceChildren(
        h('strong', { text: account.name }),
        h('span', { class: 'muted', text: ` ${account.login}${account.role === 'operator' ? ' · operator' : ''}` }),
      );
    },
  };
}
