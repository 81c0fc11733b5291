/** S-API-1: `start` counts from 0; `limit` is a page size (recommended ≤ 100). */
import { Reason } from '@zhibo/protocol';
import { type Check, fail } from './validation.js';

export const PAGE_LIMIT_MAX = 100;

export function checkPage(start: unknown, limit: unknown): Check {
  if (typeof start !== 'number' || typeof limit !== 'number') return fail(Reason.DataFormat, 'start', 'start and limit must be numbers');
  if (!Number.isInteger(start) || start < 0) return fail(Reason.InvalidArgs, 'start', 'start must be an integer ≥ 0');
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX)
    return fail(Reason.InvalidArgs, 'limit', `limit must be an integer in 1..${PAGE_LIMIT_MAX}`);
  return { ok: true };
}
