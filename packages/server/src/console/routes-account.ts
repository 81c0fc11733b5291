/** /console/api: sign-in, sessions, accounts (operator), apps and their settings. */
import type { FastifyInstance } from 'fastify';
import { SDK_VERSION } from '@zhibo/protocol';
import { safeEqual } from '../services/crypto.js';
import { WxFail } from '../services/errors.js';
import { ReminderInputError } from '../services/reminder-settings.js';
import { type Account, checkLogin, checkNewPassword, generatePassword, ownerKey, resetOperatorPassword, Role } from './accounts.js';
import { ConsoleError, FieldError } from './errors.js';
import { type ConsoleCtx, appFor, canSee, clearCookie, jsonOf, params, route, sessionCookie, sessionOf } from './http.js';

const publicAccount = (a: Account) => ({ id: a.id, login: a.login, name: a.name, role: a.role });

function optionalUrl(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || v.length > 1024) throw new FieldError(field, 'Enter an http(s) URL of at most 1024 characters');
  try {
    const u = new URL(v.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new FieldError(field, 'Enter a full URL starting with http:// or https://');
  }
  return v.trim();
}

export function accountRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { s } = ctx;

  api.post('/login', route(ctx, async (req, reply) => {
    const b = jsonOf(req);
    const login = typeof b.login === 'string' ? b.login.trim().toLowerCase() : '';
    if (!login) throw new FieldError('login', 'Enter your login');
    if (typeof b.password !== 'string' || !b.password) throw new FieldError('password', 'Enter your password');
    const wait = ctx.throttle.waitMs(login);
    if (wait > 0) throw new ConsoleError(429, 'throttled', `Too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} minute(s)`, { password: 'Too many failed sign-ins' });
    const account = await ctx.accounts.authenticate(login, b.password);
    if (!account) {
      ctx.throttle.failed(login);
      throw new ConsoleError(400, 'invalid', 'Wrong login or password', { password: 'Wrong login or password' });
    }
    ctx.throttle.succeeded(login);
    const sess = await ctx.sessions.create(account.id);
    reply.header('set-cookie', sessionCookie(s, sess.token, Math.floor(ctx.sessions.policy.maxMs / 1000)));
    s.log.info(`console: ${account.login} signed in`);
    return { account: publicAccount(account), csrf: sess.csrf, expiresAt: sess.expiresAt };
  }));

  api.get('/session', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    return { account: publicAccount(sess.account), csrf: sess.csrf, expiresAt: sess.expiresAt, sdkVersion: SDK_VERSION };
  }));

  api.post('/logout', route(ctx, async (req, reply) => {
    await ctx.sessions.destroy(sessionOf(ctx, req).tokenHash);
    reply.header('set-cookie', clearCookie(s));
    return { ok: true };
  }));

  api.post('/password', route(ctx, async (req, reply) => {
    const sess = sessionOf(ctx, req);
    const b = jsonOf(req);
    if (typeof b.current !== 'string' || !(await ctx.accounts.authenticate(sess.account.login, b.current))) throw new FieldError('current', 'This is not your current password');
    await ctx.accounts.setPassword(sess.account.id, checkNewPassword(b.next, 'next'));
    // setPassword ended every session: start a fresh one for this browser.
    const fresh = await ctx.sessions.create(sess.account.id);
    reply.header('set-cookie', sessionCookie(s, fresh.token, Math.floor(ctx.sessions.policy.maxMs / 1000)));
    return { csrf: fresh.csrf };
  }));

  const operatorOnly = (req: Parameters<typeof sessionOf>[1]) => {
    const sess = sessionOf(ctx, req);
    if (sess.account.role !== Role.Operator) throw new ConsoleError(403, 'forbidden', 'Only the operator manages accounts');
    return sess;
  };

  api.get('/accounts', route(ctx, async (req) => {
    operatorOnly(req);
    const apps = await s.apps.list();
    return (await ctx.accounts.list()).map((a) => ({ ...publicAccount(a), created_at: a.created_at, apps: apps.filter((x) => x.owner === ownerKey(a.id)).length }));
  }));

  api.post('/accounts', route(ctx, async (req) => {
    operatorOnly(req);
    const b = jsonOf(req);
    const password = b.password === undefined || b.password === '' ? generatePassword() : checkNewPassword(b.password);
    const role = b.role === Role.Operator ? Role.Operator : Role.Merchant;
    const a = await ctx.accounts.create({ login: checkLogin(b.login), name: b.name, role, password });
    s.log.info(`console: account ${a.login} (${a.role}) created`);
    return { account: publicAccount(a), password };
  }));

  api.post('/accounts/:id/password', route(ctx, async (req) => {
    operatorOnly(req);
    const id = Number(params(req).id);
    const a = Number.isInteger(id) ? await ctx.accounts.get(id) : undefined;
    if (!a) throw new ConsoleError(404, 'not_found', 'No such account');
    const password = generatePassword();
    await ctx.accounts.setPassword(a.id, password);
    return { account: publicAccount(a), password };
  }));

  // `zhibo operator reset-password` while the server runs: the admin token, not a session.
  api.post('/operator/reset-password', route(ctx, async (req) => {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Bearer ') || !safeEqual(h.slice(7), s.adminToken)) throw new ConsoleError(401, 'unauthorized', 'needs Authorization: Bearer <admin token>');
    const b = jsonOf(req);
    return resetOperatorPassword(s.db, ctx.clock, typeof b.login === 'string' && b.login ? b.login : undefined);
  }));

  /* ------------------------------------------------------------------ apps */

  api.get('/apps', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    const apps = (await s.apps.list()).filter((a) => canSee(sess, a));
    const accounts = sess.account.role === Role.Operator ? new Map((await ctx.accounts.list()).map((a) => [ownerKey(a.id), a.login])) : new Map<string, string>();
    return apps.map((a) => ({ appid: a.appid, name: a.name, created_at: a.created_at, owner: a.owner ? (accounts.get(a.owner) ?? null) : null, mine: a.owner === ownerKey(sess.account.id) }));
  }));

  api.post('/apps', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    const name = jsonOf(req).name;
    if (typeof name !== 'string' || !name.trim()) throw new FieldError('name', 'Enter a name for the app (e.g. your shop’s name)');
    if (name.trim().length > 64) throw new FieldError('name', 'Use at most 64 characters');
    const created = await s.apps.create(name.trim(), ownerKey(sess.account.id));
    s.log.info(`console: app ${created.appid} created by ${sess.account.login}`);
    return created;
  }));

  api.get('/apps/:appid', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const st = app.settings;
    return {
      appid: app.appid, name: app.name, created_at: app.created_at,
      settings: { goodsBaseUrl: st.goodsBaseUrl ?? '', homeUrl: st.homeUrl ?? '', minSdkVersion: st.minSdkVersion ?? '' },
      quota: { daily: app.daily_quota, serverDefault: s.config.dailyQuota, usedToday: await s.quota.used(app.appid) },
      reminders: await s.reminders.settings(app.appid),
      versions: { latestSdk: SDK_VERSION, serverMinSdk: s.config.minSdkVersion },
      urls: { api: s.urls().http, sdk: `${s.urls().http}/build/zhibo-sdk.js` },
    };
  }));

  api.put('/apps/:appid/settings', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const b = jsonOf(req);
    const goodsBaseUrl = optionalUrl(b.goodsBaseUrl, 'goodsBaseUrl');
    const homeUrl = optionalUrl(b.homeUrl, 'homeUrl');
    const min = b.minSdkVersion ?? '';
    if (typeof min !== 'string' || (min !== '' && !/^\d{1,3}(\.\d{1,3}){0,3}$/.test(min.trim()))) throw new FieldError('minSdkVersion', 'Enter a version like 1.0.4, or leave it empty');
    let quota: number | null = null;
    if (b.dailyQuota !== undefined && b.dailyQuota !== null && b.dailyQuota !== '') {
      const n = Number(b.dailyQuota);
      if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new FieldError('dailyQuota', 'Enter a whole number from 1 to 10,000,000, or leave it empty for the server default');
      quota = n;
    }
    if (b.reminders !== undefined) {
      try {
        await s.reminders.updateSettings(app.appid, b.reminders);
      } catch (e) {
        if (!(e instanceof ReminderInputError)) throw e;
        const m = /^reminders\.(\w+)/.exec(e.message);
        throw new FieldError(m ? `reminders.${m[1]}` : 'reminders', e.message.replace(/^reminders\.\w+ /, 'This '));
      }
    }
    await s.apps.updateSettings(app.appid, { goodsBaseUrl, homeUrl, minSdkVersion: min.trim() }, quota);
    return { ok: true };
  }));

  api.post('/apps/:appid/secret', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    const app = await appFor(ctx, sess, params(req).appid);
    try {
      const appsecret = await s.apps.resetSecret(app.appid);
      s.log.info(`console: appsecret of ${app.appid} reset by ${sess.account.login}`);
      return { appid: app.appid, appsecret };
    } catch (e) {
      if (e instanceof WxFail) throw new ConsoleError(404, 'not_found', e.detail);
      throw e;
    }
  }));
}
