/**
 * The demo shop (issue 5 §9, S-API-4, S-GOODS-BACK): the merchant's own site. Its server lists rooms through
 * getliveinfo with the caching client, pages carry <zhibo-subscribe> for upcoming rooms and link into the room
 * page with custom_params; the goods page shows the parameters the room page passed and a way back to the live.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ZhiboClient } from '@zhibo/client';
import type { LiveInfoGoods, LiveInfoRoom } from '@zhibo/protocol';
import { checkout, readForm, refund } from './checkout.js';
import { esc, httpUrl, page, priceHtml, shopCsp } from './html.js';
import { SHOP_SCRIPT } from './shop-script.js';

export interface ShopOptions {
  /** the zhibo server the shop's server calls (API) */
  zhiboUrl: string;
  /** the zhibo URL browsers use (room page, SDK); default zhiboUrl */
  publicZhiboUrl?: string;
  appid: string;
  appsecret: string;
  host?: string;
  port?: number;
  /** room list cache (ms); the client's default keeps one page under the 500/day quota */
  roomListTtlMs?: number;
  /** the app's time zone (start times); default Asia/Shanghai */
  timeZone?: string;
  log?: (line: string) => void;
}

interface ShopPageOptions {
  publicZhiboUrl: string;
  zhiboUrl: string;
  appid: string;
  timeZone: string;
}

export interface Shop {
  url: string;
  client: ZhiboClient;
  close(): Promise<void>;
}

const LIVE = [101, 105, 106];

function roomLink(zhibo: string, roomId: number, custom: Record<string, unknown>): string {
  const u = new URL('/room/', zhibo);
  u.searchParams.set('room_id', String(roomId));
  u.searchParams.set('custom_params', JSON.stringify(custom));
  return u.toString();
}

/** `12-01 20:00` (24-hour, ISO-like) in the app's time zone. */
function startLabel(sec: number, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(sec * 1000))
      .map((x) => [x.type, x.value]),
  );
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function roomCard(zhibo: string, r: LiveInfoRoom, timeZone: string): string {
  const live = LIVE.includes(r.live_status);
  const when = startLabel(r.start_time, timeZone);
  const label =
    r.live_status === 105 ? '暂停中 Paused' : r.live_status === 106 ? '信号中断 Reconnecting' : live ? '直播中 Live' : `未开始 · ${when}`;
  return `<article class="room" data-room-id="${r.roomid}">
  <div class="cover">${httpUrl(r.cover_img) ? `<img src="${esc(r.cover_img)}" alt="" loading="lazy">` : ''}<span class="pill${live ? '' : ' up'}">${esc(label)}</span></div>
  <div class="body"><h3>${esc(r.name)}</h3><div class="muted">主播 ${esc(r.anchor_name)}</div>
  ${
    r.goods.length
      ? `<div class="goods">${r.goods
          .slice(0, 4)
          .map((g) => `<span>${esc(g.name)} ${priceHtml(g)}</span>`)
          .join('')}</div>`
      : ''
  }
  <div class="row"><a class="btn" href="${esc(roomLink(zhibo, r.roomid, { from: 'shop-home', pid: r.roomid }))}">${live ? '进入直播间 Watch live' : '预览直播间 Open room'}</a>
  ${live ? '' : `<zhibo-subscribe room-id="${r.roomid}"></zhibo-subscribe>`}</div></div></article>`;
}

/**
 * Statuses change faster than the 3-minute room-list cache: each listed room's status comes from zhibo's status read
 * (memory only, no API quota), and the page follows later changes by push (shop-script.ts).
 */
async function withLiveStatus(zhiboUrl: string, rooms: LiveInfoRoom[]): Promise<LiveInfoRoom[]> {
  return Promise.all(
    rooms.map(async (r) => {
      if (![101, 102, 105, 106].includes(r.live_status)) return r;
      try {
        const res = await fetch(new URL(`/api/plugin/v1/status?room_id=${r.roomid}`, zhiboUrl), { signal: AbortSignal.timeout(2000) });
        const s = (await res.json()) as { liveStatus?: LiveInfoRoom['live_status'] };
        return typeof s.liveStatus === 'number' ? { ...r, live_status: s.liveStatus } : r;
      } catch {
        return r;
      }
    }),
  );
}

