/** Helpers for WeChat-shaped routes: `{errcode, errmsg}` bodies, HTTP 200, WeChat's JSON rules. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errcode } from '@zhibo/protocol';
import { WxFail } from '../services/errors.js';
import type { Log } from '../services/log.js';

/** Parse a WeChat POST body: empty → 44002, not JSON or not an object → 47001. */
export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const raw = req.body;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Buffer.isBuffer(raw) && raw.length === 0))
    throw new WxFail(Errcode.EmptyPostData, 'empty post data');
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  if (text === undefined) {
    if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
    throw new WxFail(Errcode.DataFormatError, 'data format error: body must be a JSON object');
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WxFail(Errcode.DataFormatError, `data format error: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WxFail(Errcode.DataFormatError, 'data format error: body must be a JSON object');
  return v as Record<string, unknown>;
}

/** Answer a WxFail as WeChat does; anything else is -1 system error with a log line. */
export function wxError(reply: FastifyReply, e: unknown, log: Log): FastifyReply {
  if (e instanceof WxFail) return reply.code(200).send(e.toBody());
  log.error(`unexpected error: ${(e as Error).stack ?? String(e)}`);
  return reply.code(200).send({ errcode: Errcode.SystemBusy, errmsg: 'system error' });
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Wrap a handler: its result is sent with errcode 0 first, its failures as WeChat errors. */
export function wx(log: Log, fn: Handler): Handler {
  return async (req, reply) => {
    try {
      const out = await fn(req, reply);
      if (reply.sent) return reply;
      return reply.send(out);
    } catch (e) {
      return wxError(reply, e, log);
    }
  };
}

export const ok = <T extends object>(fields: T): { errcode: 0; errmsg: 'ok' } & T => ({ errcode: 0, errmsg: 'ok', ...fields });
