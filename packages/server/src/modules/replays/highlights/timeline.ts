/**
 * The one timeline of a live (pure): its segments (one per publish session) follow each other in the one replay, so a
 * server-clock time maps to seconds of the replay — and back, for the chat replay's windows. Markers (看点) come from
 * the presents: a product's stretch runs from its present to the next present (or "stop presenting", or the end).
 */

export interface TimelineSegment {
  sessionId: string;
  /** server clock (ms) when the session started publishing */
  clockStart: number;
  durationSec: number;
  /** where the segment starts in the one replay (s) */
  offsetSec: number;
}

export interface SegmentInput {
  session_id: string;
  clock_started_at: number | null;
  started_at: number;
  duration_sec: number | null;
}

export function timelineOf(rows: readonly SegmentInput[]): TimelineSegment[] {
  const sorted = rows
    .map((r) => ({
      sessionId: r.session_id,
      clockStart: r.clock_started_at ?? r.started_at,
      durationSec: Math.max(0, r.duration_sec ?? 0),
    }))
    .sort((a, b) => a.clockStart - b.clockStart || a.sessionId.localeCompare(b.sessionId));
  let offset = 0;
  return sorted.map((s) => {
    const seg = { ...s, offsetSec: offset };
    offset += s.durationSec;
    return seg;
  });
}

export const totalSec = (tl: readonly TimelineSegment[]): number =>
  tl.length ? tl[tl.length - 1]!.offsetSec + tl[tl.length - 1]!.durationSec : 0;

/**
 * Seconds of the one replay at server time `at`: inside a segment, its place there; before a segment (the live had not
 * started, or the stream had dropped) the start of the next one; after the last one, null.
 */
export function mediaTime(tl: readonly TimelineSegment[], at: number): number | null {
  for (const s of tl) {
    if (at < s.clockStart) return s.offsetSec;
    if (at < s.clockStart + s.durationSec * 1000) return s.offsetSec + (at - s.clockStart) / 1000;
  }
  return null;
}

/** Server time (ms) at second `t` of the one replay (clamped to the replay). */
export function clockTime(tl: readonly TimelineSegment[], t: number): number {
  if (!tl.length) return 0;
  for (const s of tl) if (t < s.offsetSec + s.durationSec) return s.clockStart + Math.max(0, t - s.offsetSec) * 1000;
  const last = tl[tl.length - 1]!;
  return last.clockStart + last.durationSec * 1000;
}

/** The server-time range whose events fall in `[from, to)` seconds of the replay (the ends reach past the replay's ends). */
export function clockRange(tl: readonly TimelineSegment[], from: number, to: number): { from: number; to: number } {
  return { from: from <= 0 ? 0 : clockTime(tl, from), to: to >= totalSec(tl) ? Number.MAX_SAFE_INTEGER : clockTime(tl, to) };
}

export interface MarkerSpan {
  goodsId: number;
  start: number;
  end: number;
}

/**
 * Markers from the presents (server time, goodsId null = stopped presenting), in order: a present opens a product's
 * stretch and closes the one before; presenting the same product again continues it. Stretches shorter than `minSec`
 * (a mis-tap) are left out.
 */
export function markersFrom(
  presents: ReadonlyArray<{ at: number; goodsId: number | null }>,
  tl: readonly TimelineSegment[],
  minSec = 1,
): MarkerSpan[] {
  const total = totalSec(tl);
  const out: MarkerSpan[] = [];
  let open: MarkerSpan | null = null;
  for (const p of [...presents].sort((a, b) => a.at - b.at)) {
    const t = mediaTime(tl, p.at) ?? total;
    if (open && p.goodsId === open.goodsId) continue;
    if (open) {
      open.end = t;
      out.push(open);
      open = null;
    }
    if (p.goodsId !== null) open = { goodsId: p.goodsId, start: t, end: total };
  }
  if (open) out.push(open);
  return out.filter((m) => m.end - m.start >= minSec).map((m) => ({ goodsId: m.goodsId, start: round3(m.start), end: round3(m.end) }));
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