async function home(o: ShopPageOptions, client: ZhiboClient, q: URLSearchParams): Promise<string> {
  let rooms: LiveInfoRoom[] = [];
  let error = '';
  try {
    rooms = await withLiveStatus(o.zhiboUrl, await client.allRooms());
  } catch (e) {
    error = (e as Error).message;
  }
  const live = rooms.filter((r) => LIVE.includes(r.live_status));
  const upcoming = rooms.filter((r) => r.live_status === 102).sort((a, b) => a.start_time - b.start_time);
  const fromRoom = q.get('room_id');
  return page(
    '直播 Live',
    o.publicZhiboUrl,
    `
  ${fromRoom ? `<div class="banner">你从直播间 #${esc(fromRoom)} 来 · You came from live room #${esc(fromRoom)} <zhibo-back-to-live></zhibo-back-to-live></div>` : ''}
  <h1>直播 · Live shopping</h1><p class="muted">Our anchors show the new season’s teas live. Subscribe to be reminded when a live starts.</p>
  ${error ? `<div class="empty">The live list is not available right now (${esc(error)}).</div>` : ''}
  <h2 data-section="live">正在直播 Live now</h2>${live.length ? `<div class="grid" id="live">${live.map((r) => roomCard(o.publicZhiboUrl, r, o.timeZone)).join('')}</div>` : '<div class="empty">No live right now.</div>'}
  <h2 data-section="upcoming">即将开播 Coming up</h2>${upcoming.length ? `<div class="grid" id="upcoming">${upcoming.map((r) => roomCard(o.publicZhiboUrl, r, o.timeZone)).join('')}</div>` : '<div class="empty">No upcoming live yet.</div>'}`,
    o.appid,
  );
}

async function goodsPage(o: ShopPageOptions, client: ZhiboClient, path: string, q: URLSearchParams): Promise<string> {
  const roomId = Number(q.get('room_id'));
  let product: LiveInfoGoods | undefined;
  try {
    const rooms = await client.allRooms();
    const room = rooms.find((r) => r.roomid === roomId);
    const wanted = `${path.replace(/^\//, '')}?id=${q.get('id') ?? ''}`;
    product =
      (room?.goods ?? rooms.flatMap((r) => r.goods)).find((g) => g.url === wanted) ??
      room?.goods.find((g) => g.url.startsWith(path.replace(/^\//, '')));
  } catch {
    product = undefined;
  }
  const param = (k: string) => {
    const v = q.get(k);
    return v === null ? '<span class="muted">(not given)</span>' : `<code data-param="${k}">${esc(v)}</code>`;
  };
  return page(
    product?.name ?? '商品 Product',
    o.publicZhiboUrl,
    `
  <div class="back"><zhibo-back-to-live></zhibo-back-to-live></div>
  <div class="product"><div>${product ? `<img src="${esc(product.cover_img)}" alt="">` : ''}</div>
  <div><h1 id="product-name">${esc(product?.name ?? `Product ${q.get('id') ?? ''}`)}</h1>
  ${product ? `<div class="price">${priceHtml(product)}</div>` : ''}
  <p class="muted">Opened from the live room. These are the parameters the room page passed to this page:</p>
  <table class="params" id="params">
  <tr><th>room_id</th><td>${param('room_id')}</td></tr><tr><th>openid</th><td>${param('openid')}</td></tr>
  <tr><th>share_openid</th><td>${param('share_openid')}</td></tr><tr><th>custom_params</th><td>${param('custom_params')}</td></tr>
  </table>
  ${product ? buyForm(product, q) : ''}
  <p><a class="btn ghost" href="/">更多直播 More lives</a></p></div></div>
  ${product && roomId ? `<zhibo-explanation class="explain" room-id="${roomId}" goods-id="${product.goods_id}"></zhibo-explanation>` : ''}`,
    o.appid,
  );
}

/** The demo checkout: the parameters the room page passed go back to zhibo with the order (reportOrder). */
function buyForm(product: LiveInfoGoods, q: URLSearchParams): string {
  const hidden = (k: string, v: string | null) => (v ? `<input type="hidden" name="${k}" value="${esc(v)}">` : '');
  return `<form class="buy" method="post" action="/checkout">${hidden('room_id', q.get('room_id'))}${hidden('openid', q.get('openid'))}${hidden('share_openid', q.get('share_openid'))}
  ${hidden('goods_id', String(product.goods_id))}<button class="btn" type="submit" id="buy">立即购买 Buy now (demo checkout)</button></form>`;
}

export async function startShop(o: ShopOptions): Promise<Shop> {
  const opts: ShopPageOptions = {
    publicZhiboUrl: (o.publicZhiboUrl ?? o.zhiboUrl).replace(/\/+$/, ''),
    zhiboUrl: o.zhiboUrl,
    appid: o.appid,
    timeZone: o.timeZone ?? 'Asia/Shanghai',
  };
  const client = new ZhiboClient({
    baseUrl: o.zhiboUrl,
    appid: o.appid,
    appsecret: o.appsecret,
    ...(o.roomListTtlMs !== undefined ? { roomListTtlMs: o.roomListTtlMs } : {}),
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://shop.local');
    const send = (code: number, body: string, type = 'text/html; charset=utf-8') => {
      res.writeHead(code, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': shopCsp(opts.publicZhiboUrl),
      });
      res.end(body);
    };
    if (req.method === 'POST' && (u.pathname === '/checkout' || u.pathname === '/refund')) {
      const form = await readForm(req);
      const html =
        u.pathname === '/checkout'
          ? await checkout(client, form, () => `demo-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`)
          : await refund(client, form);
      return send(html.status, page(html.title, opts.publicZhiboUrl, html.body));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed', 'text/plain');
    if (u.pathname === '/healthz') return send(200, '{"ok":true}', 'application/json');
    if (u.pathname === '/shop.js') return send(200, SHOP_SCRIPT, 'text/javascript; charset=utf-8');
    // Web Push needs the service worker on the site's own origin: serve zhibo's worker from here.
    if (u.pathname === '/zhibo-sw.js') {
      const r = await fetch(new URL('/zhibo-sw.js', o.zhiboUrl));
      res.writeHead(r.status, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        'service-worker-allowed': '/',
        'x-content-type-options': 'nosniff',
      });
      return res.end(Buffer.from(await r.arrayBuffer()));
    }
    if (u.pathname === '/' || u.pathname === '/index.html') return send(200, await home(opts, client, u.searchParams));
    if (u.pathname.startsWith('/pages/goods/')) return send(200, await goodsPage(opts, client, u.pathname, u.searchParams));
    return send(
      404,
      page(
        'Not found',
        opts.publicZhiboUrl,
        '<div class="empty">This page does not exist. <a href="/">Back to the shop</a></div>',
        opts.appid,
      ),
    );
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log?.(`shop: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
      res.end('shop error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8081, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 8081);
  const host = o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1';
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    client,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
