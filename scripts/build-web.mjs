// Bundles the browser code (SDK, room page, console) with esbuild: no CDN, everything served by zhibo.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Workspace packages are bundled from their TypeScript sources (no stale dist/).
const alias = Object.fromEntries(['protocol', 'core', 'sdk'].map((p) => [`@zhibo/${p}`, `./packages/${p}/src/index.ts`]));

const entries = [
  // [entry, outfile]
  ['packages/sdk/src/browser.ts', 'packages/server/public/build/zhibo-sdk.js'],
  ['apps/room/src/main.ts', 'packages/server/public/build/room.js'],
  ['apps/console/src/main.ts', 'packages/server/public/build/console.js'],
  ['packages/sdk/src/service-worker.ts', 'packages/server/public/build/zhibo-sw.js'],
  // player libraries, loaded by the room page only when the browser needs them
  ['packages/sdk/src/vendor/mpegts.ts', 'packages/server/public/build/vendor/mpegts.js'],
  ['packages/sdk/src/vendor/hls.ts', 'packages/server/public/build/vendor/hls.js'],
].filter(([entry]) => existsSync(new URL(`../${entry}`, import.meta.url)));

// The script-tag SDK is a classic script (merchants paste one plain <script src> tag, any origin): an IIFE, so its
// names never leak into the page's globals. The room page and console are modules.
const classic = new Set(['packages/server/public/build/zhibo-sdk.js', 'packages/server/public/build/zhibo-sw.js']);
for (const [entry, outfile] of entries) {
  const format = classic.has(outfile) ? 'iife' : 'esm';
  await build({ absWorkingDir: root, alias, entryPoints: [entry], outfile, bundle: true, format, target: ['es2020', 'safari15'], minify: true, sourcemap: true, logLevel: 'warning' });
}
console.log(`build-web: ${entries.length} bundle(s)`);
