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

/**
 * `methodsOf(path)`: the methods a WeChat path takes. A known path called with another method answers WeChat's
 * 43001 `require GET method` / 43002 `require POST method`; an unknown one 40066 `invalid url`.
 */
export function installWxFallback(
  app: FastifyInstance,
  log: Log,
  methodsOf: (path: string) => ReadonlySet<string> | undefined = () => undefined,
): void {
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const known = methodsOf(path);
    if (known?.size && !known.has(req.method)) {
      const e = known.has('POST')
        ? new DomainError(Reason.RequirePost, 'require POST method')
        : new DomainError(Reason.RequireGet, 'require GET method');
      return reply.code(200).send(wxBody(e));
    }
    if (WECHAT_PATH.test(path)) {
      log.debug(`unknown WeChat API call: ${req.method} ${path.slice(0, 200)}`);
      return reply
        .code(200)
        .send({ errcode: Errcode.InvalidUrl, errmsg: `invalid url: no such API (${req.method} ${path.slice(0, 120)})` });
    }
    return reply.code(404).send({ error: 'not_found', message: 'no such route' });
  });
}
