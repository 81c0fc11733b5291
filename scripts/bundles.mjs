// The browser bundles (SDK, room page, console, anchor page, service worker, player libraries) and how they are built — one list,
// one function, used by scripts/build-web.mjs (into packages/server/public/build) and by the browser tests (into a
// temporary directory the test server is pointed at, never into the directory a running server serves).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** [entry, output file relative to the build directory] */
export const BUNDLES = [
  ['packages/sdk/src/browser.ts', 'zhibo-sdk.js'],
  ['apps/room/src/main.ts', 'room.js'],
  ['apps/console/src/main.ts', 'console.js'],
  ['apps/console/src/assistant.ts', 'console-assistant.js'],
  ['apps/anchor/src/main.ts', 'anchor.js'],
  ['packages/sdk/src/service-worker.ts', 'zhibo-sw.js'],
  // player libraries, loaded by the room page only when the browser needs them
  ['packages/sdk/src/vendor/mpegts.ts', 'vendor/mpegts.js'],
  ['packages/sdk/src/vendor/hls.ts', 'vendor/hls.js'],
];

// The script-tag SDK and the service worker are classic scripts (merchants paste one plain <script src> tag, any
// origin): IIFEs, so their names never leak into the page's globals. The room page, console and anchor page are modules.
const CLASSIC = new Set(['zhibo-sdk.js', 'zhibo-sw.js']);

const SOURCES = ['apps/room/src', 'apps/console/src', 'apps/anchor/src', 'packages/sdk/src', 'packages/protocol/src', 'packages/core/src'];
// Workspace packages are bundled from their TypeScript sources (no stale dist/).
const alias = Object.fromEntries(['protocol', 'core', 'sdk'].map((p) => [`@zhibo/${p}`, `./packages/${p}/src/index.ts`]));

/** Build every bundle into `outDir` (files written atomically, so a reader never sees half a file). */
export async function buildBundles(outDir) {
  for (const [entry, out] of BUNDLES) {
    if (!existsSync(join(ROOT, entry))) continue;
    const r = await build({
      absWorkingDir: ROOT,
      alias,
      entryPoints: [entry],
      outfile: join(outDir, out),
      bundle: true,
      format: CLASSIC.has(out) ? 'iife' : 'esm',
      target: ['es2020', 'safari15'],
      minify: true,
      sourcemap: true,
      logLevel: 'warning',
      write: false,
    });
    for (const f of r.outputFiles) {
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = `${f.path}.${process.pid}.tmp`;
      writeFileSync(tmp, f.contents);
      renameSync(tmp, f.path);
    }
  }
  return BUNDLES.length;
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let building;

/**
 * Bundles for tests: built once per source state into a temporary directory shared by the test processes of a run
 * (a complete directory is renamed into place, so concurrent builders never see a half-built one).
 */
export function testBundles() {
  building ??= (async () => {
    const stamp = Math.floor(Math.max(...SOURCES.map((d) => newest(join(ROOT, d))))).toString(36);
    const dir = join(tmpdir(), `zhibo-test-bundles-${stamp}`);
    const done = () => existsSync(join(dir, '.complete'));
    if (done()) return dir;
    // One builder per source state; the other test processes wait for its result (or take over a stale lock).
    const lock = `${dir}.lock`;
    for (;;) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        break;
      } catch {
        if (done()) return dir;
        if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lock, { force: true });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    try {
      if (done()) return dir;
      const work = `${dir}.${process.pid}.tmp`;
      rmSync(work, { recursive: true, force: true });
      await buildBundles(work);
      writeFileSync(join(work, '.complete'), stamp);
      rmSync(dir, { recursive: true, force: true });
      renameSync(work, dir);
      return dir;
    } finally {
      rmSync(lock, { force: true });
    }
  })();
  return building;
}
