import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('docs generated from the code', () => {
  it('docs/errors.md and docs/configuration.md match the error catalogue and the config defaults', () => {
    const out = execFileSync(process.execPath, ['scripts/gen-docs.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toContain('docs: up to date');
  });
});
