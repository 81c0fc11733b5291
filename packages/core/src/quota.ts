/** S-API-4: a daily quota per app, the day starting 00:00 Asia/Shanghai (UTC+8, no DST). */
export const DEFAULT_DAILY_QUOTA = 500;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86_400_000;

/** The quota day as YYYY-MM-DD in Asia/Shanghai. */
export function quotaDay(nowMs: number): string {
  return new Date(nowMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** When the current quota day ends (ms epoch). */
export function quotaDayEnd(nowMs: number): number {
  return Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - SHANGHAI_OFFSET_MS;
}
