import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Reason } from '@zhibo/protocol';
import { GENERATED, replaceBlock } from '../src/app/docs.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('generated reference docs', () => {
  it('docs/errors.md, configuration.md, operations.md (metrics) and api-reference.md match the code (npm run docs)', async () => {
    for (const [file, block, table] of GENERATED) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(replaceBlock(text, block, await table()), `${file} is out of date: run npm run docs`).toBe(text);
    }
  });

  it('every documented error reason is one the server can answer (no dead rows in docs/errors.md)', () => {
    const code = [...sources(join(root, 'packages/server/src')), ...sources(join(root, 'packages/core/src'))]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.entries(Reason)
      .filter(([key]) => !new RegExp(`Reason\\.${key}\\b`).test(code))
      .map(([, v]) => v);
    expect(unused).toEqual([]);
  });
});
