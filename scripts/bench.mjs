// npm run bench -- NAME [args]: runs bench/NAME.mjs. Benchmarks are not tests: nothing in CI depends on them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(new URL('../bench/', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && f !== 'lib.mjs')
  .map((f) => f.replace(/\.mjs$/, ''));
if (!name || !available.includes(name) || !existsSync(new URL(`../bench/${name}.mjs`, import.meta.url))) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, [`bench/${name}.mjs`, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
