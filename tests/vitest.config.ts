import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const webLib = fileURLToPath(new URL('../apps/web/src/lib', import.meta.url));

// Tests run against the TypeScript sources of the workspace packages (the "source" export
// condition), never against a stale build.
const conditions = ['source', ...defaultServerConditions];
const resolve = { conditions, alias: { $lib: webLib } };
const ssr = { resolve: { conditions } };

export default defineConfig({
  test: {
    root,
    expect: { requireAssertions: true },
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          root,
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/web/src/**/*.test.ts',
            'tests/unit/**/*.test.ts'
          ],
          environment: 'node'
        }
      },
      {
        resolve,
        ssr,
        test: {
          name: 'db',
          root,
          include: ['tests/db/**/*.test.ts'],
          globalSetup: ['tests/support/db-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000
        }
      },
      {
        resolve,
        ssr,
        test: {
          name: 'e2e',
          root,
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 180_000
        }
      }
    ]
  }
});
