/**
 * An app's settings (`apps.settings`), validated in one place for every caller (console, admin API, demo):
 * unknown keys are refused, URLs must be http(s), versions dotted. Reminder settings are validated by the
 * reminders module's rules.
 */
import { Reason, type ReminderSettings } from '@zhibo/protocol';
import { pageUrlProblem } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import { validateReminderSettings } from '../reminders/settings.js';

export interface AppSettings {
  /** the merchant's goods pages are `goodsBaseUrl + goods.url` (S-PLAYER-4) */
  goodsBaseUrl?: string;
  /** the room page's home icon opens this */
  homeUrl?: string;
  /** S-PLAYER-3: the app's minimum SDK version (the larger of it and the server's applies) */
  minSdkVersion?: string;
  reminders?: ReminderSettings;
  /** WeChat's goods review: goods wait for the operator's decision (default false: approved at once) */
  goodsReview?: boolean;
  /** where WeChat-style events (wxalive_follow_notify, wxalive_push_message_notify) are POSTed, signed like reminder webhooks */
  callbackUrl?: string;
  /** the anchor (and sub-anchor) named in a room must hold the anchor role (role/addrole role 2); WeChat's 300036 otherwise */
  roleChecks?: boolean;
  /** compatibility profile: `seed` (errcode 1 for an empty room list, 500 calls/day) or `current` (9410000, 100000/day) */
  compat?: CompatProfile;
  /** the room page's customer-service button opens this (rooms with closeKf 0) */
  kfUrl?: string;
  /** the app's rooms with isFeedsPublic 1 are listed on the public feed page (/feeds/) while live */
  feedsPublic?: boolean;
  /** the app's time zone (IANA name): posters, the console, the demo shop; default Asia/Shanghai, like the quota day */
  timeZone?: string;
  /** the language of viewer-facing pictures (poster, share card); default zh */
  language?: AppLanguage;
}

export const APP_LANGUAGES = ['zh', 'en'] as const;
export type AppLanguage = (typeof APP_LANGUAGES)[number];
export const DEFAULT_APP_TIME_ZONE = 'Asia/Shanghai';

/** The app's time zone and language with their defaults. */
export function appLocale(settings: AppSettings | undefined): { timeZone: string; language: AppLanguage } {
  return { timeZone: settings?.timeZone || DEFAULT_APP_TIME_ZONE, language: settings?.language ?? 'zh' };
}

/** An IANA time zone name the runtime knows ('' = the default). */
export function timeZoneOrEmpty(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  const msg = 'Enter a time zone name such as Asia/Shanghai, Europe/Berlin or America/New_York';
  if (typeof v !== 'string' || v.trim().length > 64) throw new DomainError(Reason.BadParameter, msg, field);
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: v.trim() }).resolvedOptions().timeZone;
  } catch {
    throw new DomainError(Reason.BadParameter, `${msg} (“${v.trim().slice(0, 40)}” is not one)`, field);
  }
}

export type CompatProfile = 'seed' | 'current';
export const COMPAT_PROFILES: readonly CompatProfile[] = ['seed', 'current'];

export interface SettingsPatch {
  settings: AppSettings;
  /** undefined: unchanged; null: the server default */
  dailyQuota?: number | null;
}

const KEYS = [
  'goodsBaseUrl',
  'homeUrl',
  'minSdkVersion',
  'reminders',
  'dailyQuota',
  'goodsReview',
  'callbackUrl',
  'roleChecks',
  'compat',
  'kfUrl',
  'feedsPublic',
  'timeZone',
  'language',
] as const;

const boolSetting = (v: unknown, field: string): boolean => {
  if (typeof v === 'boolean') return v;
  throw new DomainError(Reason.BadParameter, `${field} must be true or false`, field);
};

/** An http(s) URL (or '' = unset) — never javascript:, data: or anything a browser would run. */
export function httpUrlOrEmpty(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || v.length > 1024)
    throw new DomainError(Reason.BadParameter, 'Enter an http(s) URL of at most 1024 characters', field);
  const t = v.trim();
  const problem = pageUrlProblem(t);
  if (problem) throw new DomainError(Reason.BadParameter, `This URL ${problem}`, field);
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    throw new DomainError(Reason.BadParameter, 'Enter a full URL starting with http:// or https://', field);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new DomainError(Reason.BadParameter, 'Enter a full URL starting with http:// or https://', field);
  return t;
}

export function validateAppSettings(input: Record<string, unknown>): SettingsPatch {
  for (const k of Object.keys(input))
    if (!(KEYS as readonly string[]).includes(k))
      throw new DomainError(Reason.BadParameter, `${k} is not an app setting; known: ${KEYS.join(', ')}`, k);
  const settings: AppSettings = {};
  if ('goodsBaseUrl' in input) settings.goodsBaseUrl = httpUrlOrEmpty(input.goodsBaseUrl, 'goodsBaseUrl');
  if ('homeUrl' in input) settings.homeUrl = httpUrlOrEmpty(input.homeUrl, 'homeUrl');
  if ('minSdkVersion' in input) {
    const min = input.minSdkVersion ?? '';
    if (typeof min !== 'string' || (min !== '' && !/^\d{1,3}(\.\d{1,3}){0,3}$/.test(min.trim())))
      throw new DomainError(Reason.BadParameter, 'Enter a version like 1.0.4, or leave it empty', 'minSdkVersion');
    settings.minSdkVersion = min.trim();
  }
  if ('goodsReview' in input) settings.goodsReview = boolSetting(input.goodsReview, 'goodsReview');
  if ('callbackUrl' in input) settings.callbackUrl = httpUrlOrEmpty(input.callbackUrl, 'callbackUrl');
  if (input.reminders !== undefined) settings.reminders = validateReminderSettings(input.reminders);
  if ('roleChecks' in input) settings.roleChecks = boolSetting(input.roleChecks, 'roleChecks');
  if ('feedsPublic' in input) settings.feedsPublic = boolSetting(input.feedsPublic, 'feedsPublic');
  if ('kfUrl' in input) settings.kfUrl = httpUrlOrEmpty(input.kfUrl, 'kfUrl');
  if ('compat' in input) {
    if (!(COMPAT_PROFILES as readonly unknown[]).includes(input.compat))
      throw new DomainError(Reason.BadParameter, `compat must be one of ${COMPAT_PROFILES.join(', ')}`, 'compat');
    settings.compat = input.compat as CompatProfile;
  }
  if ('timeZone' in input) settings.timeZone = timeZoneOrEmpty(input.timeZone, 'timeZone');
  if ('language' in input) {
    const l = input.language ?? '';
    if (l !== '' && !(APP_LANGUAGES as readonly unknown[]).includes(l))
      throw new DomainError(Reason.BadParameter, 'Choose zh (中文) or en (English)', 'language');
    if (l !== '') settings.language = l as AppLanguage;
  }
  const out: SettingsPatch = { settings };
  if ('dailyQuota' in input) {
    const q = input.dailyQuota;
    if (q === null || q === '' || q === undefined) out.dailyQuota = null;
    else {
      const n = Number(q);
      if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
        throw new DomainError(
          Reason.BadParameter,
          'Enter a whole number from 1 to 10,000,000, or leave it empty for the server default',
          'dailyQuota',
        );
      out.dailyQuota = n;
    }
  }
  return out;
}
