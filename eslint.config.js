// ESLint for the whole workspace: TypeScript, Svelte, and the house
// rules that a compiler cannot check.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const NO_APP_IN_LEDGER = 'The ledger is pure and stands alone: it imports no app code.';

/** Nothing outside lib/server/demo/ imports it, but the composition root that installs it. */
const DEMO_MAY_IMPORT_DEMO = ['apps/web/src/lib/server/demo/**', 'apps/web/src/hooks.server.ts'];
const NO_DEMO = {
  group: ['**/demo', '**/demo/*', '$lib/server/demo', '$lib/server/demo/*'],
  message: 'Only the demo imports the demo: hooks.server.ts installs it as a plug-in (platform/demo-plugin.ts).'
};
const NO_SERVER_IN_COMPONENTS = {
  group: ['$lib/server', '$lib/server/*', '**/server/*'],
  message: 'Components render what a load function gave them; they import nothing from lib/server.'
};

/**
 * The import patterns a lower layer of lib/server may not use: any sibling folder other than its
 * own and the ones listed below it.
 * @param {string} self
 * @param {string[]} allowed
 */
function below(self, allowed) {
  const keep = [self, ...allowed].flatMap((name) => [`!../${name}`, `!../${name}/*`]);
  const keepLib = [self, ...allowed].flatMap((name) => [`!$lib/server/${name}`, `!$lib/server/${name}/*`]);
  return {
    group: ['../*', ...keep, '$lib/server/*', ...keepLib],
    message: `lib/server/${self} sits below the features: it may import only ${[self, ...allowed].join(', ')}.`
  };
}

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
      // Not type-aware: the type information cost ~200 s of CPU per run on CI's two cores (the
      // Svelte parser rebuilds the TypeScript program for every component), and it served one rule
      // alone, svelte/no-navigation-without-resolve, for links (see below).
      parserOptions: { extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
    },
    rules: {
      // Without types the rule cannot follow a link's href through a variable, so it checks goto,
      // pushState and replaceState only. Links are checked by tests/unit/links-resolve.test.ts.
      'svelte/no-navigation-without-resolve': ['error', { ignoreLinks: true }]
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
          patterns: [
            { group: ['node:*'], message: 'The ledger core does no I/O and runs in browsers too.' },
            { group: ['@gongjian/web', '@gongjian/web/*', '**/apps/**', '$lib', '$lib/*'], message: NO_APP_IN_LEDGER }
          ]
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
  // The house's "never" arrows (README, Where things live). ESLint applies the last block that
  // sets a rule, so each block below lists every boundary that holds for its files.
  {
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.svelte', 'apps/web/src/**/*.js'],
    ignores: [...DEMO_MAY_IMPORT_DEMO],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEMO] }] }
  },
  {
    // Routes stay thin: no SQL in them; use cases in lib/server do the work.
    files: ['apps/web/src/routes/**/*'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_DEMO,
            {
              group: ['postgres', '**/db/client'],
              message: 'Routes call use cases in $lib/server, never the database.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['apps/web/src/lib/components/**/*'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEMO, NO_SERVER_IN_COMPONENTS] }] }
  },
  {
    // The database layer serves every feature and knows none of them.
    files: ['apps/web/src/lib/server/db/**/*'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEMO, below('db', [])] }] }
  },
  {
    // The platform (configuration, audit, attachments, …) sits under the features: it may use the
    // database layer and nothing above it.
    files: ['apps/web/src/lib/server/platform/**/*'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEMO, below('platform', ['db'])] }] }
  }
);
