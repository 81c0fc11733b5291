/**
 * /console/api: WeChat's goods review and long-term subscription in the console — the operator's review queue
 * (approve, or reject with a reason), goods editing under WeChat's review rules, withdrawing and resubmitting,
 * the app's followers and a go-live message to them. Everything goes through the goods and followers services.
 */
import type { FastifyInstance } from 'fastify';
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { intOf, positiveId } from '../../lib/ids.js';
import { Role } from './accounts.js';
import { type ConsoleCtx, appFor, canSee, fieldError, jsonOf, params, query, route, sessionOf } from './http.js';
import { goodsView } from './routes-goods.js';

const gid = (v: unknown): number => {
  const n = positiveId(v);
  if (n === undefined) throw new DomainError(Reason.NotFound, 'No such goods');
  return n;
};

const price = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

export function reviewRoutes(api: FastifyInstance, ctx: ConsoleCtx): void {
  const { d } = ctx;
  const operatorOnly = (req: Parameters<typeof sessionOf>[1]) => {
    const s = sessionOf(ctx, req);
    if (s.account.role !== Role.Operator) throw new DomainError(Reason.Forbidden, 'Only the operator reviews goods');
    return s;
  };

  /** The operator's queue: goods in review, oldest first, every app (or ?appid=). */
  api.get(
    '/review',
    route(ctx, async (req) => {
      const sess = operatorOnly(req);
      const appid = query(req).appid;
      if (appid) await appFor(ctx, sess, appid);
      const names = new Map((await d.apps.list()).filter((a) => canSee(sess, a)).map((a) => [a.appid, a.name]));
      const items = await d.goods.review.queue(appid ?? null);
      return {
        goods: items.map((g) => ({ ...goodsView(g), appid: g.appid, appName: names.get(g.appid) ?? g.appid, submittedAt: g.submitted_at })),
      };
    }),
  );

  api.post(
    '/apps/:appid/goods/:gid/review',
    route(ctx, async (req) => {
      const sess = operatorOnly(req);
      const app = await appFor(ctx, sess, params(req).appid);
      const b = jsonOf(req);
      if (typeof b.approve !== 'boolean') throw fieldError('approve', 'approve must be true or false');
      await d.goods.review.decide(app.appid, gid(params(req).gid), b.approve, b.reason, sess.account.login);
      d.log.info(`console: goods ${params(req).gid} of ${app.appid} ${b.approve ? 'approved' : 'rejected'} by ${sess.account.login}`);
      return { ok: true };
    }),
  );

  /** Edit under WeChat's rules (in review: nothing; approved: prices; otherwise everything). */
  api.put(
    '/apps/:appid/goods/:gid',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const b = jsonOf(req);
      const info: Record<string, unknown> = { goodsId: gid(params(req).gid) };
      if (typeof b.name === 'string') info.name = b.name.trim();
      if (typeof b.url === 'string') info.url = b.url.trim();
      if (b.coverImg) info.coverImgUrl = b.coverImg;
      if (b.priceType !== undefined) info.priceType = b.priceType;
      if (b.price !== undefined && b.price !== '') info.price = price(b.price);
      if (b.price2 !== undefined && b.price2 !== '') info.price2 = price(b.price2);
      await d.goods.update(app.appid, info, 'console');
      return { ok: true };
    }),
  );

  api.post(
    '/apps/:appid/goods/:gid/withdraw',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const g = await d.goods.get(app.appid, gid(params(req).gid));
      await d.goods.resetAudit(app.appid, g.id, g.audit_id, 'console');
      return { ok: true };
    }),
  );

  api.post(
    '/apps/:appid/goods/:gid/submit',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      return { auditId: await d.goods.resubmit(app.appid, gid(params(req).gid), 'console') };
    }),
  );

  api.get(
    '/apps/:appid/goods/:gid/audits',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const g = await d.goods.get(app.appid, gid(params(req).gid));
      return { audits: await d.goods.review.history(g.id) };
    }),
  );

  /** Followers (WeChat's long-term subscription), paged by ?after= (page_break). */
  api.get(
    '/apps/:appid/followers',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const after = intOf(query(req).after ?? 0) ?? 0;
      const page = await d.followers.page(app.appid, 100, after);
      return { ...page, total: await d.followers.count(app.appid), messages: await d.followers.messages(app.appid, 10) };
    }),
  );

  /** A go-live message for a live room to the app's followers (the first 2000, as one push_message). */
  api.post(
    '/apps/:appid/followers/push',
    route(ctx, async (req) => {
      const app = await appFor(ctx, sessionOf(ctx, req), params(req).appid);
      const roomId = positiveId(jsonOf(req).roomId);
      if (roomId === undefined) throw fieldError('room', 'Choose a live room');
      const { followers } = await d.followers.page(app.appid, 2000, 0);
      if (!followers.length) throw fieldError('room', 'Nobody follows this app yet');
      return {
        messageId: await d.followers.push(
          app.appid,
          roomId,
          followers.map((f) => f.openid),
        ),
      };
    }),
  );
}
