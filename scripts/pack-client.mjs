#!/usr/bin/env node
/**
 * `@zhibo/client` as an installable package: `node scripts/pack-client.mjs [OUTDIR]` → OUTDIR/zhibo-client-VERSION.tgz
 * (default: the repository root). Run after `npx tsc -b`.
 *
 * The workspace package imports its wire types from `@zhibo/protocol`, which is not published: the tarball carries
 * those type declarations itself (`dist/wire/`, types only — the client imports no protocol code at run time) and
 * has no dependencies, so `npm install zhibo-client-….tgz` works offline.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? root);
const client = join(root, 'packages/client');
const protocol = join(root, 'packages/protocol');
for (const f of [join(client, 'dist/index.js'), join(protocol, 'dist/index.d.ts')])
  if (!existsSync(f)) {
    process.stderr.write(`pack-client: ${f} is missing; run npx tsc -b first\n`);
    process.exit(1);
  }

const stage = mkdtempSync(join(tmpdir(), 'zhibo-client-pack-'));
try {
  mkdirSync(join(stage, 'dist/wire'), { recursive: true });
  for (const f of readdirSync(join(client, 'dist')).filter((f) => /\.(js|d\.ts)$/.test(f))) {
    const text = readFileSync(join(client, 'dist', f), 'utf8')
      .replace(/from '@zhibo\/protocol'/g, "from './wire/index.js'")
      .replace(/\n\/\/# sourceMappingURL=.*$/, '\n');
    if (/@zhibo\/protocol/.test(text)) throw new Error(`${f} still imports @zhibo/protocol`);
    writeFileSync(join(stage, 'dist', f), text);
  }
  for (const f of readdirSync(join(protocol, 'dist')).filter((f) => f.endsWith('.d.ts')))
    writeFileSync(
      join(stage, 'dist/wire', f),
      readFileSync(join(protocol, 'dist', f), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '\n'),
    );
  cpSync(join(client, 'README.md'), join(stage, 'README.md'));
  const pkg = JSON.parse(readFileSync(join(client, 'package.json'), 'utf8'));
  const published = {
    name: pkg.name,
    version: pkg.version,
    description:
      'Typed Node.js client for a zhibo server (WeChat Mini Program Live back-end API): tokens, cached room lists, viewer tokens, webhook checks',
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', 'README.md'],
    engines: { node: '>=20' },
    license: pkg.license ?? 'MIT',
    keywords: ['zhibo', 'live', 'wechat', 'live-commerce'],
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  mkdirSync(out, { recursive: true });
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  process.stdout.write(`${join(out, name)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
