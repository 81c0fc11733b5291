/** The apps module's routes: WeChat's token calls, and the admin API's apps. */
import type { FastifyInstance } from 'fastify';
import type { WxRouter } from '../../http/wx.js';
import type { AppService } from './service.js';

export function wxRoutes(r: WxRouter, apps: AppService): void {
  r.get('/cgi-bin/token', async ({ query }) => apps.issueToken(query.grant_type, query.appid, query.secret), { auth: false });
  // The stable token (WxJava with useStableAccessToken): the same token until it nears expiry, unless force_refresh.
  r.post('/cgi-bin/stable_token', async ({ body }) => apps.stableToken(body.grant_type, body.appid, body.secret, body.force_refresh), {
    auth: false,
  });
}

export function adminRoutes(admin: FastifyInstance, apps: AppService): void {
  admin.post('/apps', { schema: { body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } }, async (req) =>
    apps.create((req.body as { name: string }).name),
  );
  admin.get('/apps', async () => (await apps.list()).map((a) => ({ appid: a.appid, name: a.name, created_at: a.created_at })));
  /** Patch an app's settings (validated; see docs/configuration.md "App settings"). */
  admin.put('/apps/:appid/settings', async (req) => {
    const { appid } = req.params as { appid: string };
    return { appid, settings: await apps.updateSettings(appid, req.body as Record<string, unknown>) };
  });
}
