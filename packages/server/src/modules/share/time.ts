/** Start times as a poster prints them: ISO-like, 24-hour, in the room's time zone. */
import { PosterError } from './errors.js';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const MAX_UNIX_S = 253_402_300_799; // 9999-12-31T23:59:59Z

function formatter(timeZone: string, extra: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...extra,
    });
  } catch (e) {
    throw new PosterError('time_zone', `unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Asia/Shanghai)`, {
      cause: e,
    });
  }
}

function checkTime(unixSeconds: number): void {
  if (!Number.isFinite(unixSeconds) || unixSeconds < 0 || unixSeconds > MAX_UNIX_S)
    throw new PosterError('invalid_input', `start time must be unix seconds between 0 and ${MAX_UNIX_S}, not ${String(unixSeconds)}`);
}

/** `2026-12-01 20:00` for the given unix seconds in `timeZone` (seconds are dropped, not rounded). */
export function formatStartTime(unixSeconds: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  checkTime(unixSeconds);
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(Math.floor(unixSeconds) * 1000))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The zone's offset at that instant, as `GMT+8`, `GMT-4`, `GMT+5:30`, or `GMT` for UTC. */
export function zoneOffsetLabel(unixSeconds: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  checkTime(unixSeconds);
  const parts = formatter(timeZone, { timeZoneName: 'shortOffset' }).formatToParts(new Date(Math.floor(unixSeconds) * 1000));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** Throws PosterError('time_zone') unless the runtime knows `timeZone`. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}
