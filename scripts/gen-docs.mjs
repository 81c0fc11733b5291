// Generates the reference tables in docs/ from the code (npm run docs). A test checks they are current.
import { readFileSync, writeFileSync } from 'node:fs';
import { ERRCODES } from '../packages/protocol/dist/index.js';
import { DEFAULTS, ENV_KEYS } from '../packages/server/dist/config.js';

export function errorsTable() {
  const rows = Object.entries(ERRCODES).sort((a, b) => Number(a[0]) - Number(b[0]));
  return ['| errcode | errmsg | when |', '|---|---|---|', ...rows.map(([code, i]) => `| ${code} | \`${i.errmsg}\` | ${i.description} |`)].join('\n');
}

export function configTable() {
  const show = (v) => (v === undefined ? '(unset)' : typeof v === 'object' ? `${v.host}:${v.port}` : v === '' ? '(derived)' : String(v));
  return ['| environment variable | flag | default | meaning |', '|---|---|---|---|',
    ...Object.entries(ENV_KEYS).map(([env, key]) => `| \`${env}\` | ${{ http: '`--http`', rtmp: '`--rtmp`', dataDir: '`--data`' }[key] ?? ''} | \`${show(DEFAULTS[key])}\` | ${CONFIG_HELP[key] ?? ''} |`)].join('\n');
}

const CONFIG_HELP = JSON.parse(readFileSync(new URL('./config-help.json', import.meta.url), 'utf8'));

export function replaceBlock(file, name, content) {
  const text = readFileSync(file, 'utf8');
  const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`${file} has no ${name} block`);
  return text.replace(re, `$1\n${content}\n$2`);
}

const missing = Object.values(ENV_KEYS).filter((k) => !CONFIG_HELP[k]);
if (missing.length) {
  console.error(`scripts/config-help.json has no text for: ${missing.join(', ')}`);
  process.exit(1);
}
const outputs = [
  ['docs/errors.md', replaceBlock('docs/errors.md', 'errcodes', errorsTable())],
  ['docs/configuration.md', replaceBlock('docs/configuration.md', 'config', configTable())],
];
if (process.argv.includes('--check')) {
  const stale = outputs.filter(([file, text]) => readFileSync(file, 'utf8') !== text).map(([f]) => f);
  if (stale.length) {
    console.error(`out of date (run npm run docs): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log('docs: up to date');
} else {
  for (const [file, text] of outputs) writeFileSync(file, text);
  console.log('docs: errors.md and configuration.md regenerated');
}
