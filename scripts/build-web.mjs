// Bundles the browser code (SDK, room page, console, service worker, players) with esbuild: no CDN, everything served
// by zhibo from packages/server/public/build. The list and the build are in scripts/bundles.mjs (tests use the same).
import { join } from 'node:path';
import { buildBundles, ROOT } from './bundles.mjs';

const n = await buildBundles(join(ROOT, 'packages/server/public/build'));
console.log(`build-web: ${n} bundle(s)`);
