/**
 * One mapping per transport from the one error taxonomy (lib/errors.ts, protocol/reasons.ts):
 * - WeChat API: HTTP 200, `{errcode, errmsg}` — errcode from the reason;
 * - console and admin API: the reason's HTTP status, `{error: reason, message, fields}`;
 * - plugin API (browser SDK): the reason's HTTP status, `{errcode: PluginErrorCode, errmsg}`.
 * Anything that is not a DomainError is a bug: logged with its stack and the request id, answered as system_error.
 */
import { ERRCODES, PluginErrorCode, REASONS, Reason, SubscribeErrorCode } from '@zhibo/protocol';
import { DomainError } from '../lib/errors.js';
import type { Log } from '../lib/log.js';

export function asDomainError(e: unknown, log: Log, where: string): DomainError {
  if (e instanceof DomainError) return e;
  log.error(`${where}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new DomainError(Reason.SystemError, 'system error');
}

/** WeChat's errmsg: the errcode's text, then the detail — never the same prefix twice. */
export function wxBody(e: DomainError): { errcode: number; errmsg: string } {
  const errcode = REASONS[e.reason].errcode;
  const base = ERRCODES[errcode].errmsg;
  const detail = e.message;
  const errmsg = !detail || detail === base || detail.startsWith(base) ? detail || base : `${base}: ${detail}`;
  return { errcode, errmsg };
}

export interface FieldBody {
  error: Reason;
  message: string;
  fields: Record<string, string>;
  [extra: string]: unknown;
}

/**
 * Console and admin API body; `alias` renames service field names to the form's field names, `sentence` starts the
 * message with a capital (the console shows it to people as is).
 */
export function fieldBody(e: DomainError, alias: Record<string, string> = {}, sentence = false): FieldBody {
  const message = sentence ? e.message.charAt(0).toUpperCase() + e.message.slice(1) : e.message;
  const field = e.field ? (alias[e.field] ?? e.field) : undefined;
  // several problems at once (a form): extra.fields holds every field's message
  const many = (e.extra?.fields ?? {}) as Record<string, string>;
  return { ...e.extra, error: e.reason, message, fields: field && e.status < 500 ? { ...many, [field]: many[field] ?? message } : { ...many } };
}

const PLUGIN_CODES: Partial<Record<Reason, string>> = {
  [Reason.RoomNotFound]: PluginErrorCode.RoomNotFound,
  [Reason.Unauthorized]: PluginErrorCode.Unauthorized,
  [Reason.NotSubscribable]: SubscribeErrorCode.NotSubscribable,
  [Reason.WebPushOff]: SubscribeErrorCode.WebPushOff,
};

export function pluginBody(e: DomainError): { errcode: string; errmsg: string } {
  return { errcode: PLUGIN_CODES[e.reason] ?? (e.status >= 500 ? 'system_error' : PluginErrorCode.BadRequest), errmsg: e.message };
}
