import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.bundle.js', 'packages/server/public/build/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Scripts and benchmarks run on Node.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // DESIGN.md: core is pure — no I/O, no wall clock, no randomness. Time and ids come through ports.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'http', 'crypto', '@zhibo/server', '@zhibo/media'], message: 'core is the pure domain: no I/O imports (DESIGN.md). Pass what you need through a port.' }] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'core takes time from the injected Clock port (DESIGN.md).' },
        { object: 'Math', property: 'random', message: 'core takes randomness/ids from a port (DESIGN.md).' }],
    },
  },
  {
    // DESIGN.md: media never imports the domain; it reports events and is told allow/refuse/kick.
    files: ['packages/media/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@zhibo/core', '@zhibo/server'], message: 'media never imports the domain (DESIGN.md): report events, take decisions through callbacks.' }] }],
    },
  },
  {
    // Browser packages never import Node built-ins.
    files: ['packages/sdk/src/**/*.ts', 'packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'protocol and sdk run in browsers: no Node built-ins.' }] }],
    },
  },
);
