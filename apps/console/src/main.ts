/** The merchant console (issue 5, docs/console.md): a hash-routed single page over /console/api. */
import './styles.css';
import { Api, ApiError, type Account } from './api.js';
import { h, setTimeZone } from './dom.js';
import { createShell, type AppInfo, type Ctx } from './shell.js';
import { toast } from './ui.js';
import { loginPage } from './pages/login.js';
import { PASSWORD_CHANGED } from './pages/apps.js';
import { appsPage, mePage } from './pages/apps.js';
import { settingsPage } from './pages/settings.js';
import { roomsPage } from './pages/rooms.js';
import { roomFormPage } from './pages/room-form.js';
import { roomPage } from './pages/room.js';
import { goodsEditPage, goodsPage } from './pages/goods.js';
import { reviewPage } from './pages/review.js';
import { followersPage } from './pages/followers.js';
import { accountsPage } from './pages/accounts.js';
import { membersPage } from './pages/members.js';

type PageFn = (ctx: Ctx) => Promise<HTMLElement>;
interface Route {
  re: RegExp;
  keys: string[];
  page: PageFn;
  section: string;
}

const ROUTES: Route[] = [
  { re: /^#\/apps$/, keys: [], page: appsPage, section: 'apps' },
  { re: /^#\/apps\/(wx[0-9a-f]+)$/, keys: ['appid'], page: roomsPage, section: 'rooms' },
  { re: /^#\/apps\/(wx[0-9a-f]+)\/rooms\/new$/, keys: ['appid'], page: roomFormPage, section: 'rooms' },
  { re: /^#\/apps\/(wx[0-9a-f]+)\/goods$/, keys: ['appid'], page: goodsPage, section: 'goods' },
  { re: /^#\/apps\/(wx[0-9a-f]+)\/goods\/(\d+)\/edit$/, keys: ['appid', 'gid'], page: goodsEditPage, section: 'goods' },
  { re: /^#\/apps\/(wx[0-9a-f]+)\/followers(?:\?after=\d+)?$/, keys: ['appid'], page: followersPage, section: 'followers' },
  { re: /^#\/review$/, keys: [], page: reviewPage, section: 'review' },
  { re: /^#\/apps\/(wx[0-9a-f]+)\/settings$/, keys: ['appid'], page: settingsPage, section: 'settings' },
  { re: /^#\/apps\/(wx[0-9a-f]+)\/members(?:\?.*)?$/, keys: ['appid'], page: membersPage, section: 'members' },
  { re: /^#\/rooms\/(\d+)\/edit$/, keys: ['id'], page: roomFormPage, section: 'rooms' },
  {
    re: /^#\/rooms\/(\d+)(?:\/(live|goods|comments|share|numbers|replays|members))?$/,
    keys: ['id', 'tab'],
    page: roomPage,
    section: 'rooms',
  },
  { re: /^#\/accounts$/, keys: [], page: accountsPage, section: 'accounts' },
  { re: /^#\/me$/, keys: [], page: mePage, section: 'me' },
];

class ConsoleApp {
  private readonly api = new Api();
  private account: Account | undefined;
  private apps: AppInfo[] = [];
  private appid: string | undefined;
  private disposers: Array<() => void> = [];
  private readonly shell = createShell(
    () => void this.signOut(),
    (hash) => this.go(hash),
  );
  private renderSeq = 0;

  constructor(private readonly host: HTMLElement) {
    this.api.onSignedOut = () => {
      if (this.account) toast('Your session has ended. Please sign in again.', 'error');
      this.account = undefined;
      this.go('#/login');
    };
    window.addEventListener('hashchange', () => this.show());
    window.addEventListener(PASSWORD_CHANGED, () => {
      if (!this.account?.mustChangePassword) return;
      this.account = { ...this.account, mustChangePassword: false };
      // an event handler: a failed reload of the apps list is a toast (a 401 also goes to the sign-in page)
      void this.refreshApps().then(
        () => this.go('#/'),
        (e: unknown) => toast(e instanceof Error ? e.message : String(e), 'error'),
      );
    });
  }

  async start(): Promise<void> {
    try {
      const s = await this.api.get<{ account: Account; csrf: string; mustChangePassword?: boolean }>('/session');
      this.account = { ...s.account, mustChangePassword: s.mustChangePassword === true };
      this.api.csrf = s.csrf;
      if (!this.account.mustChangePassword) await this.refreshApps();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) toast((e as Error).message, 'error');
    }
    await this.render();
  }

  go(hash: string): void {
    if (location.hash === hash) this.show();
    else location.hash = hash;
  }

  /** Render the page of the hash, not awaited (navigation): pages show their own failures in place; anything else is a toast. */
  private show(): void {
    void this.render().catch((e: unknown) => toast(`This page could not be shown: ${e instanceof Error ? e.message : String(e)}`, 'error'));
  }

  async refreshApps(): Promise<void> {
    this.apps = await this.api.get<AppInfo[]>('/apps');
  }

  private async signOut(): Promise<void> {
    try {
      await this.api.post('/logout');
    } catch {
      // signed out anyway
    }
    this.account = undefined;
    this.apps = [];
    this.go('#/login');
  }

  private dispose(): void {
    for (const d of this.disposers.splice(0)) d();
  }

  private async render(): Promise<void> {
    const seq = ++this.renderSeq;
    this.dispose();
    const hash = location.hash || '#/';
    if (!this.account || hash === '#/login') {
      if (this.account && hash === '#/login') return this.go('#/');
      this.host.replaceChildren(
        await loginPage(this.api, async (account) => {
          this.account = account;
          if (account.mustChangePassword) return this.go('#/me');
          await this.refreshApps();
          this.go(this.apps.length === 1 ? `#/apps/${this.apps[0]!.appid}` : '#/apps');
        }),
      );
      document.title = 'Sign in · zhibo console';
      return;
    }
    // A generated password (first start, reset) must be replaced before anything else (the server refuses the rest).
    if (this.account.mustChangePassword && hash !== '#/me') return this.go('#/me');
    if (hash === '#/' || hash === '#') {
      const last = localStorage.getItem('zhibo.console.app');
      const pick = this.apps.find((a) => a.appid === last) ?? this.apps[0];
      return this.go(pick ? `#/apps/${pick.appid}` : '#/apps');
    }
    const route = ROUTES.find((r) => r.re.test(hash));
    const params: Record<string, string> = {};
    if (route) route.keys.forEach((k, i) => (params[k] = route.re.exec(hash)![i + 1] ?? ''));
    this.appid = params.appid;
    if (!this.host.contains(this.shell.root)) this.host.replaceChildren(this.shell.root);
    const ctx: Ctx = {
      api: this.api,
      account: this.account,
      apps: this.apps,
      params,
      go: (hsh) => this.go(hsh),
      refreshApps: () => this.refreshApps(),
      setApp: (appid) => {
        this.appid = appid;
        if (appid) localStorage.setItem('zhibo.console.app', appid);
        setTimeZone(this.apps.find((a) => a.appid === appid)?.timeZone);
        this.shell.update({ account: this.account!, apps: this.apps, appid, section: route?.section ?? '' });
      },
      onDispose: (fn) => this.disposers.push(fn),
    };
    ctx.setApp(this.appid);
    this.shell.main.replaceChildren(h('div', { class: 'loading', text: 'Loading…' }));
    let el: HTMLElement;
    try {
      el = route ? await route.page(ctx) : notFound();
    } catch (e) {
      el =
        e instanceof ApiError && e.status === 404
          ? notFound(e.message)
          : h('div', { class: 'page' }, h('div', { class: 'form-error', text: (e as Error).message }));
    }
    if (seq !== this.renderSeq) return;
    this.shell.main.replaceChildren(el);
    const title = el.querySelector('h1')?.textContent;
    document.title = `${title ? `${title} · ` : ''}zhibo console`;
    window.scrollTo(0, 0);
  }
}

function notFound(message = 'This page does not exist.'): HTMLElement {
  return h(
    'div',
    { class: 'page' },
    h(
      'div',
      { class: 'empty' },
      h('h3', { text: 'Not found' }),
      h('p', { text: message }),
      h('a', { class: 'btn btn-primary', href: '#/', text: 'Back to the console' }),
    ),
  );
}

// top level: start() shows a failed session read as a toast and pages show their own errors; anything else is a toast here
void new ConsoleApp(document.getElementById('app')!)
  .start()
  .catch((e: unknown) => toast(`The console could not start: ${e instanceof Error ? e.message : String(e)}`, 'error'));
