/** A console API client with a cookie jar and the CSRF token, for console tests. */
import type { TestServer } from './helpers.js';
import { Role } from '../src/modules/console/index.js';

export interface ConsoleAnswer {
  status: number;
  body: Record<string, unknown> & { error?: string; message?: string; fields?: Record<string, string> };
  headers: Headers;
  text: string;
}

export class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async req(
    method: string,
    path: string,
    body?: unknown,
    opts: { csrf?: string | null; origin?: string; form?: FormData } = {},
  ): Promise<ConsoleAnswer> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token) headers['x-csrf-token'] = token;
    if (opts.origin) headers.origin = opts.origin;
    let payload: BodyInit | undefined;
    if (opts.form) payload = opts.form;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const r = await fetch(`${this.base}/console/api${path}`, { method, headers, body: payload });
    const set = r.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      this.cookie = pair!.endsWith('=') ? '' : pair!;
    }
    const text = await r.text();
    let parsed: ConsoleAnswer['body'] = {};
    try {
      parsed = JSON.parse(text) as ConsoleAnswer['body'];
    } catch {
      parsed = {};
    }
    return { status: r.status, body: parsed, headers: r.headers, text };
  }
  get = (p: string) => this.req('GET', p);
  post = (p: string, b: unknown = {}) => this.req('POST', p, b);
  put = (p: string, b: unknown = {}) => this.req('PUT', p, b);
  del = (p: string) => this.req('DELETE', p);

  async login(login: string, password: string): Promise<ConsoleAnswer> {
    const r = await this.req('POST', '/login', { login, password });
    if (r.status === 200) this.csrf = r.body.csrf as string;
    return r;
  }

  async upload(appid: string, kind: string, bytes: Buffer, name = 'image.png', type = 'image/png'): Promise<ConsoleAnswer> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    return this.req('POST', `/apps/${appid}/images?kind=${kind}`, undefined, { form });
  }
}

/** A merchant account signed in, with one app. */
export async function signedInMerchant(t: TestServer, login: string): Promise<{ c: ConsoleClient; appid: string; accountId: number }> {
  const accounts = t.z.services.accounts;
  const a = await accounts.create({ login, name: `Shop ${login}`, role: Role.Merchant, password: 'correct horse battery' });
  const c = new ConsoleClient(t.url);
  const r = await c.login(login, 'correct horse battery');
  if (r.status !== 200) throw new Error(`login ${login}: ${r.text}`);
  const app = await c.post('/apps', { name: `App of ${login}` });
  if (app.status !== 200) throw new Error(`create app: ${app.text}`);
  return { c, appid: app.body.appid as string, accountId: a.id };
}

/** A valid room form for the console (times relative to the fake clock). */
export function roomForm(t: TestServer, media: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(t.clock.now() / 1000);
  return {
    name: '春季新品直播',
    coverImg: media,
    shareImg: media,
    anchorName: '主播小李',
    startTime: now + 600,
    endTime: now + 600 + 7200,
    type: 1,
    screenType: 0,
    closeLike: 0,
    closeGoods: 0,
    closeComment: 0,
    closeReplay: 0,
    closeShare: 0,
    ...over,
  };
}

/**
 * The operator account, past its first sign-in: the generated password is replaced by one of its own (as the console
 * asks on first sign-in), so console calls are not answered `password_change_required`.
 */
export async function readyOperator(t: TestServer): Promise<{ login: string; password: string }> {
  const accounts = t.z.services.accounts;
  const first = await accounts.ensureOperator();
  const login = first?.login ?? 'admin';
  const password = 'operator own passphrase';
  await accounts.setPassword((await accounts.byLogin(login))!.id, password);
  return { login, password };
}
