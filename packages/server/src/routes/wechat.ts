/** WeChat-compatible back-end API (S-API, WECHAT-API.md): tokens, getliveinfo, broadcast rooms and goods, media upload. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { Errcode, PLUGIN_PAGE_PATH } from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import type { Services } from '../services/index.js';
import { WxFail } from '../services/errors.js';
import { jsonBody, ok, wx } from '../http/wx.js';

type Q = Record<string, string | undefined>;

export function roomLink(publicUrl: string, roomId: number, extra: Record<string, string> = {}): string {
  const u = new URL('/room/', publicUrl);
  u.searchParams.set('room_id', String(roomId));
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

/** custom_params as the room page takes it (decoded JSON text), from WeChat's encoded `params`. */
export function customParamsOf(params: string | undefined): string {
  if (!params) return '';
  let v = params;
  if (/%[0-9A-Fa-f]{2}/.test(v)) {
    try {
      v = decodeURIComponent(v);
    } catch {
      throw new WxFail(Errcode.InvalidParameter, 'params is not valid URL encoding', 'params');
    }
  }
  if (v.length > CUSTOM_PARAMS_MAX) throw new WxFail(Errcode.InvalidParameter, `params longer than ${CUSTOM_PARAMS_MAX} characters`, 'params');
  return v;
}

