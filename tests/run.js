// `npm test`: every check, in order, with one summary at the end.
//   1. typecheck   svelte-check (the app) and tsc (ledger, tests, benchmarks, scripts)
//   2. lint        eslint and prettier --check
//   3. unit        vitest, project "unit" (pure code: the ledger package, formatting, …)
//   (lint runs beside the app's build, typecheck and unit; output is printed whole.)
//   4. db          vitest, project "db" (real PostgreSQL: a fresh database per run)
//   5. e2e         vitest, project "e2e" (the built app in real Chromium)
//   (db runs beside e2e, each on a PostgreSQL cluster of its own.)
// A failing stage does not stop the later ones, so one run shows everything that is wrong.
// The last line counts the tests: "total: N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (/** @type {string} */ name) => join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'gongjian-test-'));
const only = process.argv.slice(2);

/** @type {{ name: string, ok: boolean, seconds: number, counts?: { passed: number, failed: number, skipped: number }, failures?: string[] }[]} */
const results = [];

/**
 * Runs one command. Alone, it prints as it goes; in a group of stages that run side by side, its
 * output is kept and printed whole when it ends, so that the stages' lines do not interleave.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @returns {Promise<{ ok: boolean, seconds: number }>}
 */
function run(name, command, args, options = {}) {
  const started = Date.now();
  const header = `\n▶ ${name}: ${[command, ...args].map((part) => part.replace(root, '')).join(' ')}`;
  const quiet = grouped;
  if (!quiet) console.log(header);
  /** @type {Buffer[]} */
  const output = [];
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      ...options
    });
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (status) => {
      if (quiet) process.stdout.write(`${header}\n${Buffer.concat(output).toString('utf8')}`);
      resolve({ ok: status === 0, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** True while a group of stages runs side by side (see `together`). */
let grouped = false;

/** @typedef {[string, string[]] | [string, string[], import('node:child_process').SpawnOptions]} Step */

/**
 * @param {string} name
 * @param {Step[]} steps
 */
async function stage(name, steps) {
  if (only.length > 0 && !only.includes(name)) return;
  const started = Date.now();
  let ok = true;
  for (const [command, args, options] of steps) ok = (await run(name, command, args, options)).ok && ok;
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
}

/** @param {string} name */
async function vitestStage(name) {
  if (only.length > 0 && !only.includes(name)) return;
  const reportFile = join(reports, `${name}.json`);
  const outcome = await run(name, bin('vitest'), [
    'run',
    '--config',
    'tests/vitest.config.ts',
    '--project',
    name,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`
  ]);
  let counts = { passed: 0, failed: 0, skipped: 0 };
  /** @type {string[]} */
  let failures = [];
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    counts = {
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests
    };
    failures = failuresOf(report);
  }
  // A stage that ran no test at all is a broken stage, not a green one.
  const ok = outcome.ok && counts.failed === 0 && counts.passed > 0;
  results.push({ name, ok, seconds: outcome.seconds, counts, failures });
}

/**
 * The failed tests of a vitest JSON report, each with the first lines of its message. The summary
 * repeats them because a CI log is often read from its tail, far below the stage's own output.
 * @param {{ testResults: { name: string, message?: string, assertionResults: { status: string, fullName: string, failureMessages?: string[] }[] }[] }} report
 */
function failuresOf(report) {
  const lines = [];
  for (const file of report.testResults) {
    const where = relative(root, file.name);
    const failed = file.assertionResults.filter((test) => test.status === 'failed');
    // A file that failed to load has no failed test, only a message of its own.
    if (failed.length === 0 && file.message) lines.push(`${where}: ${firstLines(file.message)}`);
    for (const test of failed)
      lines.push(`${where} > ${test.fullName}: ${firstLines((test.failureMessages ?? []).join('\n'))}`);
  }
  return lines;
}

/** @param {string} text */
function firstLines(text) {
  return text.split('\n').slice(0, 6).join('\n    ');
}

/**
 * Runs lanes of stages side by side, each lane's stages one after the other; the summary keeps
 * the listed order. Stages that run together must not write what the others read: the linters,
 * the type checkers and the unit tests only read the tree; the app's build writes apps/web/build
 * and .svelte-kit (whose tsconfig ESLint has read by then). ESLint keeps one core busy for two
 * minutes, so the other lane runs the type checks, builds the app and runs the unit tests.
 * @param {(() => Promise<void>)[][]} lanes
 * @param {string[]} order
 */
async function together(lanes, order) {
  grouped = true;
  const before = results.length;
  await Promise.all(
    lanes.map(async (lane) => {
      for (const start of lane) await start();
    })
  );
  const finished = results.splice(before);
  finished.sort((first, second) => order.indexOf(first.name) - order.indexOf(second.name));
  results.push(...finished);
  grouped = false;
}

// The message catalogue and SvelteKit's generated types must exist before anything type-checks.
await stage('prepare', [
  [process.execPath, ['apps/web/scripts/i18n.js']],
  [bin('svelte-kit'), ['sync'], { cwd: join(root, 'apps/web') }]
]);
await together(
  [
    [
      () =>
        stage('lint', [
          [bin('eslint'), ['--max-warnings=0', '.']],
          [bin('prettier'), ['--check', '--log-level=warn', '.']]
        ])
    ],
    [
      () =>
        stage('typecheck', [
          [
            bin('svelte-check'),
            ['--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'],
            { cwd: join(root, 'apps/web') }
          ],
          [bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
          [bin('tsc'), ['-p', 'packages/ledger/tsconfig.build.json', '--noEmit']]
        ]),
      // The browser suite runs the built app; building it here, beside ESLint, takes the build
      // out of the browser suite's own time (its set-up then finds the build fresh and skips it).
      // It comes after svelte-check, because the build rewrites .svelte-kit's generated files,
      // which svelte-check reads.
      () => stage('build', [[process.execPath, ['apps/web/scripts/build-if-stale.js']]]),
      () => vitestStage('unit')
    ]
  ],
  ['typecheck', 'build', 'lint', 'unit']
);
// The database tests and the browser tests run side by side, each on a PostgreSQL cluster of its
// own (tests/support/postgres.ts). The browser suite mostly waits (for Chromium, for the app, for
// a page to settle), so the database suite's CPU fits in its pauses, and the two together take
// little more than the browser suite alone. Both suites are written to pass on a loaded machine
// (they poll for conditions, never sleep).
await together([[() => vitestStage('db')], [() => vitestStage('e2e')]], ['db', 'e2e']);
rmSync(reports, { recursive: true, force: true });

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\n── summary ──');
for (const result of results) {
  const counts = result.counts
    ? ` (${result.counts.passed} passed, ${result.counts.failed} failed, ${result.counts.skipped} skipped)`
    : '';
  console.log(`${result.ok ? '✓' : '✗'} ${result.name.padEnd(10)} ${result.seconds.toFixed(1).padStart(6)} s${counts}`);
  for (const failure of result.failures ?? []) console.log(`    ✗ ${failure}`);
  if (result.counts) {
    total.passed += result.counts.passed;
    total.failed += result.counts.failed;
    total.skipped += result.counts.skipped;
  }
}
const failedStages = results.filter((result) => !result.ok).map((result) => result.name);
if (failedStages.length > 0) console.log(`FAILED stages: ${failedStages.join(', ')}`);
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
const e2e = results.find((result) => result.name === 'e2e');
if (e2e?.counts && e2e.counts.skipped > 0 && process.env.CI !== 'true') {
  console.log('WARNING: browser tests were SKIPPED because Chromium is missing: apt-get install -y chromium');
}
process.exit(failedStages.length === 0 ? 0 : 1);
