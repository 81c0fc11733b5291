/** S-API-1: `start` counts from 0; `limit` is a page size (recommended ≤ 100). */
import { Errcode } from '@zhibo/protocol';
import type { Check } from './validation.js';

export const PAGE_LIMIT_MAX = 100;

export function checkPage(start: unknown, limit: unknown): Check {
  if (typeof start !== 'number' || typeof limit !== 'number')
    return { ok: false, errcode: Errcode.DataFormatError, field: 'start', message: 'start and limit must be numbers' };
  if (!Number.isInteger(start) || start < 0)
    return { ok: false, errcode: Errcode.InvalidParameter, field: 'start', message: 'start must be an integer ≥ 0' };
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX)
    return { ok: false, errcode: Errcode.InvalidParameter, field: 'limit', message: `limit must be an integer in 1..${PAGE_LIMIT_MAX}` };
  return { ok: true };
}
