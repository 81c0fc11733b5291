/**
 * The public feed (zhibo's equivalent of WeChat's official feeds, 官方收录): live rooms across the apps that opted in
 * (app setting `feedsPublic`) whose own switch is on (isFeedsPublic 1, room/updatefeedpublic). A page at /feeds/ and
 * the same list as JSON at /api/plugin/v1/feeds (CORS open, like the plugin API).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type PluginFeedsResponse, PluginRoutes } from '@zhibo/protocol';
import { absoluteUrl } from '../../http/base-url.js';
import { PLUGIN_CORS } from '../../http/plugin-api.js';
import type { AppService } from '../apps/service.js';
import type { RoomService } from '../rooms/service.js';

export interface FeedDeps {
  rooms: RoomService;
  apps: AppService;
  base(req: FastifyRequest): string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function feed(d: FeedDeps, base: string): Promise<PluginFeedsResponse> {
  const appids = (await d.apps.list()).filter((a) => a.settings.feedsPublic === true).map((a) => a.appid);
  const rooms = appids.length ? await d.rooms.publicFeed(appids) : [];
  return {
    rooms: rooms.map((r) => ({
      roomId: r.id,
      name: r.name,
      anchorName: r.anchor_name,
      anchorImg: absoluteUrl(r.anchor_img, base),
      coverImg: absoluteUrl(r.feeds_img || r.cover_img, base),
      startTime: r.start_time,
      link: `${base}/room/?room_id=${r.id}`,
    })),
  };
}

function feedHtml(f: PluginFeedsResponse): string {
  const items = f.rooms
    .map(
      (r) =>
        `<li><a href="${esc(r.link)}"><img src="${esc(r.coverImg)}" alt="" loading="lazy"><span class="name">${esc(r.name)}</span><span class="anchor">${esc(r.anchorName)}</span><span class="live">直播中 LIVE</span></a></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>正在直播 · Live now</title>
<style>
body{margin:0;font:15px -apple-system,BlinkMacSystemFont,"PingFang SC",sans-serif;background:#f4f4f5;color:#18181b}
h1{font-size:20px;margin:0;padding:16px}
ul{list-style:none;margin:0;padding:0 12px 24px;display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}
a{display:flex;flex-direction:column;background:#fff;border-radius:12px;overflow:hidden;text-decoration:none;color:inherit;position:relative}
img{width:100%;aspect-ratio:1;object-fit:cover;background:#ddd}
.name{font-weight:600;padding:8px 10px 0}.anchor{color:#71717a;padding:2px 10px 10px;font-size:13px}
.live{position:absolute;top:8px;left:8px;background:#e5484d;color:#fff;font-size:12px;padding:2px 8px;border-radius:999px}
.empty{padding:16px;color:#71717a}
</style>
</head>
<body>
<h1>正在直播 · Live now</h1>
${f.rooms.length ? `<ul id="feeds">\n${items}\n</ul>` : '<p class="empty" id="feeds-empty">现在没有直播 · Nothing is live right now.</p>'}
</body>
</html>
`;
}

export function feedRoutes(app: FastifyInstance, d: FeedDeps): void {
  app.get('/feeds', async (_req, reply) => reply.redirect('/feeds/'));
  app.get('/feeds/', async (req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'public, max-age=15')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      )
      .send(feedHtml(await feed(d, d.base(req)))),
  );
  app.get(PluginRoutes.feeds, async (req, reply) =>
    reply.headers({ ...PLUGIN_CORS, 'cache-control': 'public, max-age=15' }).send(await feed(d, d.base(req))),
  );
}
