/**
 * The developer's path (issue 12 §13): `@zhibo/client` as a package. The packed tarball installs offline into an empty
 * project (it has no dependencies), type-checks under strict TypeScript, and its getLiveInfo answers from a real server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchant, startServer, type TestServer } from './helpers.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');

describe('@zhibo/client as an installable package', () => {
  let t: TestServer;
  let dir: string;
  let tgz = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zhibo-client-'));
    await run('npx', ['tsc', '-b', 'packages/client', 'packages/protocol'], { cwd: ROOT });
    tgz = (await run(process.execPath, ['scripts/pack-client.mjs', join(dir, 'pack')], { cwd: ROOT })).stdout.trim();
    t = await startServer('pglite');
  });
  afterAll(async () => {
    await t?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('pack-client → a tarball with dist, the wire types and its README, and no dependencies', async () => {
    expect(tgz).toMatch(/zhibo-client-\d+\.\d+\.\d+\.tgz$/);
    const files = (await run('tar', ['tzf', tgz])).stdout.split('\n').filter(Boolean).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'package/README.md',
        'package/dist/index.d.ts',
        'package/dist/index.js',
        'package/dist/wire/index.d.ts',
        'package/dist/wire/wechat.d.ts',
        'package/package.json',
      ]),
    );
    const pkg = JSON.parse((await run('tar', ['xzf', tgz, '-O', 'package/package.json'])).stdout) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: '@zhibo/client', type: 'module', main: './dist/index.js', types: './dist/index.d.ts' });
    expect(pkg.dependencies).toBeUndefined();
    const dts = (await run('tar', ['xzf', tgz, '-O', 'package/dist/index.d.ts'])).stdout;
    expect(dts).not.toContain('@zhibo/protocol');
  });

  it('npm install of the tarball in an empty project (offline), then getLiveInfo against a real server lists its room; strict tsc accepts the types', async () => {
    const m = await merchant(t);
    const roomId = await m.room({ name: '打包测试直播间' });
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'merchant-server', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tgz], {
      cwd: app,
      env: { ...process.env, npm_config_cache: join(dir, 'npm-cache') },
    });
    expect(
      (JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies[
        '@zhibo/client'
      ],
    ).toMatch(/^file:/);

    await writeFile(
      join(app, 'main.mjs'),
      `import { ZhiboClient, signViewerToken } from '@zhibo/client';
const zhibo = new ZhiboClient({ baseUrl: process.argv[2], appid: process.argv[3], appsecret: process.argv[4] });
const { rooms, total } = await zhibo.getLiveInfo(0, 10);
console.log(JSON.stringify({ total, rooms: rooms.map((r) => [r.roomid, r.name, r.live_status]), token: signViewerToken(process.argv[4], 'u1', 60, 0, { nick: 'Ann' }).split('.').length }));
`,
    );
    const out = JSON.parse((await run(process.execPath, ['main.mjs', t.url, m.appid, m.appsecret], { cwd: app })).stdout) as {
      total: number;
      rooms: unknown[];
      token: number;
    };
    expect(out).toEqual({ total: 1, rooms: [[roomId, '打包测试直播间', 102]], token: 3 });

    await writeFile(
      join(app, 'check.ts'),
      `import { ZhiboClient, ZhiboApiError, type LiveInfoRoom, type LiveStatus } from '@zhibo/client';
const c = new ZhiboClient({ baseUrl: 'http://x', appid: 'a', appsecret: 's' });
export async function names(): Promise<string[]> {
  const { rooms } = await c.getLiveInfo(0, 10);
  const live: LiveStatus = 101;
  return rooms.filter((r: LiveInfoRoom) => r.live_status === live).map((r) => r.name + r.goods.map((g) => g.price).join());
}
export const isApiError = (e: unknown): boolean => e instanceof ZhiboApiError && e.errcode > 0;
`,
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2022,dom',
        'check.ts',
      ],
      { cwd: app },
    );
  });
});
