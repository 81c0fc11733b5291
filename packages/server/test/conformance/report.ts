/**
 * Vitest-free entry: starts a real zhibo server (PGlite in a temp dir, fake clock), makes fixtures through its
 * WeChat API, runs every SDK call of sdk-calls.ts and prints the SDK × item matrix and the failures.
 * `node scripts/conformance-report.mjs [--json FILE] [--sdk ID]… [--item ID]…` (or `node --import tsx` on this file).
 */
import { writeFileSync } from 'node:fs';
import { startServer } from '../helpers.js';
import { serverFixtures } from './fixtures.js';
import { formatFailures, formatMatrix } from './format.js';
import type { ItemId } from './items.js';
import { runConformance } from './run.js';
import type { SdkId } from './types.js';

function args(argv: string[]): { json?: string; sdks?: SdkId[]; items?: ItemId[] } {
  const out: { json?: string; sdks?: SdkId[]; items?: ItemId[] } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--json') out.json = value;
    else if (flag === '--sdk') (out.sdks ??= []).push(value as SdkId);
    else if (flag === '--item') (out.items ??= []).push(value as ItemId);
    else throw new Error(`unknown argument ${flag} (use --json FILE, --sdk ID, --item ID)`);
    i++;
  }
  return out;
}

async function main(): Promise<void> {
  const opts = args(process.argv.slice(2));
  const t = await startServer('pglite');
  try {
    const fixtures = await serverFixtures(t);
    const report = await runConformance(t.url, fixtures, { sdks: opts.sdks, items: opts.items });
    console.log(formatMatrix(report));
    console.log('\nCalls that did not pass:');
    console.log(formatFailures(report));
    if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2));
  } finally {
    await t.cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
