#!/usr/bin/env node
/**
 * Exit 0 when node_modules already holds exactly what package-lock.json asks for, 1 otherwise (then setup runs
 * `npm ci`). It compares the lockfile with npm's own record of the installed tree (node_modules/.package-lock.json):
 * every package the lockfile needs on this machine (optional platform packages may be absent) is installed at the
 * locked version, and nothing else is installed. File times do not matter: a checkout that rewrites the lockfile
 * with the same content does not reinstall.
 */
import { existsSync, readFileSync } from 'node:fs';

const why = (msg) => {
  if (process.argv.includes('--verbose')) process.stderr.write(`deps-match: ${msg}\n`);
  process.exit(1);
};
if (!existsSync('package-lock.json')) why('no package-lock.json');
if (!existsSync('node_modules/.package-lock.json')) why('node_modules is not installed (no node_modules/.package-lock.json)');
const want = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages ?? {};
const have = JSON.parse(readFileSync('node_modules/.package-lock.json', 'utf8')).packages ?? {};
for (const [path, w] of Object.entries(want)) {
  if (!path.startsWith('node_modules/')) continue;
  const h = have[path];
  if (!h) {
    if (w.optional) continue; // platform packages for other systems (esbuild, sharp) are never installed here
    why(`${path} is not installed`);
  }
  if ((w.version ?? w.resolved) !== (h.version ?? h.resolved))
    why(`${path}: installed ${h.version ?? h.resolved}, locked ${w.version ?? w.resolved}`);
  if (!!w.link !== !!h.link) why(`${path}: link mismatch`);
}
for (const path of Object.keys(have))
  if (path.startsWith('node_modules/') && !want[path]) why(`${path} is installed but not in the lockfile`);
process.exit(0);
