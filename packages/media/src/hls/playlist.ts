/**
 * The LL-HLS media playlist (RFC 8216bis) as a pure function of the window state: one muxed
 * rendition, fMP4 (EXT-X-MAP), EXT-X-PART for the segments near the live edge, a preload hint for
 * the next part, and Playlist Delta Updates (EXT-X-SKIP). Clients without Low-Latency support read
 * the same text and ignore the LL tags.
 */

export interface PartRec {
  name: string;
  durationSec: number;
  independent: boolean;
  data: Buffer;
}

export interface SegmentRec {
  msn: number;
  name: string;
  /** URI of the init section (EXT-X-MAP) it needs. */
  map: string;
  discontinuity: boolean;
  programDateMs: number;
  parts: PartRec[];
  /** Sum of its parts. */
  durationSec: number;
  complete: boolean;
}

export interface PlaylistState {
  targetDurationSec: number;
  partTargetSec: number;
  discontinuitySequence: number;
  /** The window: complete segments, then the open one (if any). Never empty when rendered. */
  segments: readonly SegmentRec[];
  /** URI of the next part (absent once ended). */
  preloadHint: string | null;
  ended: boolean;
}

const sec = (s: number) => s.toFixed(5);

/** How many leading segments a delta update replaces: those ending ≥ CAN-SKIP-UNTIL before the last complete segment's end. */
export function skippedSegments(st: PlaylistState): number {
  if (st.ended) return 0;
  const complete = st.segments.filter((s) => s.complete);
  const total = complete.reduce((n, s) => n + s.durationSec, 0);
  const boundary = canSkipUntil(st.targetDurationSec);
  let end = 0;
  let n = 0;
  for (const s of complete) {
    end += s.durationSec;
    if (total - end < boundary - 1e-9) break;
    n++;
  }
  return n;
}

export function canSkipUntil(targetDurationSec: number): number {
  return 6 * targetDurationSec;
}

export function partHoldBack(partTargetSec: number): number {
  return 3 * partTargetSec;
}

export function renderPlaylist(st: PlaylistState, skip: boolean): string {
  const td = st.targetDurationSec;
  const first = st.segments[0];
  const skipped = skip ? skippedSegments(st) : 0;
  const out = [
    '#EXTM3U',
    `#EXT-X-VERSION:${skipped > 0 ? 9 : 6}`,
    `#EXT-X-TARGETDURATION:${td}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${canSkipUntil(td).toFixed(1)},PART-HOLD-BACK=${partHoldBack(st.partTargetSec).toFixed(3)}`,
    `#EXT-X-PART-INF:PART-TARGET=${st.partTargetSec.toFixed(3)}`,
    `#EXT-X-MEDIA-SEQUENCE:${first?.msn ?? 0}`,
  ];
  if (st.discontinuitySequence > 0) out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${st.discontinuitySequence}`);
  if (skipped > 0) out.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  // EXT-X-PART tags are kept for segments ending within three target durations of the playlist's end.
  const total = st.segments.reduce((n, s) => n + s.durationSec, 0);
  let end = 0;
  let map = '';
  for (const [i, s] of st.segments.entries()) {
    end += s.durationSec;
    if (i < skipped || (!s.complete && s.parts.length === 0)) continue;
    if (s.discontinuity) out.push('#EXT-X-DISCONTINUITY');
    if (s.map !== map) out.push(`#EXT-X-MAP:URI="${s.map}"`);
    map = s.map;
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateMs).toISOString()}`);
    if (!s.complete || total - end <= 3 * td) {
      for (const p of s.parts)
        out.push(`#EXT-X-PART:DURATION=${sec(p.durationSec)},URI="${p.name}"${p.independent ? ',INDEPENDENT=YES' : ''}`);
    }
    if (s.complete) out.push(`#EXTINF:${sec(s.durationSec)},`, s.name);
  }
  if (st.ended) out.push('#EXT-X-ENDLIST');
  else if (st.preloadHint) out.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${st.preloadHint}"`);
  return `${out.join('\n')}\n`;
}
