/**
 * Unknown routes and methods. WeChat clients (WxJava, EasyWeChat, node-easywechat) turn a bare 404 into a runtime
 * exception instead of their API error, so a path of the WeChat API answers a WeChat-style JSON error; everything else
 * gets a small JSON 404. Neither ever echoes the URL (it carries access_token, or the secret on /cgi-bin/token).
 */
import type { FastifyInstance } from 'fastify';
import { Errcode, Reason } from '@zhibo/protocol';
import { DomainError } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import { wxBody } from './errors.js';

const WECHAT_PATH = /^\/(cgi-bin|wxa|wxaapi)\//;

/** `methods(path)`: the methods a known WeChat path answers, so that a wrong method gets 43001/43002 (WeChat's global errcodes). */
export function installWxFallback(app: FastifyInstance, log: Log, methods: (path: string) => string[] = () => []): void {
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (WECHAT_PATH.test(path)) {
      const allowed = methods(path);
      if (allowed.length) {
        const e = allowed.includes('POST')
          ? new DomainError(Reason.RequirePost, `require POST method: ${path.slice(0, 120)} is a POST API`)
          : new DomainError(Reason.RequireGet, `require GET method: ${path.slice(0, 120)} is a GET API`);
        return reply.code(200).send(wxBody(e));
      }
      log.debug(`unknown WeChat API call: ${req.method} ${path.slice(0, 200)}`);
      return reply.code(200).send({ errcode: Errcode.InvalidUrl, errmsg: `invalid url: no such API (${req.method} ${path.slice(0, 120)})` });
    }
    return reply.code(404).send({ error: 'not_found', message: 'no such route' });
  });
}
