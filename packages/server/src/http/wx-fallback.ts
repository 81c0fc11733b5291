/**
 * Unknown routes and methods. WeChat clients (WxJava, EasyWeChat, node-easywechat) turn a bare 404 into a runtime
 * exception instead of their API error, so a path of the WeChat API answers a WeChat-style JSON error; everything else
 * gets a small JSON 404. Neither ever echoes the URL (it carries access_token, or the secret on /cgi-bin/token).
 */
import type { FastifyInstance } from 'fastify';
import { Errcode } from '@zhibo/protocol';
import type { Log } from '../lib/log.js';

const WECHAT_PATH = /^\/(cgi-bin|wxa|wxaapi)\//;

export function installWxFallback(app: FastifyInstance, log: Log): void {
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (WECHAT_PATH.test(path)) {
      log.debug(`unknown WeChat API call: ${req.method} ${path.slice(0, 200)}`);
      return reply.code(200).send({ errcode: Errcode.InvalidUrl, errmsg: `invalid url: no such API (${req.method} ${path.slice(0, 120)})` });
    }
    return reply.code(404).send({ error: 'not_found', message: 'no such route' });
  });
}
