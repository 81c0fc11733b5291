/**
 * The reference tables in docs/ are generated from the code (`npm run docs`); a test fails when a file is out of date:
 * docs/errors.md from the error taxonomy (protocol/reasons.ts), docs/configuration.md from the settings table,
 * docs/operations.md's metrics table from the metrics catalog, docs/api-reference.md from the OpenAPI document.
 */
import { ERRCODES, REASONS, type Reason } from '@zhibo/protocol';
import { apiReference } from './api-reference.js';
import { DEFAULT_METRICS_ROW, METRICS } from './metrics-catalog.js';
import { SETTINGS, type Setting, type SettingKey, shownDefault } from './settings.js';

export function errorsTable(): string {
  const rows = (Object.entries(REASONS) as Array<[Reason, (typeof REASONS)[Reason]]>).sort(
    (a, b) => a[1].errcode - b[1].errcode || a[0].localeCompare(b[0]),
  );
  const esc = (t: string) => t.replace(/\|/g, '\\|');
  return [
    '| errcode | errmsg | reason | HTTP (console, admin, plugin API) | when |',
    '|---|---|---|---|---|',
    ...rows.map(([reason, r]) => `| ${r.errcode} | \`${ERRCODES[r.errcode].errmsg}\` | \`${reason}\` | ${r.status} | ${esc(r.when)} |`),
  ].join('\n');
}

export function configTable(): string {
  const rows = (Object.keys(SETTINGS) as SettingKey[]).map((k) => {
    const s = SETTINGS[k] as Setting<unknown>;
    return `| \`${s.env}\` | ${s.flag ? `\`--${s.flag}\`` : ''} | \`${shownDefault(k)}\` | ${s.help.replace(/\|/g, '\\|')} |`;
  });
  return ['| environment variable | flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function metricsTable(): string {
  const rows = Object.values(METRICS).map(
    (m) => `| \`${m.name}\` | ${m.type} | ${m.labels.map((l) => `\`${l}\``).join(', ')} | ${m.help.replace(/\|/g, '\\|')} |`,
  );
  return ['| name | type | labels | meaning |', '|---|---|---|---|', ...rows, DEFAULT_METRICS_ROW].join('\n');
}

/** Replace the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceBlock(text: string, name: string, content: string): string {
  const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`no ${name} block`);
  return text.replace(re, `$1\n${content}\n$2`);
}

/** [file, block name, table] of every generated table. */
export const GENERATED: ReadonlyArray<[string, string, () => string | Promise<string>]> = [
  ['docs/errors.md', 'errcodes', errorsTable],
  ['docs/configuration.md', 'config', configTable],
  ['docs/operations.md', 'metrics', metricsTable],
  ['docs/api-reference.md', 'api', apiReference],
];