export function wechatRoutes(app: FastifyInstance, s: Services): void {
  const log = s.log;
  const auth = async (req: FastifyRequest) => s.apps.authenticate((req.query as Q).access_token);
  const num = (v: unknown) => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v);

  app.get('/cgi-bin/token', wx(log, async (req) => {
    const q = req.query as Q;
    return s.apps.issueToken(q.grant_type, q.appid, q.secret);
  }));
  // The newer "stable" token: one token per app, refreshed only when forced or expired.
  app.post('/cgi-bin/stable_token', wx(log, async (req) => {
    const b = jsonBody(req);
    return s.apps.issueToken(b.grant_type, b.appid, b.secret);
  }));

  // S-API-1..4: one URL, two calls, one shared daily quota.
  app.post('/wxa/business/getliveinfo', wx(log, async (req, reply) => {
    const appid = await auth(req);
    const body = jsonBody(req);
    const appRow = await s.apps.get(appid);
    await s.quota.consume(appid, appRow?.daily_quota ?? null);
    if (body.action === 'get_replay') return s.liveInfo.getReplay(appid, body);
    if (body.action !== undefined) throw new WxFail(Errcode.InvalidParameter, `unknown action ${JSON.stringify(body.action)}`, 'action');
    return reply.type('application/json; charset=utf-8').send(await s.liveInfo.getLiveInfoJson(appid, body));
  }));

  app.post('/cgi-bin/media/upload', wx(log, async (req) => {
    const appid = await auth(req);
    if ((req.query as Q).type !== 'image') throw new WxFail(Errcode.InvalidParameter, 'type must be image');
    if (!req.isMultipart()) throw new WxFail(Errcode.EmptyPostData, 'expected multipart/form-data with a "media" file field');
    let bytes: Buffer | undefined;
    try {
      for await (const part of req.parts({ limits: { fileSize: 2 * 1024 * 1024 + 1, files: 1 } })) {
        if (part.type === 'file' && part.fieldname === 'media') {
          bytes = await part.toBuffer();
          if (part.file.truncated) throw new WxFail(Errcode.ImageUploadFailed, 'image larger than 2 MB');
        } else if (part.type === 'file') await part.toBuffer();
      }
    } catch (e) {
      if (e instanceof WxFail) throw e;
      throw new WxFail(Errcode.ImageUploadFailed, `upload failed: ${(e as Error).message}`);
    }
    if (!bytes) throw new WxFail(Errcode.EmptyPostData, 'no "media" file field in the form');
    return s.images.upload(appid, bytes);
  }));

  app.post('/wxaapi/broadcast/room/create', wx(log, async (req) => {
    const appid = await auth(req);
    const roomId = await s.rooms.create(appid, jsonBody(req));
    return ok({ roomId });
  }));
  app.post('/wxaapi/broadcast/room/editroom', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.rooms.edit(appid, b.id, b);
    return ok({});
  }));
  app.post('/wxaapi/broadcast/room/deleteroom', wx(log, async (req) => {
    const appid = await auth(req);
    await s.rooms.delete(appid, jsonBody(req).id);
    return ok({});
  }));
  app.get('/wxaapi/broadcast/room/getpushurl', wx(log, async (req) => {
    const appid = await auth(req);
    const room = await s.rooms.get(appid, num((req.query as Q).roomId));
    return ok({ pushAddr: `${s.urls().rtmp}/${room.id}?key=${room.stream_key}` });
  }));
  app.get('/wxaapi/broadcast/room/getsharedcode', wx(log, async (req) => {
    const appid = await auth(req);
    const q = req.query as Q;
    const room = await s.rooms.get(appid, num(q.roomId));
    // params = encodeURIComponent(JSON.stringify(custom_params)) (WeChat); a raw JSON string is accepted too.
    const custom = customParamsOf(q.params);
    const query = custom ? `?params=${encodeURIComponent(custom)}` : '';
    return ok({
      cdnUrl: `${s.urls().http}/qr/${room.id}.png${query}`,
      pagePath: `${PLUGIN_PAGE_PATH}?room_id=${room.id}${custom ? `&custom_params=${encodeURIComponent(custom)}` : ''}`,
      posterUrl: `${s.urls().http}/poster/${room.id}.svg${query}`,
    });
  }));

  // S-ENTRY-1: the room's code image; it opens the room page with type=9.
  app.get('/qr/:file', async (req, reply) => {
    const m = /^(\d{1,10})\.png$/.exec((req.params as Q).file ?? '');
    const room = m ? await s.rooms.getAny(Number(m[1])) : undefined;
    if (!room) return reply.code(404).send({ errcode: Errcode.RoomNotFound, errmsg: 'room does not exist' });
    const params = (req.query as Q).params;
    const link = roomLink(s.urls().http, room.id, { type: '9', ...(params && params.length <= CUSTOM_PARAMS_MAX ? { custom_params: params } : {}) });
    const png = await QRCode.toBuffer(link, { type: 'png', width: 430, margin: 2, errorCorrectionLevel: 'M' });
    return reply.type('image/png').header('cache-control', 'public, max-age=3600').send(png);
  });
  app.get('/poster/:file', async (req, reply) => {
    const m = /^(\d{1,10})\.svg$/.exec((req.params as Q).file ?? '');
    const room = m ? await s.rooms.getAny(Number(m[1])) : undefined;
    if (!room) return reply.code(404).send({ errcode: Errcode.RoomNotFound, errmsg: 'room does not exist' });
    const params = (req.query as Q).params;
    const link = roomLink(s.urls().http, room.id, { type: '9', ...(params && params.length <= CUSTOM_PARAMS_MAX ? { custom_params: params } : {}) });
    const qr = await QRCode.toString(link, { type: 'svg', margin: 1 });
    const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const when = new Date(room.start_time * 1000).toISOString().slice(0, 16).replace('T', ' ');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900" viewBox="0 0 600 900">
<rect width="600" height="900" fill="#fff"/><image href="${esc(room.cover_img)}" x="0" y="0" width="600" height="420" preserveAspectRatio="xMidYMid slice"/>
<text x="40" y="490" font-size="36" font-family="sans-serif" font-weight="bold">${esc(room.name)}</text>
<text x="40" y="540" font-size="24" font-family="sans-serif" fill="#555">${esc(room.anchor_name)} · ${when} UTC</text>
<g transform="translate(380,600) scale(0.7)">${qr.replace(/<\?xml[^>]*>/, '')}</g>
<text x="40" y="700" font-size="22" font-family="sans-serif" fill="#888">Scan to watch</text></svg>`;
    return reply.type('image/svg+xml').send(svg);
  });

  app.post('/wxaapi/broadcast/goods/add', wx(log, async (req) => {
    const appid = await auth(req);
    return ok(await s.goods.add(appid, jsonBody(req).goodsInfo as never));
  }));
  app.post('/wxaapi/broadcast/goods/delete', wx(log, async (req) => {
    const appid = await auth(req);
    await s.goods.delete(appid, jsonBody(req).goodsId);
    return ok({});
  }));
  app.get('/wxaapi/broadcast/goods/getapproved', wx(log, async (req) => {
    const appid = await auth(req);
    const q = req.query as Q;
    const offset = Number(q.offset ?? 0);
    const limit = Number(q.limit ?? 30);
    const status = q.status === undefined ? undefined : Number(q.status);
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100 || (status !== undefined && ![0, 1, 2, 3].includes(status)))
      throw new WxFail(Errcode.InvalidParameter, 'offset ≥ 0, limit in 1..100, status in 0..3');
    const { goods, total } = await s.goods.list(appid, offset, limit, status);
    const yuan = (fen: number) => fen / 100;
    return ok({
      goods: goods.map((g) => ({ goodsId: g.id, coverImgUrl: g.cover_img, name: g.name, priceType: g.price_type, price: yuan(g.price), price2: yuan(g.price2), url: g.url, thirdPartyTag: 0, thirdPartyAppid: g.third_party_appid })),
      total,
    });
  }));
  app.post('/wxaapi/broadcast/room/addgoods', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.goods.addToRoom(appid, b.roomId, b.ids);
    return ok({});
  }));
  app.post('/wxaapi/broadcast/goods/onsale', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.goods.setOnSale(appid, b.roomId, b.goodsId, b.onSale);
    return ok({});
  }));
  app.post('/wxaapi/broadcast/goods/deleteInRoom', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.goods.removeFromRoom(appid, b.roomId, b.goodsId);
    return ok({});
  }));
  app.post('/wxaapi/broadcast/goods/sort', wx(log, async (req) => {
    const appid = await auth(req);
    const b = jsonBody(req);
    await s.goods.sort(appid, b.roomId, b.goods);
    return ok({});
  }));
}
