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

/**
 * A value the database refused (PostgreSQL SQLSTATE class 22, "data exception": an int out of range, a NUL in text,
 * bad encoding) is the caller's input, not a bug: 200002 (bad_parameter) and one warning line without a stack.
 */
function dataException(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

export function asDomainError(e: unknown, log: Log, where: string): DomainError {
  if (e instanceof DomainError) return e;
  if (dataException(e)) {
    const msg = ((e as Error).message ?? '').split('\n')[0]!.slice(0, 160);
    log.warn(`${where}: input refused by the database (${(e as { code: string }).code}: ${msg})`);
    return new DomainError(Reason.BadParameter, 'invalid args: a value is out of range or contains characters that can not be stored');
  }
  log.error(`${where}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new DomainError(Reason.SystemError, 'system error');
}

/** WeChat's errmsg: the errcode's text, then the detail — never the same prefix twice. */
export function wxBody(e: DomainError): { errcode: number; errmsg: string; [extra: string]: unknown } {
  const errcode = REASONS[e.reason].errcode;
  const info = ERRCODES[errcode];
  const base = info.errmsg;
  const detail = e.message;
  // WeChat's bare codes (200002) answer the specific sentence alone: `parameter coverImg must no be null`.
  const errmsg = !detail || detail === base || detail.startsWith(base) || info.bare ? detail || base : `${base}: ${detail}`;
  return e.wx ? { errcode, errmsg, ...e.wx } : { errcode, errmsg };
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
  return {
    ...e.extra,
    error: e.reason,
    message,
    fields: field && e.status < 500 ? { ...many, [field]: many[field] ?? message } : { ...many },
  };
}

const PLUGIN_CODES: Partial<Record<Reason, string>> = {
  [Reason.RoomNotFound]: PluginErrorCode.RoomNotFound,
  [Reason.Unauthorized]: PluginErrorCode.Unauthorized,
  [Reason.NotSubscribable]: SubscribeErrorCode.NotSubscribable,
  [Reason.WebPushOff]: SubscribeErrorCode.WebPushOff,
  [Reason.NoExplanation]: PluginErrorCode.NoExplanation,
  [Reason.ExplanationPending]: PluginErrorCode.ExplanationPending,
  [Reason.ExplanationGone]: PluginErrorCode.ExplanationGone,
};

export function pluginBody(e: DomainError): { errcode: string; errmsg: string } {
  return { errcode: PLUGIN_CODES[e.reason] ?? (e.status >= 500 ? 'system_error' : PluginErrorCode.BadRequest), errmsg: e.message };
}
