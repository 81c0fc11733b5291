/** Text renderings of a conformance report: the SDK × item matrix and the reasons behind every non-pass. */
import { ITEMS } from './items.js';
import type { Cell, ConformanceReport } from './run.js';
import type { SdkId } from './types.js';

const MARK: Record<Cell, string> = { pass: 'pass', fail: 'FAIL', conflict: 'sdk-bug', absent: '—' };

/** A Markdown table: one row per item (1–44), one column per SDK, and a count line. */
export function formatMatrix(report: ConformanceReport): string {
  const sdks = Object.keys(report.matrix) as SdkId[];
  const lines = [`| # | item | ${sdks.join(' | ')} |`, `|---|---|${sdks.map(() => '---').join('|')}|`];
  for (const it of ITEMS) lines.push(`| ${it.n} | ${it.id} | ${sdks.map((s) => MARK[report.matrix[s][it.id]]).join(' | ')} |`);
  const count = (s: SdkId, c: Cell) => ITEMS.filter((i) => report.matrix[s][i.id] === c).length;
  lines.push(
    `| | pass / FAIL / sdk-bug / — | ${sdks.map((s) => `${count(s, 'pass')} / ${count(s, 'fail')} / ${count(s, 'conflict')} / ${count(s, 'absent')}`).join(' | ')} |`,
  );
  return lines.join('\n');
}

/** One line per call that did not pass, with its first reasons. */
export function formatFailures(report: ConformanceReport, maxReasons = 3): string {
  return report.results
    .filter((r) => r.verdict.status !== 'pass')
    .map(
      (r) =>
        `${r.sdk} ${r.item}${r.variant ? ` (${r.variant})` : ''} [${r.verdict.status}] ${r.request.method} ${r.request.url}: ${r.verdict.reasons.slice(0, maxReasons).join('; ')}`,
    )
    .join('\n');
}
