/**
 * Text as a transparent PNG, drawn by Pango (inside sharp's libvips) with a CJK font picked by family name.
 * Long text wraps inside `width` and is cut with an ellipsis at `maxLines`. User text is escaped for Pango markup.
 */
import sharp from 'sharp';

/** Debian's fonts-wqy-microhei first; the others are fallbacks Pango may find on other machines. */
export const FONT_FAMILIES = 'WenQuanYi Micro Hei,Noto Sans CJK SC,Source Han Sans SC,sans-serif';

export interface TextSpec {
  text: string;
  /** Font size in pixels. */
  size: number;
  /** #rrggbb */
  color: string;
  /** Wrap width in pixels. */
  width: number;
  maxLines?: number;
  bold?: boolean;
  align?: 'left' | 'centre';
  /** Keep '\n' as line breaks (our own labels); user text never has them. */
  multiline?: boolean;
}

export interface TextImage {
  png: Buffer;
  width: number;
  height: number;
  /** The text actually drawn (after clean-up and any ellipsis). */
  drawn: string;
}

const ELLIPSIS = '…';
const MAX_GRAPHEMES = 200;

/** Control characters and line breaks become spaces; runs of white space collapse. */
export function cleanText(s: string, multiline = false): string {
  if (multiline)
    return s
      .split('\n')
      .map((line) => cleanText(line))
      .join('\n');
  return s
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function graphemes(s: string): string[] {
  return Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s), (g) => g.segment);
}

async function draw(text: string, spec: TextSpec): Promise<{ png: Buffer; width: number; height: number }> {
  const body = spec.bold ? `<b>${escapeMarkup(text)}</b>` : escapeMarkup(text);
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${spec.color}">${body}</span>`,
      font: `${FONT_FAMILIES} ${spec.size}`,
      dpi: 72,
      width: spec.width,
      rgba: true,
      wrap: 'word-char',
      align: spec.align === 'centre' ? 'centre' : 'left',
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

/** The ink height of `lines` full lines of a tall CJK + Latin sample at this size: what a text of that many lines may take. */
const heightCache = new Map<string, number>();
async function linesHeight(spec: TextSpec, lines: number): Promise<number> {
  const key = `${spec.size}/${spec.bold ? 'b' : ''}/${lines}`;
  let h = heightCache.get(key);
  if (h === undefined) {
    h = (await draw(Array(lines).fill('国Ag').join('\n'), { ...spec, width: 10_000 })).height;
    heightCache.set(key, h);
  }
  return h;
}

export async function renderText(spec: TextSpec): Promise<TextImage> {
  const all = graphemes(cleanText(spec.text, spec.multiline));
  const maxLines = spec.maxLines ?? 1;
  // a text of maxLines lines is at most that tall; one more line adds about a line's height (more than half of one)
  const limit = (await linesHeight(spec, maxLines)) + ((await linesHeight(spec, 2)) - (await linesHeight(spec, 1))) / 2;
  const attempt = async (n: number) => {
    const t = n >= all.length ? all.join('') : `${all.slice(0, n).join('').trimEnd()}${ELLIPSIS}`;
    return { t, img: await draw(t, spec) };
  };
  const first = await attempt(Math.min(all.length, MAX_GRAPHEMES));
  if (first.img.height <= limit) return { ...first.img, drawn: first.t };
  // binary search the longest prefix that, with an ellipsis, fits
  let lo = 0;
  let hi = Math.min(all.length, MAX_GRAPHEMES) - 1;
  let best = await attempt(0);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const a = await attempt(mid);
    if (a.img.height <= limit) {
      best = a;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return { ...best.img, drawn: best.t };
}
