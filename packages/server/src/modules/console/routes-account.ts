/** /console/api: sign-in, sessions, accounts (operator), apps and their settings. */
import { appLocale } from '../apps/settings.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Reason, SDK_VERSION } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { isAdmin } from '../../http/admin.js';
import { type Account, checkLogin, checkNewPassword, generatePassword, ownerKey, Role } from './accounts.js';
import {
  type ConsoleCtx,
  appFor,
  canSee,
  clearCookie,
  deviceCookie,
  deviceCookieName,
  fieldError,
  jsonOf,
  legacyCookieClear,
  params,
  readCookie,
  route,
  sessionCookie,
  sessionOf,
} from './http.js';

const publicAccount = (a: Account) => ({ id: a.id, login: a.login, name: a.name, role: a.role });

export function accountRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;

  /**
   * Sign-in (docs/security.md): the attempt is counted before the password is checked, per IP and per account; a
   * browser that signed in to this account before (device cookie) is exempt from the account's lockout only.
   */
  api.post(
    '/login',
    route(ctx, async (req, reply) => {
      const b = jsonOf(req);
      const login = typeof b.login === 'string' ? b.login.trim().toLowerCase() : '';
      if (!login) throw fieldError('login', 'Enter your login');
      if (typeof b.password !== 'string' || !b.password) throw fieldError('password', 'Enter your password');
      if (login.length > 64 || b.password.length > 1024) throw fieldError('password', 'Wrong login or password');
      const deviceToken = readCookie(req, deviceCookieName(ctx));
      const known = await ctx.accounts.byLogin(login);
      const knownDevice = known ? await ctx.devices.isKnown(deviceToken, known.id) : false;
      const attempt = await ctx.throttle.begin(login, req.ip, knownDevice);
      if (!attempt.ok) {
        const minutes = Math.max(1, Math.ceil(attempt.waitMs / 60_000));
        d.log.warn(
          `console: sign-in to ${login} refused (${attempt.scope === 'ip' ? `too many failures from ${req.ip}` : 'account locked'})`,
        );
        throw new DomainError(
          Reason.Throttled,
          `Too many failed sign-ins${attempt.scope === 'ip' ? ' from your network' : ''}; try again in ${minutes} minute(s)`,
          'password',
        );
      }
      let account: Account | undefined;
      try {
        account = await ctx.accounts.authenticate(login, b.password);
      } finally {
        attempt.finish(account !== undefined);
      }
      if (!account) throw fieldError('password', 'Wrong login or password');
      const sess = await ctx.sessions.create(account.id);
      const device = await ctx.devices.remember(deviceToken, account.id);
      reply.header('set-cookie', [
        sessionCookie(ctx, sess.token, Math.floor(ctx.sessions.policy.maxMs / 1000)),
        deviceCookie(ctx, device),
        legacyCookieClear(ctx),
      ]);
      d.log.info(`console: ${account.login} signed in`);
      return {
        account: publicAccount(account),
        csrf: sess.csrf,
        expiresAt: sess.expiresAt,
        mustChangePassword: account.must_change_password,
      };
    }),
  );

  api.get(
    '/session',
    route(ctx, async (req) => {
      const sess = sessionOf(ctx, req);
      return {
        account: publicAccount(sess.account),
        csrf: sess.csrf,
        expiresAt: sess.expiresAt,
        sdkVersion: SDK_VERSION,
        serverTime: ctx.clock.now(),
        mustChangePassword: sess.account.must_change_password,
      };
    }),
  );

  api.post(
    '/logout',
    route(ctx, async (req, reply) => {
      await ctx.sessions.destroy(sessionOf(ctx, req).tokenHash);
      reply.header('set-cookie', clearCookie(ctx));
      return { ok: true };
    }),
  );

  api.post(
    '/password',
    route(ctx, async (req, reply) => {
      const sess = sessionOf(ctx, req);
      const b = jsonOf(req);
      if (typeof b.current !== 'string' || !(await ctx.accounts.authenticate(sess.account.login, b.current)))
        throw fieldError('current', 'This is not your current password');
      if (b.next === b.current) throw fieldError('next', 'Choose a password different from the current one');
      await ctx.accounts.setPassword(sess.account.id, checkNewPassword(b.next, 'next'));
      // setPassword ended every session: start a fresh one for this browser.
      const fresh = await ctx.sessions.create(sess.account.id);
      reply.header('set-cookie', sessionCookie(ctx, fresh.token, Math.floor(ctx.sessions.policy.maxMs / 1000)));
      return { csrf: fresh.csrf };
    }),
  );

  const operatorOnly = (req: FastifyRequest) => {
    const sess = sessionOf(ctx, req);
    if (sess.account.role !== Role.Operator) throw new DomainError(Reason.Forbidden, 'Only the operator manages accounts');
    return sess;
  };

  api.get(
    '/accounts',
    route(ctx, async (req) => {
      operatorOnly(req);
      const apps = await d.apps.list();
      return (await ctx.accounts.list()).map((a) => ({
        ...publicAccount(a),
        created_at: a.created_at,
        apps: apps.filter((x) => x.owner === ownerKey(a.id)).length,
      }));
    }),
  );

  api.post(
    '/accounts',
    route(ctx, async (req) => {
      operatorOnly(req);
      const b = jsonOf(req);
      const generated = b.password === undefined || b.password === '';
      const login = checkLogin(b.login);
      const password = generated ? generatePassword() : checkNewPassword(b.password);
      const role = b.role === Role.Operator ? Role.Operator : Role.Merchant;
      const a = await ctx.accounts.create({ login, name: b.name, role, password, generated });
      d.log.info(`console: account ${a.login} (${a.role}) created`);
      return { account: publicAccount(a), password };
    }),
  );

  api.post(
    '/accounts/:id/password',
    route(ctx, async (req) => {
      operatorOnly(req);
      const id = Number(params(req).id);
      const a = Number.isInteger(id) ? await ctx.accounts.get(id) : undefined;
      if (!a) throw new DomainError(Reason.NotFound, 'No such account');
      const password = await ctx.accounts.resetPassword(a.id);
      return { account: publicAccount(a), password };
    }),
  );

  // `zhibo operator reset-password` of older CLIs while the server runs: the admin token, not a session (new CLIs use
  // the admin API's /admin/api/operator/reset-password, which also works when the console has its own origin).
  api.post(
    '/operator/reset-password',
    route(ctx, async (req) => {
      if (!isAdmin(req.headers.authorization, d.adminToken))
        throw new DomainError(Reason.Unauthorized, 'needs Authorization: Bearer <admin token>');
      const b = jsonOf(req);
      return ctx.accounts.resetOperatorPassword(typeof b.login === 'string' && b.login ? b.login : undefined);
    }),
  );

  /* ------------------------------------------------------------------ apps */

  api.get(
    '/apps',
    route(ctx, async (req) => {
      const sess = sessionOf(ctx, req);
      const apps = (await d.apps.list()).filter((a) => canSee(sess, a));
      const accounts =
        sess.account.role === Role.Operator
          ? new Map((await ctx.accounts.list()).map((a) => [ownerKey(a.id), a.login]))
          : new Map<string, string>();
      return apps.map((a) => ({
        appid: a.appid,
        name: a.name,
        created_at: a.created_at,
        owner: a.owner ? (accounts.get(a.owner) ?? null) : null,
        mine: a.owner === ownerKey(sess.account.id),
        timeZone: appLocale(a.settings).timeZone,
      }));
    }),
  );

  api.post(
    '/apps',
    route(ctx, async (req) => {
      const sess = sessionOf(ctx, req);
      const name = jsonOf(req).name;
      if (typeof name !== 'string' || !name.trim()) throw fieldError('name', 'Enter a name for the app (e.g. your shop’s name)');
      if (name.trim().length > 64) throw fieldError('name', 'Use at most 64 characters');
      const created = await d.apps.create(name.trim(), ownerKey(sess.account.id));
      d.log.info(`console: app ${created.appid} created by ${sess.account.login}`);
      return created;
    }),
  );

  api.get(
    '/apps/:appid',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const st = app.settings;
      return {
        appid: app.appid,
        name: app.name,
        created_at: app.created_at,
        settings: {
          goodsBaseUrl: st.goodsBaseUrl ?? '',
          homeUrl: st.homeUrl ?? '',
          minSdkVersion: st.minSdkVersion ?? '',
          roleChecks: st.roleChecks === true,
          compat: st.compat ?? 'seed',
          kfUrl: st.kfUrl ?? '',
          feedsPublic: st.feedsPublic === true,
          timeZone: st.timeZone ?? '',
          language: st.language ?? 'zh',
        },
        quota: { daily: app.daily_quota, serverDefault: d.defaults.dailyQuota, usedToday: await d.quota.used(app.appid) },
        reminders: await d.reminders.settings(app.appid),
        wechat: { goodsReview: st.goodsReview === true, callbackUrl: st.callbackUrl ?? '', followers: await d.followers.count(app.appid) },
        versions: { latestSdk: SDK_VERSION, serverMinSdk: d.defaults.minSdkVersion },
        urls: { api: d.urls(req).http, sdk: `${d.urls(req).http}/sdk/zhibo-sdk.js` },
      };
    }),
  );

  /** App settings are validated in one place (apps/settings.ts); the console sends only the keys of its form. */
  api.put(
    '/apps/:appid/settings',
    route(ctx, async (req) => {
      const sess = sessionOf(ctx, req);
      const app = await appFor(ctx, sess, params(req).appid);
      const b = jsonOf(req);
      const input: Record<string, unknown> = {};
      for (const k of [
        'goodsBaseUrl',
        'homeUrl',
        'minSdkVersion',
        'dailyQuota',
        'reminders',
        'callbackUrl',
        'goodsReview',
        'roleChecks',
        'compat',
        'kfUrl',
        'feedsPublic',
        'timeZone',
        'language',
      ])
        if (b[k] !== undefined) input[k] = b[k];
      // The review switch is the operator's: a merchant may not switch off the review of its own goods.
      if (
        input.goodsReview !== undefined &&
        input.goodsReview !== (app.settings.goodsReview === true) &&
        sess.account.role !== Role.Operator
      )
        throw fieldError('goodsReview', 'Only the operator switches the goods review');
      await d.apps.updateSettings(app.appid, input);
      return { ok: true };
    }),
  );

  api.post(
    '/apps/:appid/secret',
    route(ctx, async (req) => {
      const sess = sessionOf(ctx, req);
      const app = await appFor(ctx, sess, params(req).appid);
      const appsecret = await d.apps.resetSecret(app.appid);
      d.log.info(`console: appsecret of ${app.appid} reset by ${sess.account.login}`);
      return { appid: app.appid, appsecret };
    }),
  );
}

/** On the admin API (bearer admin token): `zhibo operator reset-password` while a server runs. */
export function adminRoutes(admin: FastifyInstance, ctx: ConsoleCtx): void {
  admin.post('/operator/reset-password', async (req) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    return ctx.accounts.resetOperatorPassword(typeof b.login === 'string' && b.login ? b.login : undefined);
  });
}
