// ESLint for the whole workspace: TypeScript (type-aware where it pays), Svelte, and the house
// rules that a compiler cannot check.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      '**/node_modules/',
      '**/build/',
      '**/dist/',
      '**/.svelte-kit/',
      'apps/web/src/lib/paraglide/',
      'apps/web/project.inlang/',
      '.data/',
      'tests/e2e/screenshots/'
    ]
  },
  js.configs.recommended,
  ...ts.configs.strict,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true }
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
      // Input checks look for control characters on purpose.
      'no-control-regex': 'off',
      // Money is never a binary float: no parseFloat anywhere near amounts.
      'no-restricted-globals': [
        'error',
        { name: 'parseFloat', message: 'Money is decimal.js; parse decimals as strings.' }
      ]
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
    }
  },
  {
    // The ledger core is pure: no I/O, no clock, no randomness, nothing Node-only.
    files: ['packages/ledger/src/**/*.ts'],
    ignores: ['packages/ledger/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'path', 'crypto', 'os', 'child_process', 'net', 'http'].map((name) => ({
            name,
            message: 'The ledger core does no I/O and runs in browsers too.'
          })),
          patterns: [{ group: ['node:*'], message: 'The ledger core does no I/O and runs in browsers too.' }]
        }
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The ledger core never reads the clock; take the time as input.' },
        { object: 'Math', property: 'random', message: 'The ledger core is deterministic; take ids as input.' }
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The ledger core never reads the clock.'
        }
      ]
    }
  },
  {
    // A test states what it expects to exist; a failed expectation is the test failing.
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' }
  },
  {
    // Routes stay thin: no SQL in them; use cases in lib/server do the work.
    files: ['apps/web/src/routes/**/*'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['postgres', '**/db/client'],
              message: 'Routes call use cases in $lib/server, never the database.'
            }
          ]
        }
      ]
    }
  }
);
