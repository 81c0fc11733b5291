// Tables of `npm run bench -- latency`.
import { quantile } from './stats.mjs';

const s2 = (v) => (Number.isFinite(v) ? (v / 1000).toFixed(2) : '-');

/** One row per path: median / p95 per round, first-frame latencies, stalls, skipped frames, buffer, time sped up. */
export function pathTable(rows, results) {
  return rows.map((row, i) => {
    const all = results[i];
    const o = { path: `${row.id}: ${row.path.label}` };
    all.forEach((p, r) => (o[`round ${r + 1}: median / p95 s`] = `${s2(p.median)} / ${s2(p.p95)}`));
    o['first frame s'] = all
      .flatMap((p) => p.first)
      .map(s2)
      .join(' ');
    const settle = all
      .flatMap((p) => p.settleMs)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    o['settle ms: median / max'] = settle.length ? `${quantile(settle, 0.5)} / ${settle[settle.length - 1]}` : '-';
    const sum = (k) => all.reduce((a, p) => a + p[k], 0);
    o['stalls: freezes (ms) / waiting'] = `${sum('freezes')} (${sum('frozenMs')}) / ${sum('waiting')}`;
    o.skipped = sum('skipped');
    o['buffer s'] = all.map((p) => s2(p.aheadMs)).join(' / ');
    o['rate>1'] = `${(all.reduce((a, p) => a + p.fasterPct, 0) / all.length).toFixed(0)} %`;
    return o;
  });
}

/** zhibo ÷ peer, per round, for the pairs that were measured. */
export function ratioTable(rows, results, pairs) {
  const out = [];
  for (const [a, b] of pairs) {
    const ia = rows.findIndex((x) => x.id === a);
    const ib = rows.findIndex((x) => x.id === b);
    if (ia < 0 || ib < 0) continue;
    const o = { 'zhibo ÷ peer': `${a} ÷ ${b}` };
    results[ia].forEach((p, r) => {
      const q = results[ib][r];
      o[`round ${r + 1}: median / p95`] = `${(p.median / q.median).toFixed(2)}× / ${(p.p95 / q.p95).toFixed(2)}×`;
    });
    out.push(o);
  }
  return out;
}

/**
 * Latency to a raw HTTP-FLV socket (flv-probe.mjs): video tag timestamp → the publisher's frame index
 * (pts = index × frame interval + the muxer's constant offset, read off the first tag, a keyframe) → capture time.
 * Tags that arrived in the first `skipMs` (the GOP cache burst at connect) are left out.
 */
export function socketStats(tags, captures, frameMs, skipMs = 3000) {
  if (!tags?.length) return undefined;
  const off = tags[0][0] % frameMs;
  const from = tags[0][1] + skipMs;
  const lat = [];
  for (const [ts, wall] of tags) {
    if (wall < from) continue;
    const cap = captures[Math.round((ts - off) / frameMs)];
    if (cap !== undefined) lat.push(wall - cap);
  }
  lat.sort((a, b) => a - b);
  return { n: lat.length, median: quantile(lat, 0.5), p95: quantile(lat, 0.95), max: lat[lat.length - 1] };
}
