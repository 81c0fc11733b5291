import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources of every workspace package, so a
// change is tested without a build step. The runtime (CLI, server) uses dist/.
export default defineConfig({
  resolve: {
    alias: {
      '@zhibo/protocol': src('protocol'),
      '@zhibo/core': src('core'),
      '@zhibo/media': src('media'),
      '@zhibo/client': src('client'),
      '@zhibo/sdk': src('sdk'),
      '@zhibo/testkit': src('testkit'),
      '@zhibo/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
