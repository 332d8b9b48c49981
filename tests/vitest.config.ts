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
          // Files share their worker's loaded modules instead of importing them again: importing
          // took twice as long as the tests themselves. No unit test mocks a module, stubs a
          // global or fakes timers, so nothing leaks from one file to the next.
          isolate: false,
          // The unit lane runs beside ESLint and the type checkers on two cores, so a test of a
          // few hundred milliseconds alone (one that starts hledger, or hashes with Argon2) can
          // take several seconds there; vitest's default of 5 s failed such a test by the clock.
          testTimeout: 30_000,
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
          // Importing the app's server code again for each of ~56 files took most of the suite's
          // time (693 s of imports against 852 s of tests in one CI-like run). No database test
          // mocks a module or stubs a global; the app's per-process caches key on what they
          // cache (a fund's ledger head, a region's stamp), so a file never reads another's.
          isolate: false,
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
          // Two lanes, each an app on a database of its own, one worker each (see LANES in
          // tests/e2e/global-setup.ts): the browser suite mostly waits (for Chromium, the app,
          // PostgreSQL), so two files at a time take little more than one. The set-up file points
          // each file at its worker's lane.
          maxWorkers: 2,
          setupFiles: ['tests/e2e/lane-setup.ts'],
          // A worker keeps the modules it has loaded (the app's server code, Playwright, axe) from
          // one file to the next instead of loading them again for each of the ~50 files, seconds
          // each on a loaded machine. No browser test mocks a module or stubs a global; each file
          // opens and closes its own connections and browsers, and the set-up file still runs
          // before every file.
          isolate: false,
          // Its own group, so that its worker count is its own when several projects run at once.
          sequence: { groupOrder: 1 },
          // expect.poll gives up after 1 s by default: shorter than one form post and re-render on
          // a loaded 2-core machine, so a test failed by the clock while the page was still
          // answering. A poll still ends the moment its condition holds; only a page that never
          // gets there waits this long, and then the test fails with the condition it missed.
          expect: { poll: { timeout: 20_000, interval: 100 } },
          // Two files run at once beside the other stages, so a test that walks fifteen pages
          // with axe on each (shell.test.ts) gets room; a timeout only ever ends a failing test.
          testTimeout: 180_000,
          hookTimeout: 180_000
        }
      }
    ]
  }
});
