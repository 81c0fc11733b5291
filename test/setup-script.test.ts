import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = resolve('scripts/deps-match.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project with a lockfile and an "installed" tree as npm records it. */
function project(locked: Record<string, object>, installed: Record<string, object> | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-deps-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' }, ...locked } }));
  if (installed) {
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules/.package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: installed }));
  }
  return dir;
}
const matches = (dir: string) => spawnSync(process.execPath, [script, '--verbose'], { cwd: dir, encoding: 'utf8' });

describe('scripts/deps-match.mjs (setup runs npm ci only when node_modules differs from the lockfile)', () => {
  const a = { 'node_modules/a': { version: '1.0.0' }, 'node_modules/@esbuild/win32-x64': { version: '0.1.0', optional: true } };

  it('deps-match with the locked versions installed (other platforms\u2019 optional packages absent) exits 0', () => {
    expect(matches(project(a, { 'node_modules/a': { version: '1.0.0' } })).status).toBe(0);
  });

  it('deps-match with a different version, a missing package, an extra package or no node_modules exits 1 and says why', () => {
    const r1 = matches(project(a, { 'node_modules/a': { version: '1.0.1' } }));
    expect([r1.status, r1.stderr]).toEqual([1, expect.stringContaining('node_modules/a: installed 1.0.1, locked 1.0.0')]);
    expect(matches(project(a, {})).stderr).toContain('node_modules/a is not installed');
    expect(matches(project(a, { 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0' } })).stderr).toContain(
      'node_modules/b is installed but not in the lockfile',
    );
    expect(matches(project(a, null)).status).toBe(1);
  });

  it('deps-match on this repository after a lockfile rewrite with the same content (newer mtime) still exits 0', () => {
    const dir = project({}, {});
    writeFileSync(join(dir, 'package-lock.json'), readFileSync('package-lock.json'));
    writeFileSync(join(dir, 'node_modules/.package-lock.json'), readFileSync('node_modules/.package-lock.json'));
    writeFileSync(join(dir, 'package-lock.json'), readFileSync('package-lock.json')); // touched after the install
    expect(matches(dir).status).toBe(0);
  });

  it('setup.sh with an unknown mode exits 2 with its usage', () => {
    const r = spawnSync('bash', ['scripts/setup.sh', 'everything'], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining('usage: bash scripts/setup.sh run|test|bench')]);
  });

  it('npm start and npm test call setup.sh with their own mode and npm start passes flags on to zhibo serve', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^bash scripts\/setup\.sh run && node packages\/server\/dist\/app\/cli\.js serve --demo$/);
    expect(pkg.scripts.test).toMatch(/^bash scripts\/setup\.sh test && /);
    // npm appends the ARGS of `npm start -- ARGS` to the script's last command: zhibo serve must be last, and take them.
    const help = execFileSync(process.execPath, ['packages/server/dist/app/cli.js', '--help'], { encoding: 'utf8' });
    expect(help).toContain('npm start -- --http 0.0.0.0:8080');
  });
});
