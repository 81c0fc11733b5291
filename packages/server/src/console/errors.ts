/** Console API errors: one JSON shape, with messages per form field (shown next to the field). */
import type { FastifyReply } from 'fastify';
import { WxFail } from '../services/errors.js';
import type { Log } from '../services/log.js';

/** `{error, message, fields?}` with an HTTP status. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A validation failure of one form field. */
export class FieldError extends ConsoleError {
  constructor(field: string, message: string) {
    super(400, 'invalid', message, { [field]: message });
  }
}

export const notFound = (what: string): ConsoleError => new ConsoleError(404, 'not_found', `${what} does not exist or is not yours`);

/** Service field names → console form field names (the forms use WeChat's names where they exist). */
const FIELD_ALIASES: Record<string, string> = { coverImgUrl: 'coverImg', goodsInfo: 'name', ids: 'goods', roomId: 'room', id: 'room' };

/** Turn a service's WxFail into a console error: the message goes next to its field when the service names one. */
export function fromWxFail(e: WxFail): ConsoleError {
  const msg = e.detail.replace(/^parameter startTime or endTime is invalid: /, '');
  const pretty = msg.charAt(0).toUpperCase() + msg.slice(1);
  if (e.errcode === 300022 || e.errcode === 300024) return new ConsoleError(404, 'not_found', pretty);
  if (e.errcode === 300001 || e.errcode === 300023) return new ConsoleError(409, 'conflict', pretty);
  const field = e.field ? (FIELD_ALIASES[e.field] ?? e.field) : undefined;
  return new ConsoleError(400, 'invalid', pretty, field ? { [field]: pretty } : {});
}

export function sendError(reply: FastifyReply, e: unknown, log: Log): FastifyReply {
  const err = e instanceof WxFail ? fromWxFail(e) : e;
  if (err instanceof ConsoleError) return reply.code(err.status).send({ error: err.code, message: err.message, fields: err.fields });
  log.error(`console: unexpected error: ${(e as Error).stack ?? String(e)}`);
  return reply.code(500).send({ error: 'internal', message: 'Something went wrong on the server; it was logged.', fields: {} });
}
