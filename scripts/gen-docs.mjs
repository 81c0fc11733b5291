// Regenerates the reference tables in docs/ from the code (npm run docs); `--check` only reports stale files.
// packages/server/test/docs.test.ts runs the same check in the test command.
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED, replaceBlock } from '../packages/server/dist/app/docs.js';

const outputs = await Promise.all(
  GENERATED.map(async ([file, block, table]) => [file, replaceBlock(readFileSync(file, 'utf8'), block, await table())]),
);
if (process.argv.includes('--check')) {
  const stale = outputs.filter(([file, text]) => readFileSync(file, 'utf8') !== text).map(([f]) => f);
  if (stale.length) {
    console.error(`out of date (run npm run docs): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log('docs: up to date');
} else {
  for (const [file, text] of outputs) writeFileSync(file, text);
  console.log(`docs: ${outputs.map(([f]) => f).join(', ')} regenerated`);
}
