/** Per-app reminder settings (`apps.settings.reminders`): validation and the channels they turn on. */
import { Reason, ReminderChannel, type PushSubscriptionJson, type ReminderSettings } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';

/** A bad reminders setting or push subscription: a DomainError (bad_parameter) on the field it names. */
const invalid = (field: string, message: string): DomainError => new DomainError(Reason.BadParameter, message, field);

/** The effective settings of an app (defaults filled in). */
export interface EffectiveReminderSettings {
  webhookUrl: string | null;
  webpush: boolean;
  inPage: boolean;
  beforeStartMinutes: number | null;
  contact: string | null;
}

export function reminderSettingsOf(settings: { reminders?: ReminderSettings } | undefined): EffectiveReminderSettings {
  const r = settings?.reminders ?? {};
  return {
    webhookUrl: typeof r.webhookUrl === 'string' && r.webhookUrl ? r.webhookUrl : null,
    webpush: r.webpush !== false,
    inPage: r.inPage !== false,
    beforeStartMinutes: typeof r.beforeStartMinutes === 'number' && r.beforeStartMinutes > 0 ? r.beforeStartMinutes : null,
    contact: typeof r.contact === 'string' && r.contact ? r.contact : null,
  };
}

/** The channels a new reminder fans out to, in a fixed order. */
export function channelsOf(r: EffectiveReminderSettings): ReminderChannel[] {
  const out: ReminderChannel[] = [];
  if (r.webhookUrl) out.push(ReminderChannel.Webhook);
  if (r.webpush) out.push(ReminderChannel.WebPush);
  if (r.inPage) out.push(ReminderChannel.InPage);
  return out;
}

const httpUrl = (v: string, field: string, max = 2048): string => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw invalid(field, `${field} must be an absolute http(s) URL`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || v.length > max)
    throw invalid(field, `${field} must be an http(s) URL of at most ${max} characters`);
  return u.toString();
};

/** Validate a `reminders` settings patch (unknown keys refused, so typos do not pass silently). */
export function validateReminderSettings(v: unknown): ReminderSettings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('reminders', 'reminders must be an object');
  const known = ['webhookUrl', 'webpush', 'inPage', 'beforeStartMinutes', 'contact'];
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!known.includes(k)) throw invalid(`reminders.${k}`, `reminders.${k} is not a setting; known: ${known.join(', ')}`);
  const out: ReminderSettings = {};
  if (o.webhookUrl !== undefined)
    out.webhookUrl =
      o.webhookUrl === null || o.webhookUrl === ''
        ? null
        : typeof o.webhookUrl === 'string'
          ? httpUrl(o.webhookUrl, 'reminders.webhookUrl')
          : fail('reminders.webhookUrl', 'reminders.webhookUrl must be a URL or null');
  for (const k of ['webpush', 'inPage'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'boolean') throw invalid(`reminders.${k}`, `reminders.${k} must be true or false`);
    out[k] = o[k];
  }
  if (o.beforeStartMinutes !== undefined) {
    const n = o.beforeStartMinutes;
    if (n !== null && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 7 * 24 * 60))
      throw invalid('reminders.beforeStartMinutes', 'reminders.beforeStartMinutes must be an integer 0–10080 or null');
    out.beforeStartMinutes = n === 0 ? null : n;
  }
  if (o.contact !== undefined) {
    const c = o.contact;
    if (c !== null && (typeof c !== 'string' || !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(c) || c.length > 256))
      throw invalid(
        'reminders.contact',
        'reminders.contact must be a mailto: address or an https: URL (the VAPID subject push services may use to reach you)',
      );
    out.contact = c;
  }
  return out;
}

function fail(field: string, msg: string): never {
  throw invalid(field, msg);
}

const b64urlBytes = (s: string): number => (/^[A-Za-z0-9_-]+={0,2}$/.test(s) ? Buffer.from(s, 'base64url').length : -1);

/** A push endpoint's host is one of the configured push services (ZHIBO_PUSH_SERVICES; each also covers its subdomains; `*` any). */
export function isPushService(host: string, services: readonly string[]): boolean {
  const h = host.toLowerCase();
  return services.some((s) => s === '*' || h === s || h.endsWith(`.${s}`));
}

/**
 * A browser PushSubscription (JSON) checked for shape: endpoint URL of a known push service, P-256 public key,
 * 16-byte auth secret.
 */
export function validatePushSubscription(v: unknown, allowHttp: boolean, services: readonly string[]): PushSubscriptionJson {
  if (typeof v !== 'object' || v === null) throw invalid('push_subscription', 'push_subscription must be a PushSubscription object (JSON)');
  const p = v as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  if (typeof p.endpoint !== 'string' || p.endpoint.length > 1024)
    throw invalid('push_subscription', 'push_subscription.endpoint must be a URL of at most 1024 characters');
  let u: URL;
  try {
    u = new URL(p.endpoint);
  } catch {
    throw invalid('push_subscription', 'push_subscription.endpoint is not a URL');
  }
  if (u.protocol !== 'https:' && !(allowHttp && u.protocol === 'http:'))
    throw invalid('push_subscription', 'push_subscription.endpoint must be an https: URL');
  if (!isPushService(u.hostname, services))
    throw invalid(
      'push_subscription',
      'push_subscription.endpoint is not on a known push service (FCM, Mozilla, Apple, Microsoft; the operator may add others with ZHIBO_PUSH_SERVICES)',
    );
  const key = typeof p.keys?.p256dh === 'string' ? p.keys.p256dh : '';
  const auth = typeof p.keys?.auth === 'string' ? p.keys.auth : '';
  if (b64urlBytes(key) !== 65 || Buffer.from(key, 'base64url')[0] !== 4)
    throw invalid('push_subscription', 'push_subscription.keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)');
  if (b64urlBytes(auth) !== 16) throw invalid('push_subscription', 'push_subscription.keys.auth must be a 16-byte secret (base64url)');
  return { endpoint: p.endpoint, keys: { p256dh: key, auth } };
}
