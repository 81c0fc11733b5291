/** /console/api: sign-in, sessions, accounts (operator), apps and their settings. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Reason, SDK_VERSION } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { isAdmin } from '../../http/admin.js';
import { type Account, checkLogin, checkNewPassword, generatePassword, ownerKey, Role } from './accounts.js';
import { type ConsoleCtx, appFor, canSee, clearCookie, fieldError, jsonOf, params, route, sessionCookie, sessionOf } from './http.js';

const publicAccount = (a: Account) => ({ id: a.id, login: a.login, name: a.name, role: a.role });

export function accountRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;

  api.post('/login', route(ctx, async (req, reply) => {
    const b = jsonOf(req);
    const login = typeof b.login === 'string' ? b.login.trim().toLowerCase() : '';
    if (!login) throw fieldError('login', 'Enter your login');
    if (typeof b.password !== 'string' || !b.password) throw fieldError('password', 'Enter your password');
    const wait = await ctx.throttle.waitMs(login);
    if (wait > 0) throw new DomainError(Reason.Throttled, `Too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} minute(s)`, 'password');
    const account = await ctx.accounts.authenticate(login, b.password);
    if (!account) {
      await ctx.throttle.failed(login);
      throw fieldError('password', 'Wrong login or password');
    }
    await ctx.throttle.succeeded(login);
    const sess = await ctx.sessions.create(account.id);
    reply.header('set-cookie', sessionCookie(ctx, sess.token, Math.floor(ctx.sessions.policy.maxMs / 1000)));
    d.log.info(`console: ${account.login} signed in`);
    return { account: publicAccount(account), csrf: sess.csrf, expiresAt: sess.expiresAt };
  }));

  api.get('/session', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    return { account: publicAccount(sess.account), csrf: sess.csrf, expiresAt: sess.expiresAt, sdkVersion: SDK_VERSION };
  }));

  api.post('/logout', route(ctx, async (req, reply) => {
    await ctx.sessions.destroy(sessionOf(ctx, req).tokenHash);
    reply.header('set-cookie', clearCookie(ctx));
    return { ok: true };
  }));

  api.post('/password', route(ctx, async (req, reply) => {
    const sess = sessionOf(ctx, req);
    const b = jsonOf(req);
    if (typeof b.current !== 'string' || !(await ctx.accounts.authenticate(sess.account.login, b.current))) throw fieldError('current', 'This is not your current password');
    await ctx.accounts.setPassword(sess.account.id, checkNewPassword(b.next, 'next'));
    // setPassword ended every session: start a fresh one for this browser.
    const fresh = await ctx.sessions.create(sess.account.id);
    reply.header('set-cookie', sessionCookie(ctx, fresh.token, Math.floor(ctx.sessions.policy.maxMs / 1000)));
    return { csrf: fresh.csrf };
  }));

  const operatorOnly = (req: FastifyRequest) => {
    const sess = sessionOf(ctx, req);
    if (sess.account.role !== Role.Operator) throw new DomainError(Reason.Forbidden, 'Only the operator manages accounts');
    return sess;
  };

  api.get('/accounts', route(ctx, async (req) => {
    operatorOnly(req);
    const apps = await d.apps.list();
    return (await ctx.accounts.list()).map((a) => ({ ...publicAccount(a), created_at: a.created_at, apps: apps.filter((x) => x.owner === ownerKey(a.id)).length }));
  }));

  api.post('/accounts', route(ctx, async (req) => {
    operatorOnly(req);
    const b = jsonOf(req);
    const password = b.password === undefined || b.password === '' ? generatePassword() : checkNewPassword(b.password);
    const role = b.role === Role.Operator ? Role.Operator : Role.Merchant;
    const a = await ctx.accounts.create({ login: checkLogin(b.login), name: b.name, role, password });
    d.log.info(`console: account ${a.login} (${a.role}) created`);
    return { account: publicAccount(a), password };
  }));

  api.post('/accounts/:id/password', route(ctx, async (req) => {
    operatorOnly(req);
    const id = Number(params(req).id);
    const a = Number.isInteger(id) ? await ctx.accounts.get(id) : undefined;
    if (!a) throw new DomainError(Reason.NotFound, 'No such account');
    const password = generatePassword();
    await ctx.accounts.setPassword(a.id, password);
    return { account: publicAccount(a), password };
  }));

  // `zhibo operator reset-password` while the server runs: the admin token, not a session.
  api.post('/operator/reset-password', route(ctx, async (req) => {
    if (!isAdmin(req.headers.authorization, d.adminToken)) throw new DomainError(Reason.Unauthorized, 'needs Authorization: Bearer <admin token>');
    const b = jsonOf(req);
    return ctx.accounts.resetOperatorPassword(typeof b.login === 'string' && b.login ? b.login : undefined);
  }));

  /* ------------------------------------------------------------------ apps */

  api.get('/apps', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    const apps = (await d.apps.list()).filter((a) => canSee(sess, a));
    const accounts = sess.account.role === Role.Operator ? new Map((await ctx.accounts.list()).map((a) => [ownerKey(a.id), a.login])) : new Map<string, string>();
    return apps.map((a) => ({ appid: a.appid, name: a.name, created_at: a.created_at, owner: a.owner ? (accounts.get(a.owner) ?? null) : null, mine: a.owner === ownerKey(sess.account.id) }));
  }));

  api.post('/apps', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    const name = jsonOf(req).name;
    if (typeof name !== 'string' || !name.trim()) throw fieldError('name', 'Enter a name for the app (e.g. your shop’s name)');
    if (name.trim().length > 64) throw fieldError('name', 'Use at most 64 characters');
    const created = await d.apps.create(name.trim(), ownerKey(sess.account.id));
    d.log.info(`console: app ${created.appid} created by ${sess.account.login}`);
    return created;
  }));

  api.get('/apps/:appid', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const st = app.settings;
    return {
      appid: app.appid, name: app.name, created_at: app.created_at,
      settings: { goodsBaseUrl: st.goodsBaseUrl ?? '', homeUrl: st.homeUrl ?? '', minSdkVersion: st.minSdkVersion ?? '' },
      quota: { daily: app.daily_quota, serverDefault: d.defaults.dailyQuota, usedToday: await d.quota.used(app.appid) },
      reminders: await d.reminders.settings(app.appid),
      versions: { latestSdk: SDK_VERSION, serverMinSdk: d.defaults.minSdkVersion },
      urls: { api: d.urls().http, sdk: `${d.urls().http}/build/zhibo-sdk.js` },
    };
  }));

  /** App settings are validated in one place (apps/settings.ts); the console sends only the keys of its form. */
  api.put('/apps/:appid/settings', route(ctx, async (req) => {
    const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
    const b = jsonOf(req);
    const input: Record<string, unknown> = {};
    for (const k of ['goodsBaseUrl', 'homeUrl', 'minSdkVersion', 'dailyQuota', 'reminders']) if (b[k] !== undefined) input[k] = b[k];
    await d.apps.updateSettings(app.appid, input);
    return { ok: true };
  }));

  api.post('/apps/:appid/secret', route(ctx, async (req) => {
    const sess = sessionOf(ctx, req);
    const app = await appFor(ctx, sess, params(req).appid);
    const appsecret = await d.apps.resetSecret(app.appid);
    d.log.info(`console: appsecret of ${app.appid} reset by ${sess.account.login}`);
    return { appid: app.appid, appsecret };
  }));
}
