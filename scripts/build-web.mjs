// Bundles the browser code (SDK, room page, console) with esbuild: no CDN, everything served by zhibo.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const entries = [
  // [entry, outfile]
  ['packages/sdk/src/browser.ts', 'packages/server/public/build/zhibo-sdk.js'],
  ['apps/room/src/main.ts', 'packages/server/public/build/room.js'],
  ['apps/console/src/main.ts', 'packages/server/public/build/console.js'],
  ['packages/sdk/src/service-worker.ts', 'packages/server/public/build/zhibo-sw.js'],
].filter(([entry]) => existsSync(entry));

for (const [entry, outfile] of entries) {
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', target: ['es2020', 'safari14'], minify: true, sourcemap: true, logLevel: 'warning' });
}
console.log(`build-web: ${entries.length} bundle(s)`);
