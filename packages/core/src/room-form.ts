/**
 * A room form's problems, all at once and in the words of a merchant (issue 12 §12): the console checks them in the
 * browser before sending and its server checks them again, so both say the same thing. WeChat API callers keep
 * WeChat's errcodes (validation.ts); these are the same rules.
 */
import { ROOM_RULES, wechatLength } from './validation.js';

export interface RoomFormInput {
  name?: unknown;
  anchorName?: unknown;
  coverImg?: unknown;
  shareImg?: unknown;
  startTime?: unknown;
  endTime?: unknown;
}

const lengthRule = (what: string, [min, max]: readonly [number, number], v: unknown): string | undefined => {
  if (typeof v !== 'string' || !v.trim()) return `Enter the ${what}`;
  const n = wechatLength(v.trim());
  if (n >= min && n <= max) return undefined;
  const rule = `${min / 2}–${max / 2} Chinese characters, or ${min}–${max} letters and digits (a Chinese character counts as 2)`;
  return `Use ${rule}. This one counts as ${n}: ${n < min ? 'too short' : 'too long'}.`;
};

/** field → message for every problem of a create / edit room form (empty: none). `nowSec` from the clock. */
export function roomFormProblems(r: RoomFormInput, nowSec: number): Record<string, string> {
  const out: Record<string, string> = {};
  const name = lengthRule('room name', ROOM_RULES.nameUnits, r.name);
  if (name) out.name = name;
  const anchor = lengthRule('anchor’s name', ROOM_RULES.anchorNameUnits, r.anchorName);
  if (anchor) out.anchorName = anchor;
  if (!r.coverImg) out.coverImg = 'Upload a cover image';
  if (!r.shareImg) out.shareImg = 'Upload a share image';
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (!int(r.startTime))
    out.startTime = r.startTime === undefined || r.startTime === null ? 'Choose the planned start' : 'Not a valid date and time';
  if (!int(r.endTime)) out.endTime = r.endTime === undefined || r.endTime === null ? 'Choose the planned end' : 'Not a valid date and time';
  if (int(r.startTime) && int(r.endTime)) {
    const start = r.startTime as number;
    const span = (r.endTime as number) - start;
    if (start < nowSec + ROOM_RULES.minStartAheadSec) out.startTime = 'The start is in the past: choose a time from now on';
    else if (start > nowSec + ROOM_RULES.maxStartAheadSec) out.startTime = 'Choose a start within the next 6 months';
    if (span < ROOM_RULES.minDurationSec) out.endTime = 'End at least 30 minutes after the start';
    else if (span > ROOM_RULES.maxDurationSec) out.endTime = 'End at most 24 hours after the start';
  }
  return out;
}
