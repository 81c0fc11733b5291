// Figures of one join of `npm run bench -- latency`, from the meter's raw records (page.mjs).

export const FREEZE_MS = 200; // a displayed frame held this long (5 frame intervals at 25 fps) counts as a freeze

export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/**
 * One join: the window is [first displayed frame, + windowMs]. Latency = display wall-clock − capture wall-clock.
 * first: latency of the first displayed frame; settleMs: time from it to the first frame within 150 ms of the join's
 * median (how long a stale start — the GOP cache's keyframe before a jump — stays on screen).
 * Stalls: 'waiting' events inside the window, and freezes (a gap ≥ FREEZE_MS between displayed frames; frozenMs
 * sums what each such gap held beyond one frame interval). Skipped = capture-time jumps over ≥ 2 frame intervals
 * (frames never shown: jumps to the live edge, dropped frames).
 */
export function summarizeJoin(state, windowMs, frameMs) {
  const frames = state.frames;
  if (!frames.length) return { ok: false, frames: 0, bad: state.bad };
  const start = frames[0][0];
  const inWin = frames.filter(([wall]) => wall <= start + windowMs);
  const lat = inWin.map(([wall, cap]) => wall - cap).sort((a, b) => a - b);
  let freezes = 0;
  let frozenMs = 0;
  let skipped = 0;
  for (let i = 1; i < inWin.length; i++) {
    const gap = inWin[i][0] - inWin[i - 1][0];
    if (gap >= FREEZE_MS) {
      freezes++;
      frozenMs += gap - frameMs;
    }
    if (inWin[i][1] - inWin[i - 1][1] >= 2 * frameMs) skipped += Math.round((inWin[i][1] - inWin[i - 1][1]) / frameMs) - 1;
  }
  // Settling: how long the join shows frames more than 150 ms behind the join's median (a stale GOP start before a jump).
  const med = quantile(lat, 0.5);
  const settled = inWin.find(([wall, cap]) => wall - cap <= med + 150);
  const settleMs = settled ? settled[0] - start : NaN;
  const probes = state.probes.filter(([t]) => t >= start && t <= start + windowMs);
  const faster = probes.filter(([, , rate]) => rate > 1).length;
  return {
    ok: true,
    ttffMs: start - state.attachedAt,
    first: inWin[0][0] - inWin[0][1],
    settleMs,
    frames: inWin.length,
    bad: state.bad,
    latencies: lat,
    median: quantile(lat, 0.5),
    p95: quantile(lat, 0.95),
    max: lat[lat.length - 1],
    waiting: state.waiting.filter((t) => t > start && t <= start + windowMs).length,
    seeks: state.seeks,
    freezes,
    frozenMs,
    skipped,
    aheadMs: quantile(
      probes.map(([, a]) => a).sort((a, b) => a - b),
      0.5,
    ),
    fasterPct: probes.length ? (100 * faster) / probes.length : 0,
  };
}

/** Several joins of one path pooled: median and p95 over all their frames; stalls summed. */
export function pool(joins) {
  const ok = joins.filter((j) => j.ok);
  const lat = ok.flatMap((j) => j.latencies).sort((a, b) => a - b);
  const sum = (k) => ok.reduce((a, j) => a + j[k], 0);
  return {
    joins: joins.length,
    failed: joins.length - ok.length,
    frames: lat.length,
    median: quantile(lat, 0.5),
    p95: quantile(lat, 0.95),
    first: ok.map((j) => j.first),
    settleMs: ok.map((j) => j.settleMs),
    ttffMs: ok.map((j) => j.ttffMs),
    waiting: sum('waiting'),
    freezes: sum('freezes'),
    frozenMs: sum('frozenMs'),
    skipped: sum('skipped'),
    bad: sum('bad'),
    /** buffer ahead of the playhead: the median of the joins' medians */
    aheadMs: quantile(
      ok
        .map((j) => j.aheadMs)
        .filter(Number.isFinite)
        .sort((a, b) => a - b),
      0.5,
    ),
    fasterPct: ok.length ? sum('fasterPct') / ok.length : 0,
  };
}
