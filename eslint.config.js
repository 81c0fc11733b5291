import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import zhibo from './eslint/zhibo-plugin.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.bundle.js', 'packages/server/public/build/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type-aware rules: every TypeScript file belongs to a tsconfig project.
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'scripts/*.d.mts', 'bench/*/*.d.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // Scripts and benchmarks run on Node, untyped.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // A promise nobody awaits loses its error: await it, or say why with `void` and a comment.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      // Fastify handlers and hooks are async by contract (their return value is the answer), awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // WeChat's plugin rejects its promises with plain {errcode, errmsg} objects (S-API-PLUGIN-4); the SDK mirrors it.
    files: ['packages/sdk/src/**/*.ts'],
    rules: { '@typescript-eslint/only-throw-error': 'off', '@typescript-eslint/prefer-promise-reject-errors': 'off' },
  },
  {
    // Tests read JSON bodies as `any` on purpose (the assertion is the type check).
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // DESIGN: core is pure — no I/O, no wall clock, no randomness. Time and ids come through ports.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'http', 'crypto', '@zhibo/server', '@zhibo/media'],
              message: 'core is the pure domain: no I/O imports (docs/architecture.md). Pass what you need through a port.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core takes time from the injected Clock port (docs/architecture.md).' },
        { object: 'Math', property: 'random', message: 'core takes randomness/ids from a port (docs/architecture.md).' },
      ],
    },
  },
  {
    // Media never imports the domain; it reports events and is told allow/refuse/kick.
    files: ['packages/media/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@zhibo/core', '@zhibo/server'],
              message: 'media never imports the domain (docs/architecture.md): report events, take decisions through callbacks.',
            },
          ],
        },
      ],
    },
  },
  {
    // Browser packages never import Node built-ins.
    files: ['packages/sdk/src/**/*.ts', 'packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'protocol and sdk run in browsers: no Node built-ins.' }] },
      ],
    },
  },
  {
    // Table ownership (docs/architecture.md): only a module's sql.ts / store.ts runs statements; a module may use
    // another module's service, never its SQL or its routes (row types may be imported as types).
    files: ['packages/server/src/modules/**/*.ts', 'packages/server/src/http/**/*.ts'],
    plugins: { zhibo },
    rules: {
      'zhibo/db-only-in-sql': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../*/sql.js',
                '../*/store.js',
                '../*/outbox/*',
                '../*/routes.js',
                '../*/routes-*.js',
                '../../modules/*/sql.js',
                '../../modules/*/routes*.js',
              ],
              allowTypeImports: true,
              message:
                'A module uses another module\'s service (its index.ts / service.ts), never its SQL or routes (docs/architecture.md, "Table ownership").',
            },
          ],
        },
      ],
    },
  },
);
