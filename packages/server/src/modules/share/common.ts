/** What the poster and the share card have in common: input checks and the result shape. */
import { PosterError } from './errors.js';
import { cleanText } from './text.js';

export type ShareLanguage = 'zh' | 'en';

export interface RenderedImage {
  contentType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  bytes: Buffer;
}

/** Longest name accepted (characters); what is drawn is cut further, with an ellipsis, to fit its lines. */
export const MAX_NAME_CHARS = 500;

export function checkLanguage(language: unknown): ShareLanguage {
  if (language === undefined) return 'zh';
  if (language === 'zh' || language === 'en') return language;
  throw new PosterError('invalid_input', `language must be 'zh' or 'en', not ${JSON.stringify(language)}`);
}

export function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new PosterError('invalid_input', `${field} must be a string`);
  if (value.length > MAX_NAME_CHARS)
    throw new PosterError('invalid_input', `${field} is ${value.length} characters; the limit is ${MAX_NAME_CHARS}`);
  const clean = cleanText(value);
  if (clean === '') throw new PosterError('invalid_input', `${field} is empty`);
  return clean;
}
