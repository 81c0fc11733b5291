// node scripts/conformance-report.mjs [--json FILE] [--sdk ID]… [--item ID]…
// Starts a zhibo server (PGlite, temp dir), replays what real WeChat SDKs send (packages/server/test/conformance)
// and prints the SDK × item matrix. Needs a build of the workspace packages (npx tsc -b). Not a test: it reports.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/server/test/conformance/report.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
