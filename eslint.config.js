// Lint: TypeScript rules plus the layering rule of DEVELOPERS.md — domain code (src/core,
// src/services) never imports a web framework, a query builder, a driver or a vendor SDK. The
// portal (web/) gets the same TypeScript rules and React's rules of hooks.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const forbiddenInDomain = [
  'fastify',
  'fastify-*',
  '@fastify/*',
  'kysely',
  'pg',
  'better-sqlite3',
  'ioredis',
  'nodemailer',
  'openid-client',
  '@node-rs/*',
  'qrcode',
  'pino',
  'prom-client',
  'commander',
  'dotenv',
  'twilio',
];
const layerPatterns = (layers) =>
  layers.map((l) => ({
    group: [`**/${l}/**`, `../${l}/*`, `../../${l}/*`],
    message: `domain code must not import src/${l}`,
  }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: the mistakes the type checker alone lets through (a promise nobody awaits,
    // a cast that changes nothing, a switch that forgets a member of a union).
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['web/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // React calls an async onSubmit/onClick and ignores its promise; the handlers catch their own errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The portal: hooks only at the top level of components and hooks, and every effect and
    // callback names what it reads (a stale closure is how a page shows another page's data).
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInDomain
            .filter((n) => !n.includes('*'))
            .map((name) => ({ name, message: 'src/core is pure: no framework, database or vendor imports' })),
          patterns: [
            {
              group: forbiddenInDomain.filter((n) => n.includes('*')),
              message: 'src/core is pure: no framework, database or vendor imports',
            },
            ...layerPatterns(['services', 'storage', 'adapters', 'server', 'cli', 'client']),
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInDomain
            .filter((n) => !n.includes('*'))
            .map((name) => ({ name, message: 'services work over core and ports only' })),
          patterns: [
            {
              group: forbiddenInDomain.filter((n) => n.includes('*')),
              message: 'services work over core and ports only',
            },
            ...layerPatterns(['storage', 'adapters', 'server', 'cli', 'client']),
          ],
        },
      ],
    },
  },
  {
    // The CLI works over src/runtime (config, keyring, logger), src/client and src/storage; of the
    // Fastify edge it may only start the server through its public entry, src/server/serve.ts.
    files: ['src/cli/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)server/(?!serve\\.js$)',
              message:
                'src/cli may import only src/server/serve.ts from the server (config, keyring and logger live in src/runtime)',
            },
          ],
        },
      ],
    },
  },
  {
    // Adapters implement ports for the services; they never reach into the client or the server.
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client/**', '../client/*', '../../client/*', '**/server/**', '../server/*', '../../server/*'],
              message: 'src/adapters must not import src/client or src/server (shared pure code belongs in src/core)',
            },
          ],
        },
      ],
    },
  },
);
